import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createPrefectClient,
  PrefectApiError,
  type PrefectClientOptions,
  type PrefectSettings,
} from "../src/index.js";
import { backoff, retryAfterMs } from "../src/retries.js";
import { rejection } from "./rejection.js";

const API_URL = "http://prefect.test/api";
const SETTINGS: PrefectSettings = { apiUrl: API_URL, sources: { apiUrl: "env" } };
const FLOW_ID = "3f5a1c8e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";

type Step = Response | Error | ((request: Request) => Promise<Response>);

/**
 * A fetch that plays one scripted step per call (the last step repeats) and records each request
 * together with the body it carried.
 */
function scriptedFetch(...steps: Array<() => Step>) {
  const calls: Array<{ request: Request; body: string }> = [];
  const fetch = async (request: Request): Promise<Response> => {
    calls.push({ request, body: await request.clone().text() });
    const step = (steps[calls.length - 1] ?? steps[steps.length - 1])?.();
    if (step instanceof Error) throw step;
    if (typeof step === "function") return step(request);
    if (!step) throw new Error("no scripted step");
    return step;
  };
  return { calls, fetch };
}

const status =
  (code: number, body: unknown = { detail: `status ${code}` }, headers = {}) =>
  () =>
    Response.json(body, { status: code, headers });
const ok = (body: unknown) => () => Response.json(body);
const networkError =
  (cause = "connect ECONNREFUSED 10.0.0.1:4200") =>
  () =>
    new TypeError("fetch failed", { cause: new Error(cause) });
/** Never answers; rejects only when the request's signal aborts, as real `fetch` does. */
const hang = () => (request: Request) =>
  new Promise<Response>((_, reject) => {
    if (request.signal.aborted) reject(request.signal.reason);
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
  });

function client(
  fetch: (request: Request) => Promise<Response>,
  options: PrefectClientOptions = {},
) {
  return createPrefectClient(SETTINGS, {
    fetch,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5_000,
    ...options,
  });
}

async function apiError(promise: Promise<unknown>): Promise<PrefectApiError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(PrefectApiError);
  return error as PrefectApiError;
}

const getFlow = (c: ReturnType<typeof client>) =>
  c.GET("/flows/{id}", { params: { path: { id: FLOW_ID } } });

