import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measurePrefectCeiling } from "../src/prefect-ceiling.js";
import { parallelWaves, replay } from "../src/replay.js";

const at = (startedAt: number, durationMs: number, path = "/x") => ({
  method: "GET",
  path,
  startedAt,
  durationMs,
});

describe("parallelWaves", () => {
  it("puts requests sent one after another into waves of their own", () => {
    const requests = [at(0, 10, "/a"), at(12, 5, "/b"), at(20, 1, "/c")];
    expect(parallelWaves(requests).map((wave) => wave.map((r) => r.path))).toEqual([
      ["/a"],
      ["/b"],
      ["/c"],
    ]);
  });

  it("groups requests that overlap, even through a chain of overlaps", () => {
    // /b starts inside /a; /c starts after /a ended but inside /b.
    const requests = [at(0, 10, "/a"), at(5, 20, "/b"), at(15, 2, "/c"), at(30, 1, "/d")];
    expect(parallelWaves(requests).map((wave) => wave.map((r) => r.path))).toEqual([
      ["/a", "/b", "/c"],
      ["/d"],
    ]);
  });

  it("starts a new wave for a request sent the moment the last one finished", () => {
    expect(parallelWaves([at(0, 10, "/a"), at(10, 1, "/b")])).toHaveLength(2);
  });

  it("orders by arrival, whatever the input order", () => {
    const waves = parallelWaves([at(50, 1, "/late"), at(0, 1, "/early")]);
    expect(waves.map((wave) => wave[0]?.path)).toEqual(["/early", "/late"]);
  });

  it("has no waves for no requests", () => {
    expect(parallelWaves([])).toEqual([]);
  });
});

describe("replay", () => {
  const seen: Array<{ method: string; url: string; body: string }> = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let baseUrl = "";
  const server = createServer(async (req, res) => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method ?? "", url: req.url ?? "", body });
    await sleep(30);
    inFlight--;
    res.writeHead(404).end("nope");
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends each request again with its method, path, query and body, wave by wave", async () => {
    const requests = [
      { ...at(0, 10, "/api/flows/filter"), method: "POST", body: '{"limit":1}', query: "" },
      { ...at(1, 10, "/api/health"), query: "?x=1" },
      { ...at(50, 5, "/api/logs/filter"), method: "POST", body: "{}" },
    ];
    const elapsed = await replay(requests, baseUrl);
    expect(seen).toEqual(
      expect.arrayContaining([
        { method: "POST", url: "/api/flows/filter", body: '{"limit":1}' },
        { method: "GET", url: "/api/health?x=1", body: "" },
        { method: "POST", url: "/api/logs/filter", body: "{}" },
      ]),
    );
    // The first two overlapped when recorded, so they are replayed together; the third alone.
    expect(mostInFlight).toBe(2);
    // Two waves of one 30 ms answer each, whatever the statuses.
    expect(elapsed).toBeGreaterThanOrEqual(55);
  });
});

describe("measurePrefectCeiling", () => {
  it("replays the call from every worker until the time is up and reports the rate", async () => {
    let answered = 0;
    const server = createServer((_req, res) => {
      answered++;
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
      const call = [at(0, 1, "/api/flows/filter"), at(5, 1, "/api/deployments/filter")];
      const ceiling = await measurePrefectCeiling(call, url, 3, 200);
      expect(ceiling.concurrency).toBe(3);
      expect(ceiling.durationMs).toBeGreaterThanOrEqual(200);
      // Two requests per call; the rate counts calls, not requests.
      const calls = answered / 2;
      expect(ceiling.callsPerSecond).toBeCloseTo(calls / (ceiling.durationMs / 1000), -1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
