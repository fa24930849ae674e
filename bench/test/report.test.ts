import { describe, expect, it } from "vitest";
import type { BenchResults } from "../src/bench-results.js";
import {
  formatMegabytes,
  formatNumber,
  formatRatio,
  formatSummary,
  renderReport,
} from "../src/report.js";
import { flat, size } from "./fixtures.js";

/**
 * The cells of the table row whose first cell starts with `first`, in the given section; `nth`
 * picks among several such rows (one per table).
 */
function row(markdown: string, section: string, first: string, nth = 0): string[] {
  const start = markdown.indexOf(`## ${section}`);
  expect(start, `section ${section}`).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf("\n## ", start + 1);
  const lines = markdown.slice(start, next === -1 ? undefined : next).split("\n");
  const line = lines.filter((candidate) => candidate.startsWith(`| ${first}`))[nth];
  expect(line, `row ${first} in ${section}`).toBeDefined();
  return (line ?? "")
    .split("|")
    .slice(1, -1)
    .map((cell) => cell.trim());
}

const results: BenchResults = {
  date: "2030-01-02",
  startedAt: "2030-01-02T03:04:05.000Z",
  machine: {
    cpu: "Test CPU",
    cores: "2",
    memory: "8 GB",
    os: "TestOS",
    node: "20.0.0",
    python: "3.11.0",
    prefect: "3.9.1",
    ours: "0.0.0",
    upstream: "prefect-mcp 0.0.1b13",
    loadAverageAtStart: "0.10 0.20 0.30",
    loadAverageAtEnd: "0.40 0.50 0.60",
  },
  settings: {},
  phases: [],
  sizes: [
    size({
      flowRuns: 100,
      coldStart: [200, 4000],
      memoryMb: [60, 200],
      questions: [
        {
          id: "dashboard",
          ours: { latency: 30, raw: 20, overhead: 4, requests: 5, textChars: 900 },
          upstream: { latency: 120, raw: 60, overhead: 55, requests: 8, textChars: 2000 },
        },
      ],
    }),
    size({
      flowRuns: 10_000,
      coldStart: [300, 2000],
      memoryMb: [150, 200],
      questions: [
        {
          id: "dashboard",
          ours: { latency: 45, raw: 30, overhead: 9, requests: 5, textChars: 1500 },
          upstream: { latency: 150, raw: 80, overhead: 60, requests: 12, textChars: 2000 },
        },
      ],
    }),
  ],
  http: [
    {
      concurrency: 16,
      durationMs: 10_000,
      calls: 6000,
      callsPerSecond: 600,
      p50Ms: 20,
      p99Ms: 80,
      errors: 0,
    },
    {
      concurrency: 64,
      durationMs: 10_000,
      calls: 7000,
      callsPerSecond: 700,
      p50Ms: 70,
      p99Ms: 300,
      errors: 2,
    },
  ],
  prefectCeiling: [
    { concurrency: 16, durationMs: 10_000, callsPerSecond: 900 },
    { concurrency: 64, durationMs: 10_000, callsPerSecond: 950 },
  ],
};
const report = renderReport(results);

describe("formatting", () => {
  it("groups thousands and keeps one decimal below ten", () => {
    expect(formatNumber(12_345.4)).toBe("12,345");
    expect(formatNumber(3.16)).toBe("3.2");
    expect(formatNumber(-6.25)).toBe("-6.3");
  });

  it("shows a median with its p10–p90 spread, or a dash", () => {
    const text = formatSummary({ n: 3, median: 40, p10: 30, p90: 55, min: 1, max: 99 });
    expect(text.startsWith("40")).toBe(true);
    expect(text).toContain("30");
    expect(text).toContain("55");
    expect(text).not.toContain("99");
    expect(formatSummary(undefined)).toBe("—");
  });

  it("rounds ratios to two decimals and megabytes to whole ones", () => {
    expect(formatRatio(1 / 3)).toBe("0.33");
    expect(formatRatio(undefined)).toBe("—");
    expect(formatMegabytes(3.6 * 1024 * 1024)).toBe("4 MB");
  });
});

