import { setTimeout as sleep } from "node:timers/promises";
import {
  createFlow,
  createSeedClient,
  type FaultRule,
  type LoopbackProxy,
  type McpConnection,
  type PrefectServer,
  type ProxiedRequest,
  startLoopbackProxy,
  startPrefectServer,
  type ToolCallResult,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FAKE_AUTH_STRING, LeakScan } from "../src/fake-secrets.js";
import { connectStdioWithFakeCredentials } from "../src/stdio-under-test.js";

/*
 * Faults between our server and Prefect, as the documented client behaviour promises to handle
 * them (packages/client/README.md, "Timeouts and retries"): up to 3 retries of network errors and
 * 408/429/502/503/504 with backoff, Retry-After honoured unless longer than 10 s, timeouts and
 * other statuses not retried, and every failure an isError result that says what happened.
 */

const FLOWS = "/flows/filter";
const DOCUMENTED_ATTEMPTS = 1 + 3;
// The client's default retryMaxDelayMs: a Retry-After beyond it ends the retries.
const MAX_RETRY_DELAY_S = 10;
// Set through PREFECT_API_REQUEST_TIMEOUT; the default (30 s) would make the case slow.
const SHORT_TIMEOUT_MS = 1_000;

const scan = new LeakScan();
let prefect: PrefectServer;
let proxy: LoopbackProxy;
let stdio: McpConnection & { stderr(): string };
let flowName: string;

beforeAll(async () => {
  prefect = await startPrefectServer({ authString: FAKE_AUTH_STRING });
  flowName = (
    await createFlow(createSeedClient({ apiUrl: prefect.apiUrl, authString: FAKE_AUTH_STRING }), {
      name: uniqueName("faults"),
    })
  ).name;
  proxy = await startLoopbackProxy(prefect.apiUrl);
  stdio = await connectStdioWithFakeCredentials(proxy.url);
});

afterAll(async () => {
  await stdio?.close();
  await proxy?.close();
  await prefect?.stop();
});

interface Outcome {
  result: ToolCallResult;
  /** The requests for the tool's one endpoint, retries included, in order. */
  attempts: ProxiedRequest[];
  elapsedMs: number;
}

/**
 * Calls get_flows (one POST /flows/filter) with these faults injected, doing `meanwhile` while the
 * call is under way, and records what happened.
 */
async function getFlows(
  call: McpConnection["call"],
  faults: Array<Omit<FaultRule, "pathIncludes">>,
  meanwhile?: () => Promise<void>,
): Promise<Outcome> {
  proxy.reset();
  proxy.setFaults(faults.map((rule) => ({ ...rule, pathIncludes: FLOWS })));
  const started = performance.now();
  const pending = call("get_flows", {});
  await meanwhile?.();
  const result = await pending;
  const elapsedMs = performance.now() - started;
  scan.add("result text", result.text);
  if (result.structuredContent) scan.add("result data", JSON.stringify(result.structuredContent));
  const attempts = proxy.requests.filter((request) => request.path.endsWith(FLOWS));
  return { result, attempts, elapsedMs };
}

const statuses = (attempts: ProxiedRequest[]) => attempts.map((request) => request.status);

function expectFlowsListed({ result }: Outcome) {
  expect(result.isError, result.text).toBeFalsy();
  expect(result.data.flows.map((flow: { name: string }) => flow.name)).toContain(flowName);
}

/** An error result that names its cause in words, and no stack trace or internal bug report. */
function expectClearError({ result }: Outcome, ...causes: RegExp[]) {
  expect(result.isError, result.text).toBe(true);
  for (const cause of causes) expect(result.text).toMatch(cause);
  expect(result.text).not.toMatch(/\n\s+at |failed unexpectedly|bug in prefect-mcp/);
}