describe("retries on transient failures", () => {
  it("succeeds after one retry when the server answers 503 then 200", async () => {
    const { calls, fetch } = scriptedFetch(status(503), ok([{ id: FLOW_ID, name: "etl" }]));
    const flows = await client(fetch).POST("/flows/filter", { body: {} });
    expect(flows).toEqual([{ id: FLOW_ID, name: "etl" }]);
    expect(calls).toHaveLength(2);
  });

  it.each([408, 429, 502, 503, 504])("retries HTTP %i", async (code) => {
    const { calls, fetch } = scriptedFetch(status(code), ok({ id: FLOW_ID }));
    await expect(getFlow(client(fetch))).resolves.toEqual({ id: FLOW_ID });
    expect(calls).toHaveLength(2);
  });

  it.each([400, 404, 422, 500])("does not retry HTTP %i", async (code) => {
    const { calls, fetch } = scriptedFetch(status(code, { detail: "nope" }), ok({ id: FLOW_ID }));
    const error = await apiError(getFlow(client(fetch)));
    expect(error.status).toBe(code);
    expect(error.reason).toBe("http");
    expect(calls).toHaveLength(1);
  });

  it("waits at least as long as a 429's Retry-After asks before retrying", async () => {
    const { calls, fetch } = scriptedFetch(
      status(429, { detail: "slow down" }, { "Retry-After": "1" }),
      ok([]),
    );
    const started = performance.now();
    await client(fetch).POST("/flows/filter", { body: {} });
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(calls).toHaveLength(2);
  });

  it("fails at once, naming the wait, when Retry-After asks for longer than the longest wait", async () => {
    const { calls, fetch } = scriptedFetch(
      status(429, { detail: "Rate limit exceeded" }, { "Retry-After": "60" }),
      ok([]),
    );
    const started = performance.now();
    const error = await apiError(
      client(fetch, { retryMaxDelayMs: 1_000 }).POST("/flows/filter", { body: {} }),
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(calls).toHaveLength(1);
    expect(error.status).toBe(429);
    expect(error.message).toContain("Rate limit exceeded");
    expect(error.message).toContain("retry after 60 s");
  });

  it("gives up after the retry limit with the last status, Prefect's detail and the attempt count", async () => {
    const { calls, fetch } = scriptedFetch(
      status(502, { detail: "Bad gateway upstream" }),
      status(503, { detail: "Service temporarily unavailable" }),
    );
    const error = await apiError(client(fetch, { retries: 2 }).POST("/flows/filter", { body: {} }));
    expect(calls).toHaveLength(3);
    expect(error).toMatchObject({
      reason: "http",
      status: 503,
      method: "POST",
      path: "/flows/filter",
      detail: "Service temporarily unavailable",
    });
    expect(error.message).toContain("HTTP 503");
    expect(error.message).toContain("Service temporarily unavailable");
    expect(error.message).toContain("after 3 attempts");
  });

  it("makes exactly one attempt when retries are off", async () => {
    const { calls, fetch } = scriptedFetch(status(503), ok([]));
    const error = await apiError(getFlow(client(fetch, { retries: 0 })));
    expect(error.message).toContain("after 1 attempts");
    expect(calls).toHaveLength(1);
  });
});

describe("network errors and timeouts", () => {
  it("retries a network error and succeeds when the server comes back", async () => {
    const { calls, fetch } = scriptedFetch(networkError(), ok({ id: FLOW_ID }));
    await expect(getFlow(client(fetch))).resolves.toEqual({ id: FLOW_ID });
    expect(calls).toHaveLength(2);
  });

  it("reports a persistent network error as reason network, with its cause and attempt count", async () => {
    const { calls, fetch } = scriptedFetch(networkError("connect ECONNREFUSED 10.0.0.1:4200"));
    const error = await apiError(getFlow(client(fetch, { retries: 2 })));
    expect(calls).toHaveLength(3);
    expect(error.reason).toBe("network");
    expect(error.status).toBeUndefined();
    expect(error.path).toBe(`/flows/${FLOW_ID}`);
    expect(error.message).toContain("could not reach the server");
    expect(error.message).toContain("ECONNREFUSED 10.0.0.1:4200");
    expect(error.message).toContain("after 3 attempts");
  });

  it("retries an answer whose body is cut off half-way, and says so when it never comes whole", async () => {
    const cutOff = () => () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"id": "3f5a'));
            controller.error(
              new TypeError("terminated", { cause: new Error("other side closed") }),
            );
          },
        }),
        { status: 200, headers: { "content-type": "application/json" } },
      );
    const { calls, fetch } = scriptedFetch(cutOff(), ok({ id: FLOW_ID }));
    await expect(getFlow(client(fetch))).resolves.toEqual({ id: FLOW_ID });
    expect(calls).toHaveLength(2);

    const alwaysCut = scriptedFetch(cutOff());
    const error = await apiError(getFlow(client(alwaysCut.fetch, { retries: 1 })));
    expect(error.reason).toBe("invalid-response");
    expect(error.message).toContain("cut off");
    expect(error.message).toContain("other side closed");
    expect(error.message).toContain("after 2 attempts");
  });

  it("counts a body that arrives too slowly against the attempt's timeout", async () => {
    const slowBody = () => () =>
      new Response(new ReadableStream({ start() {} }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    const { calls, fetch } = scriptedFetch(slowBody());
    const error = await apiError(getFlow(client(fetch, { timeoutMs: 50 })));
    expect(error.reason).toBe("timeout");
    expect(calls).toHaveLength(1);
  });

  it("abandons an attempt after the per-attempt timeout and does not retry it", async () => {
    const { calls, fetch } = scriptedFetch(hang, ok({ id: FLOW_ID }));
    const started = performance.now();
    const error = await apiError(getFlow(client(fetch, { timeoutMs: 50, retries: 3 })));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(error.reason).toBe("timeout");
    expect(error.message).toContain("timed out");
    expect(calls).toHaveLength(1);
  });
});