describe("renderReport", () => {
  it("judges each goal per size from ours ÷ upstream", () => {
    const cold = row(report, "Goals", "cold start");
    // 200/4000 = 0.05 meets ≤ 0.1; 300/2000 = 0.15 does not.
    expect(cold[1]).toContain((200 / 4000).toFixed(2));
    expect(cold[1]).toMatch(/\bmet\b/);
    expect(cold[1]).not.toContain("not met");
    expect(cold[2]).toContain((300 / 2000).toFixed(2));
    expect(cold[2]).toContain("not met");

    const memory = row(report, "Goals", "memory");
    expect(memory[1]).toContain((60 / 200).toFixed(2));
    expect(memory[1]).not.toContain("not met");
    expect(memory[2]).toContain((150 / 200).toFixed(2));
    expect(memory[2]).toContain("not met");

    // Our worst overhead: 4 ms meets ≤ 5 ms, 9 ms does not.
    const overhead = row(report, "Goals", "overhead");
    expect(overhead[1]).toContain("4.0 ms");
    expect(overhead[1]).not.toContain("not met");
    expect(overhead[2]).toContain("9.0 ms");
    expect(overhead[2]).toContain("not met");
  });

  it("judges HTTP throughput at the largest size only, failing a run with errors", () => {
    const http = row(report, "Goals", "HTTP");
    expect(http[1]).toBe("—");
    expect(http[2]).toContain("600");
    const runs = row(report, "HTTP throughput", "64");
    expect(runs[runs.length - 1]).toContain("not met");
    const clean = row(report, "HTTP throughput", "16");
    expect(clean[clean.length - 1]).not.toContain("not met");
    // Prefect's own ceiling for the same concurrency sits beside it.
    expect(clean[clean.length - 2]).toBe("900");
  });

  it("puts each question's medians and their ratio side by side", () => {
    const dashboard = row(report, "10,000 flow runs", "question dashboard");
    expect(dashboard[1]?.startsWith("45")).toBe(true);
    expect(dashboard[2]?.startsWith("150")).toBe(true);
    expect(dashboard[3]).toBe((45 / 150).toFixed(2));
    expect(dashboard[5]?.startsWith("9.0")).toBe(true);
    expect(dashboard[7]?.startsWith("60")).toBe(true);
  });

  it("reports requests and output per question with the output ratio", () => {
    const cells = row(report, "10,000 flow runs", "question dashboard", 1);
    expect(cells[3]?.split("/").map((part) => part.trim())).toEqual(["5", "12"]);
    expect(cells[4]?.split("/").map((part) => part.trim())).toEqual(["1,500", "2,000"]);
    expect(cells[5]).toBe((1500 / 2000).toFixed(2));
  });

  it("flags a request count that grows with the data", () => {
    const ours = row(report, "Prefect requests per call", "question dashboard | ours");
    expect(ours[ours.length - 1]).toBe("no");
    const upstream = row(report, "Prefect requests per call", "question dashboard | upstream");
    expect(upstream.slice(2, 4)).toEqual(["8", "12"]);
    expect(upstream[upstream.length - 1]).toContain("yes");
  });

  it("names the machine and versions", () => {
    for (const value of Object.values(results.machine)) expect(report).toContain(String(value));
  });

  it("has a dash for a figure a server could not give", () => {
    const failed = structuredClone(results);
    const side = failed.sizes[0]?.questions[0]?.sides.upstream;
    if (side) {
      side.latency = undefined;
      side.textChars = undefined;
      side.errors = 1;
    }
    const cells = row(renderReport(failed), "100 flow runs", "question dashboard (upstream: 1/1");
    expect(cells[2]).toBe("—");
    expect(cells[3]).toBe("—");
    expect(flat(1).median).toBe(1);
  });
});