describe("faults between the stdio server and Prefect", () => {
  it("passes a clean call straight through, with the auth string rather than the API key", async () => {
    const outcome = await getFlows(stdio.call, []);
    expectFlowsListed(outcome);
    expect(statuses(outcome.attempts)).toEqual([200]);
  });

  it("does not retry a 500, and says the server failed with it", async () => {
    const outcome = await getFlows(stdio.call, [{ fault: { kind: "status", status: 500 } }]);
    expectClearError(outcome, /HTTP 500 Internal Server Error/, /injected 500/, /flows\/filter/);
    expect(statuses(outcome.attempts)).toEqual([500]);
  });

  it("retries a 503 and answers once Prefect does", async () => {
    const outcome = await getFlows(stdio.call, [
      { fault: { kind: "status", status: 503 }, times: 1 },
    ]);
    expectFlowsListed(outcome);
    expect(statuses(outcome.attempts)).toEqual([503, 200]);
  });

  it("waits out a 429's Retry-After before its one extra attempt", async () => {
    const outcome = await getFlows(stdio.call, [
      { fault: { kind: "status", status: 429, retryAfterSeconds: 1 }, times: 1 },
    ]);
    expectFlowsListed(outcome);
    const [limited, retried] = outcome.attempts;
    expect(statuses(outcome.attempts)).toEqual([429, 200]);
    if (!limited || !retried) return;
    const waitedMs = retried.startedAt - (limited.startedAt + limited.durationMs);
    // Timers may fire a millisecond or two early; the point is a wait of about a second, not none.
    expect(waitedMs).toBeGreaterThanOrEqual(980);
  });

  it("gives up on a 429 that never ends after the documented number of attempts", async () => {
    const outcome = await getFlows(stdio.call, [{ fault: { kind: "status", status: 429 } }]);
    expectClearError(
      outcome,
      /HTTP 429 Too Many Requests/,
      new RegExp(`gave up after ${DOCUMENTED_ATTEMPTS} attempts`),
    );
    expect(statuses(outcome.attempts)).toEqual(Array(DOCUMENTED_ATTEMPTS).fill(429));
  });

  it("stops at once when Retry-After asks for longer than the longest wait, saying how long", async () => {
    const asked = MAX_RETRY_DELAY_S * 3;
    const outcome = await getFlows(stdio.call, [
      { fault: { kind: "status", status: 429, retryAfterSeconds: asked } },
    ]);
    expectClearError(outcome, /HTTP 429/, new RegExp(`retry after ${asked} s`));
    expect(statuses(outcome.attempts)).toEqual([429]);
    expect(outcome.elapsedMs).toBeLessThan(MAX_RETRY_DELAY_S * 1000);
  });

  it("retries a dropped connection", async () => {
    const outcome = await getFlows(stdio.call, [{ fault: { kind: "drop" }, times: 1 }]);
    expectFlowsListed(outcome);
    expect(statuses(outcome.attempts)).toEqual([0, 200]);
  });

  it("retries a body cut off mid-way, then reports it as cut off, not as a crash", async () => {
    const outcome = await getFlows(stdio.call, [{ fault: { kind: "truncate" } }]);
    // Prefect did answer (the proxy logs its 200s), so "cannot reach" would send the user astray.
    expect(statuses(outcome.attempts)).toEqual(Array(DOCUMENTED_ATTEMPTS).fill(200));
    expectClearError(outcome, /flows\/filter/, /cut off/, /PREFECT_API_URL/);
    expect(outcome.result.text).not.toMatch(/Cannot reach/);
  });

  it("recovers from one cut-off body with a retry", async () => {
    const outcome = await getFlows(stdio.call, [{ fault: { kind: "truncate" }, times: 1 }]);
    expectFlowsListed(outcome);
    expect(statuses(outcome.attempts)).toEqual([200, 200]);
  });

  it("reports a 200 that is not JSON as such", async () => {
    const outcome = await getFlows(stdio.call, [{ fault: { kind: "not-json" } }]);
    // A page where JSON belongs usually means the URL leads somewhere other than Prefect's API.
    expectClearError(outcome, /flows\/filter/, /not valid JSON/, /PREFECT_API_URL/);
    expect(statuses(outcome.attempts)).toEqual([200]);
  });

  it("reports Prefect killed during a call as unreachable, and keeps serving", async () => {
    const stderrBefore = stdio.stderr().length;
    // The delay holds the request at the proxy while Prefect dies; the retries find it gone.
    const outcome = await getFlows(
      stdio.call,
      [{ fault: { kind: "delay", ms: 1_500 }, times: 1 }],
      async () => {
        await sleep(300);
        await prefect.kill();
      },
    );
    expectClearError(outcome, /Cannot reach Prefect/, /Is the server running\?/, /PREFECT_API_URL/);
    expect(statuses(outcome.attempts)).toEqual(Array(DOCUMENTED_ATTEMPTS).fill(0));
    await expect(stdio.client.ping()).resolves.toBeDefined();
    expect(stdio.stderr().slice(stderrBefore)).not.toMatch(/unexpected error/);
  });

  it("answers the next call on the same session once Prefect is back", async () => {
    await prefect.restart();
    const outcome = await getFlows(stdio.call, []);
    expectFlowsListed(outcome);
    expect(statuses(outcome.attempts)).toEqual([200]);
  });
});

describe("timeouts, with a short per-attempt timeout", () => {
  let shortTimeout: McpConnection & { stderr(): string };

  beforeAll(async () => {
    shortTimeout = await connectStdioWithFakeCredentials(proxy.url, {
      PREFECT_API_REQUEST_TIMEOUT: String(SHORT_TIMEOUT_MS / 1000),
    });
  });

  afterAll(async () => {
    if (!shortTimeout) return;
    scan.add("short-timeout stderr", shortTimeout.stderr());
    await shortTimeout.close();
  });

  it("ends a call Prefect does not answer in time, without retrying it", async () => {
    // Only the first attempt is delayed: a retry would be answered, and the call would succeed.
    const outcome = await getFlows(shortTimeout.call, [
      { fault: { kind: "delay", ms: 2 * SHORT_TIMEOUT_MS }, times: 1 },
    ]);
    expectClearError(outcome, /no answer in time/, /PREFECT_API_URL/);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 20);
    expect(outcome.elapsedMs).toBeLessThan(2 * SHORT_TIMEOUT_MS);
    // The abandoned request reaches the proxy's log only once its delay is over.
    await vi.waitFor(() => expect(proxy.requests.length).toBeGreaterThan(0), 3_000);
    expect(proxy.requests.filter((request) => request.path.endsWith(FLOWS))).toHaveLength(1);
  });
});

describe("secrets", () => {
  it("never appear in anything the server said", () => {
    scan.add("stdio stderr", stdio.stderr());
    expect(scan.hits()).toEqual([]);
    expect(scan.size).toBeGreaterThan(2_000);
  });
});