describe("the timeout setting", () => {
  it("takes the per-attempt timeout from the settings when no option overrides it", async () => {
    const { fetch } = scriptedFetch(hang);
    const fromSettings = createPrefectClient({ ...SETTINGS, requestTimeoutMs: 40 }, { fetch });
    const started = performance.now();
    const error = await apiError(getFlow(fromSettings));
    expect(error.reason).toBe("timeout");
    expect(error.message).toContain("0.04 s");
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe("cancellation", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Sends a GET that the caller aborts 30 ms in. */
  function abortedSoon(
    fetch: (request: Request) => Promise<Response>,
    options: PrefectClientOptions,
  ) {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    return client(fetch, options).GET("/flows/{id}", {
      params: { path: { id: FLOW_ID } },
      signal: controller.signal,
    });
  }

  it("stops retrying when the caller aborts during a Retry-After wait", async () => {
    const { calls, fetch } = scriptedFetch(
      status(503, { detail: "busy" }, { "Retry-After": "5" }),
      ok({ id: FLOW_ID }),
    );
    const started = performance.now();
    const error = await rejection(abortedSoon(fetch, { retryMaxDelayMs: 10_000 }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((error as Error).name).toBe("AbortError");
    expect(calls).toHaveLength(1);
  });

  it("stops retrying when the caller aborts during the backoff after a network error", async () => {
    // Pin the jitter near its ceiling so the backoff is long enough to abort inside.
    vi.spyOn(Math, "random").mockReturnValue(0.99);
    const { calls, fetch } = scriptedFetch(networkError(), ok({ id: FLOW_ID }));
    const started = performance.now();
    const error = await rejection(
      abortedSoon(fetch, { retryBaseDelayMs: 5_000, retryMaxDelayMs: 10_000 }),
    );
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((error as Error).name).toBe("AbortError");
    expect(calls).toHaveLength(1);
  });

  it.each([0, 3])(
    "stops at once, without retrying or calling it a timeout, when the caller aborts an attempt (retries: %i)",
    async (retries) => {
      const { calls, fetch } = scriptedFetch(hang, ok({ id: FLOW_ID }));
      const error = await rejection(abortedSoon(fetch, { timeoutMs: 5_000, retries }));
      expect(error).not.toBeInstanceOf(PrefectApiError);
      expect((error as Error).name).toBe("AbortError");
      expect(calls).toHaveLength(1);
    },
  );

  it("fails at once without retrying when the caller's signal is already aborted", async () => {
    const { calls, fetch } = scriptedFetch(hang);
    const error = await rejection(
      client(fetch).GET("/flows/{id}", {
        params: { path: { id: FLOW_ID } },
        signal: AbortSignal.abort(),
      }),
    );
    expect((error as Error).name).toBe("AbortError");
    expect(calls.length).toBeLessThanOrEqual(1);
  });
});

describe("request bodies", () => {
  it("resends a POST body intact on every retry", async () => {
    const body = { flows: { name: { any_: ["etl", "ingest"] } }, limit: 5, offset: 10 };
    const { calls, fetch } = scriptedFetch(networkError(), status(503), ok([]));
    await client(fetch).POST("/flows/filter", { body });
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.request.method).toBe("POST");
      expect(call.request.url).toBe(`${API_URL}/flows/filter`);
      expect(call.request.headers.get("content-type")).toBe("application/json");
      expect(JSON.parse(call.body)).toEqual(body);
    }
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");

  it.each([
    ["0", 0],
    ["3", 3_000],
    [" 120 ", 120_000],
    ["1.5", 1_500],
  ])("reads delta-seconds %j as %i ms", (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });

  it("reads an HTTP date as the time left until it", () => {
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Wednesday, 21-Oct-15 07:29:00 GMT", now)).toBe(60_000);
  });

  it("reads an HTTP date in the past as no wait", () => {
    expect(retryAfterMs("Wed, 21 Oct 2015 07:00:00 GMT", now)).toBe(0);
  });

  it.each([null, "", "   ", "soon", "later 5", "-1", "1e3", "5s", "0x10"])(
    "ignores the malformed header %j",
    (header) => {
      expect(retryAfterMs(header, now)).toBeUndefined();
    },
  );
});

describe("backoff", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it("stays below base·2^attempt, capped at the longest wait", () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(1_000, 100 * 2 ** attempt);
      for (let sample = 0; sample < 200; sample++) {
        const wait = backoff(attempt, options);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(ceiling);
      }
    }
  });

  it("spans the whole range from zero up to its ceiling (full jitter)", () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect(backoff(3, options)).toBe(0);
    vi.spyOn(Math, "random").mockReturnValue(0.999);
    expect(backoff(0, options)).toBeCloseTo(99.9);
    expect(backoff(2, options)).toBeCloseTo(399.6);
    expect(backoff(20, options)).toBeCloseTo(999);
  });
});
