import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { specPath } from "../scripts/openapi-types.js";
import { createPrefectClient, NotAllowedError, resolvePrefectSettings } from "../src/index.js";
import { isReadOnlyRequest, readOnlyGuard } from "../src/read-only-guard.js";
import { EXPECTED_VERDICTS } from "./guard-verdicts.js";

const API_URL = "http://127.0.0.1:4200/api";
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every operation of the committed spec as "METHOD /path/{param}". */
function specOperations(): string[] {
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as { paths: Record<string, object> };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** A concrete URL path for a route template, e.g. `/flows/{id}` → `/flows/a1b2c3`. */
function concrete(route: string): string {
  return route.replace(/\{[^}]+\}/g, "a1b2c3");
}

/** A transport that records what reached it, standing in for the network. */
function recordingTransport() {
  const sent: Request[] = [];
  const transport = async (request: Request) => {
    sent.push(request);
    return Response.json([]);
  };
  return { sent, transport };
}

describe("read-only guard", () => {
  const operations = specOperations();

  it("has a verdict for every operation in the committed spec, and none for operations it lacks", () => {
    const judged = Object.keys(EXPECTED_VERDICTS).sort();
    expect(operations.sort()).toEqual(judged);
  });

  it.each(operations)("gives the expected verdict for %s", (operation) => {
    const [method = "", route = ""] = operation.split(" ");
    const expected = EXPECTED_VERDICTS[operation] === "read";
    expect(isReadOnlyRequest(method, concrete(route))).toBe(expected);
  });

  it("sends nothing for any refused operation and forwards every allowed one", async () => {
    const { sent, transport } = recordingTransport();
    const guarded = readOnlyGuard(transport, API_URL);
    for (const operation of operations) {
      const [method = "", route = ""] = operation.split(" ");
      const request = new Request(`${API_URL}${concrete(route)}`, {
        method,
        ...(method === "POST" ? { body: "{}" } : {}),
      });
      const before = sent.length;
      if (EXPECTED_VERDICTS[operation] === "read") {
        await guarded(request);
        expect(sent.length, operation).toBe(before + 1);
      } else {
        await expect(guarded(request), operation).rejects.toBeInstanceOf(NotAllowedError);
        expect(sent.length, operation).toBe(before);
      }
    }
  });

  it.each([
    ["a path that climbs out of a query route", `${API_URL}/flows/filter/../bulk_delete`],
    ["an encoded dot-dot segment", `${API_URL}/flows/filter/%2e%2e/bulk_delete`],
    ["an encoded slash", `${API_URL}/flow_runs/x%2Fbulk_delete/filter`],
    ["a query string that looks like a query route", `${API_URL}/flows/bulk_delete?next=/filter`],
    ["a query route outside the API URL", "http://127.0.0.1:4200/flows/filter"],
    ["a query route on another host", "http://169.254.169.254/api/flows/filter"],
    ["a create endpoint with a trailing slash", `${API_URL}/flows/`],
  ])("refuses POST to %s", async (_label, url) => {
    const { sent, transport } = recordingTransport();
    await expect(
      readOnlyGuard(transport, API_URL)(new Request(url, { method: "POST" })),
    ).rejects.toThrow(NotAllowedError);
    expect(sent).toHaveLength(0);
  });

  it.each(["PUT", "PATCH", "DELETE", "OPTIONS"])("refuses %s whatever the path", async (method) => {
    const { sent, transport } = recordingTransport();
    const request = new Request(`${API_URL}/flows/filter`, { method });
    await expect(readOnlyGuard(transport, API_URL)(request)).rejects.toThrow(NotAllowedError);
    expect(sent).toHaveLength(0);
  });

  it("forwards requests that refuse redirects, so no redirect can take a read elsewhere", async () => {
    const { sent, transport } = recordingTransport();
    await readOnlyGuard(
      transport,
      API_URL,
    )(new Request(`${API_URL}/flows/filter`, { method: "POST" }));
    expect(sent[0]?.redirect).toBe("error");
  });

  it("judges the method case-insensitively", () => {
    expect(isReadOnlyRequest("post", "/flows/filter")).toBe(true);
    expect(isReadOnlyRequest("delete", "/flows/a1b2c3")).toBe(false);
  });

  it("tells the caller to use the prefect CLI instead", async () => {
    const { transport } = recordingTransport();
    const request = new Request(`${API_URL}/deployments/a1b2c3/create_flow_run`, {
      method: "POST",
    });
    await expect(readOnlyGuard(transport, API_URL)(request)).rejects.toThrow(
      /Refused POST \/deployments\/a1b2c3\/create_flow_run.*prefect CLI/,
    );
  });

  it("cannot be bypassed through per-call transport options of the public client", async () => {
    const { sent, transport } = recordingTransport();
    const client = createPrefectClient(
      resolvePrefectSettings({ env: {}, overrides: { apiUrl: API_URL } }),
      { fetch: transport },
    );
    const smuggled = recordingTransport();
    const rewrite = {
      onRequest: ({ request }: { request: Request }) =>
        new Request(request.url.replace("/filter", "/bulk_delete"), request),
    };
    // An untyped caller may pass anything; the client drops what would reroute the request.
    const post = client.POST as unknown as (path: string, init: object) => Promise<unknown>;
    await post("/flows/filter", {
      body: {},
      fetch: smuggled.transport,
      middleware: [rewrite],
      baseUrl: "http://127.0.0.1:9/api",
    });
    expect(smuggled.sent).toHaveLength(0);
    expect(sent.map((request) => new URL(request.url).pathname)).toEqual(["/api/flows/filter"]);
    await expect(post("/flows/bulk_delete", { body: {} })).rejects.toThrow(NotAllowedError);
    expect(sent).toHaveLength(1);
  });
});

describe("secret values", () => {
  it.each([
    ["a query flag", `${API_URL}/block_documents/a1b2c3?include_secrets=true`, "GET", undefined],
    ["a body field", `${API_URL}/block_documents/filter`, "POST", '{"include_secrets": true}'],
  ])(
    "refuses a read that asks for secrets through %s, sending nothing",
    async (_label, url, method, body) => {
      const sent: Request[] = [];
      const guarded = readOnlyGuard(async (request) => {
        sent.push(request);
        return Response.json([]);
      }, API_URL);
      await expect(guarded(new Request(url, { method, body }))).rejects.toThrow(
        /never reads secret values/,
      );
      expect(sent).toHaveLength(0);
    },
  );

  it("still reads block documents with their secrets obfuscated", async () => {
    const sent: Request[] = [];
    const guarded = readOnlyGuard(async (request) => {
      sent.push(request);
      return Response.json([]);
    }, API_URL);
    await guarded(
      new Request(`${API_URL}/block_documents/filter`, {
        method: "POST",
        body: '{"include_secrets": false}',
      }),
    );
    expect(sent).toHaveLength(1);
    expect(await sent[0]?.json()).toEqual({ include_secrets: false });
  });
});
