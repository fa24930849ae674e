import { describe, expect, it, vi } from "vitest";
import { createGrantLookup } from "../src/index.js";

const WORKSPACE = { account_id: "a", workspace_id: "w", workspace_name: "Production" };

/** A grant endpoint stand-in counting calls: the cache's rules are pure logic. */
function grantEndpoint(answers: (() => Response)[]) {
  let calls = 0;
  const fetch = vi.fn(async () => {
    const answer = answers[Math.min(calls, answers.length - 1)] as () => Response;
    calls++;
    return answer();
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls: () => calls };
}
const ok = () => new Response(JSON.stringify([WORKSPACE]), { status: 200 });
const unavailable = () => new Response(JSON.stringify({ detail: "down" }), { status: 503 });

describe("the grant cache", () => {
  it("asks once per token within the TTL, and again for another token", async () => {
    const endpoint = grantEndpoint([ok]);
    const lookup = createGrantLookup({ authBaseUrl: "https://cloud.test", fetch: endpoint.fetch });
    const [first, second] = await Promise.all([
      lookup("token-1", undefined),
      lookup("token-1", undefined),
    ]);
    await lookup("token-1", undefined);
    expect(first).toEqual([WORKSPACE]);
    expect(second).toEqual([WORKSPACE]);
    expect(endpoint.calls()).toBe(1);
    await lookup("token-2", undefined);
    expect(endpoint.calls()).toBe(2);
  });

  it("asks again once the TTL or the token's own expiry has passed", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    try {
      const endpoint = grantEndpoint([ok]);
      const lookup = createGrantLookup({
        authBaseUrl: "https://cloud.test",
        fetch: endpoint.fetch,
        ttlMs: 60_000,
      });
      const expiresAt = Date.now() / 1000 + 10;
      await lookup("short-lived", expiresAt);
      vi.setSystemTime(Date.now() + 11_000);
      await lookup("short-lived", expiresAt);
      expect(endpoint.calls()).toBe(2);

      await lookup("long-lived", undefined);
      vi.setSystemTime(Date.now() + 59_000);
      await lookup("long-lived", undefined);
      expect(endpoint.calls()).toBe(3);
      vi.setSystemTime(Date.now() + 2_000);
      await lookup("long-lived", undefined);
      expect(endpoint.calls()).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not keep a failed lookup", async () => {
    const endpoint = grantEndpoint([unavailable, ok]);
    const lookup = createGrantLookup({ authBaseUrl: "https://cloud.test", fetch: endpoint.fetch });
    await expect(lookup("token", undefined)).rejects.toThrow(/HTTP 503/);
    await expect(lookup("token", undefined)).resolves.toEqual([WORKSPACE]);
    expect(endpoint.calls()).toBe(2);
  });

  it("keeps at most maxEntries tokens, dropping the oldest", async () => {
    const endpoint = grantEndpoint([ok]);
    const lookup = createGrantLookup({
      authBaseUrl: "https://cloud.test",
      fetch: endpoint.fetch,
      maxEntries: 2,
    });
    await lookup("one", undefined);
    await lookup("two", undefined);
    await lookup("three", undefined);
    await lookup("three", undefined);
    await lookup("two", undefined);
    expect(endpoint.calls()).toBe(3);
    await lookup("one", undefined);
    expect(endpoint.calls()).toBe(4);
  });
});
