import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LoopbackProxy, startLoopbackProxy } from "../src/index.js";

let proxy: LoopbackProxy;

beforeAll(async () => {
  proxy = await startLoopbackProxy(inject("prefectApiUrl"));
});
afterAll(() => proxy.close());

const postFilter = (path: string) =>
  fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ limit: 1 }),
  });

describe("startLoopbackProxy", () => {
  it("forwards to Prefect with the target's base path and records method, path and status", async () => {
    proxy.reset();
    expect(new URL(proxy.url).pathname).toBe("/api");
    const health = await fetch(`${proxy.url}/health?probe=1`);
    expect(health.status).toBe(200);
    const flows = await postFilter("/flows/filter");
    expect(Array.isArray(await flows.json())).toBe(true);
    expect(proxy.requests.map(({ method, path, status }) => [method, path, status])).toEqual([
      ["GET", "/api/health", 200],
      ["POST", "/api/flows/filter", 200],
    ]);
  });

  it("records query strings and bodies only when asked, and when each request arrived", async () => {
    expect(proxy.requests.every((request) => request.body === undefined)).toBe(true);
    const recording = await startLoopbackProxy(inject("prefectApiUrl"), { recordBodies: true });
    try {
      const before = performance.now();
      await fetch(`${recording.url}/health?probe=1`);
      await fetch(`${recording.url}/flows/filter`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ limit: 1 }),
      });
      const [health, flows] = recording.requests;
      expect([health?.query, health?.body]).toEqual(["?probe=1", ""]);
      expect([flows?.query, flows?.body]).toEqual(["", JSON.stringify({ limit: 1 })]);
      expect(health?.startedAt).toBeGreaterThanOrEqual(before);
      expect(flows?.startedAt).toBeGreaterThanOrEqual(
        (health?.startedAt ?? 0) + (health?.durationMs ?? 0),
      );
    } finally {
      await recording.close();
    }
  });

  it("answers an injected status for as many matching requests as asked, then passes through", async () => {
    proxy.reset();
    proxy.setFaults([
      {
        fault: { kind: "status", status: 429, retryAfterSeconds: 3 },
        pathIncludes: "/flows/",
        times: 2,
      },
    ]);
    const first = await postFilter("/flows/filter");
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("3");
    expect((await fetch(`${proxy.url}/health`)).status).toBe(200);
    expect((await postFilter("/flows/filter")).status).toBe(429);
    expect((await postFilter("/flows/filter")).status).toBe(200);
  });

  it("delays, drops, truncates and replaces bodies on demand", async () => {
    proxy.setFaults([{ fault: { kind: "delay", ms: 300 }, times: 1 }]);
    const started = performance.now();
    expect((await fetch(`${proxy.url}/health`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    proxy.setFaults([{ fault: { kind: "drop" }, times: 1 }]);
    await expect(fetch(`${proxy.url}/health`)).rejects.toThrow();

    proxy.setFaults([{ fault: { kind: "truncate" }, times: 1 }]);
    await expect(postFilter("/flows/filter").then((response) => response.text())).rejects.toThrow();

    proxy.setFaults([{ fault: { kind: "not-json" }, times: 1 }]);
    const html = await postFilter("/flows/filter");
    expect(html.headers.get("content-type")).toContain("text/html");
    await expect(html.json()).rejects.toThrow();
  });
});
