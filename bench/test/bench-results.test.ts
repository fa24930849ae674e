import { describe, expect, it } from "vitest";
import { type CallSample, summarizeSide } from "../src/bench-results.js";

const sample = (latencyMs: number, rawViaProxyMs: number, extra: Partial<CallSample> = {}) => ({
  latencyMs,
  rawMs: rawViaProxyMs - 1,
  rawViaProxyMs,
  requests: 2,
  textChars: 100,
  structuredChars: 150,
  ...extra,
});

describe("summarizeSide", () => {
  const call = { tool: "get_things", args: { limit: 5 } };

  it("takes overhead as latency minus the proxied replay, per call", () => {
    const side = summarizeSide(call, [sample(30, 20), sample(50, 20), sample(40, 35)], []);
    // Overheads 10, 30 and 5: the median is 10.
    expect(side.overhead?.median).toBe(10);
    expect(side.latency?.median).toBe(40);
    expect(side.raw?.median).toBe(19);
    expect(side.tool).toBe("get_things");
  });

  it("leaves failed calls out of the figures and counts them", () => {
    const side = summarizeSide(
      call,
      [sample(10, 5), sample(1000, 5, { error: "boom", textChars: 3 }), sample(20, 5)],
      [{ request: "POST /api/things/filter", ms: 12 }],
    );
    expect(side.errors).toBe(1);
    expect(side.firstError).toBe("boom");
    expect(side.latency?.max).toBe(20);
    expect(side.textChars).toBe(100);
    expect(side.samples).toHaveLength(3);
    expect(side.firstCallRequests).toEqual([{ request: "POST /api/things/filter", ms: 12 }]);
  });

  it("has no figures when every call failed", () => {
    const side = summarizeSide(call, [sample(10, 5, { error: "down" })], []);
    expect(side.latency).toBeUndefined();
    expect(side.textChars).toBeUndefined();
    expect(side.errors).toBe(1);
  });

  it("has no overhead when no replay worked", () => {
    const { rawMs: _raw, rawViaProxyMs: _proxied, ...unreplayed } = sample(10, 5);
    const side = summarizeSide(call, [unreplayed], []);
    expect(side.latency?.median).toBe(10);
    expect(side.overhead).toBeUndefined();
    expect(side.raw).toBeUndefined();
  });
});
