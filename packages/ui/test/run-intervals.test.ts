import { describe, expect, it } from "vitest";
import { intervalSeries, stateTotals } from "../src/views/dashboard/run-intervals.js";

const hour = (h: number) => `2026-01-15T${String(h).padStart(2, "0")}:00:00.000Z`;

describe("intervalSeries", () => {
  it("makes one series per state name with a count for every interval, zero where absent", () => {
    const { buckets, series } = intervalSeries({
      intervals: [
        {
          start: hour(0),
          end: hour(1),
          states: [
            { type: "COMPLETED", name: "Completed", count: 3 },
            { type: "FAILED", name: "Failed", count: 1 },
          ],
        },
        { start: hour(1), end: hour(2), states: [] },
        {
          start: hour(2),
          end: hour(3),
          states: [
            { type: "SCHEDULED", name: "Late", count: 2 },
            { type: "COMPLETED", name: "Completed", count: 4 },
          ],
        },
      ],
    });
    expect(buckets).toEqual([
      { start: hour(0), end: hour(1) },
      { start: hour(1), end: hour(2) },
      { start: hour(2), end: hour(3) },
    ]);
    expect(series).toEqual([
      { name: "Completed", type: "COMPLETED", counts: [3, 0, 4] },
      { name: "Late", type: "SCHEDULED", counts: [0, 0, 2] },
      { name: "Failed", type: "FAILED", counts: [1, 0, 0] },
    ]);
  });

  it("adds up a state listed twice in one interval", () => {
    const { series } = intervalSeries({
      intervals: [
        {
          states: [
            { type: "COMPLETED", name: "Completed", count: 2 },
            { type: "COMPLETED", name: "Completed", count: 5 },
          ],
        },
      ],
    });
    expect(series).toEqual([{ name: "Completed", type: "COMPLETED", counts: [7] }]);
  });

  it("falls back to one bar over the window from by_state_name when intervals are absent", () => {
    const window = { start: hour(0), end: hour(23) };
    const { buckets, series } = intervalSeries(
      { total: 6, by_state_name: { Failed: 1, Completed: 4, AwaitingRetry: 1 } },
      window,
    );
    expect(buckets).toEqual([window]);
    expect(series).toEqual([
      { name: "Completed", type: "COMPLETED", counts: [4] },
      { name: "AwaitingRetry", type: "SCHEDULED", counts: [1] },
      { name: "Failed", type: "FAILED", counts: [1] },
    ]);
  });

  it("shows nothing rather than failing for an empty section", () => {
    expect(intervalSeries({}).series).toEqual([]);
  });
});

describe("stateTotals", () => {
  it("counts by_state_name, typed from the intervals or the state's name", () => {
    const flowRuns = {
      by_state_name: { Completed: 7, Skipped: 2 },
      intervals: [{ states: [{ type: "COMPLETED", name: "Skipped", count: 2 }] }],
    };
    const { series } = intervalSeries(flowRuns);
    expect(stateTotals(flowRuns, series)).toEqual([
      { name: "Completed", type: "COMPLETED", count: 7 },
      { name: "Skipped", type: "COMPLETED", count: 2 },
    ]);
  });

  it("sums the series when by_state_name is absent", () => {
    const flowRuns = {
      intervals: [
        { states: [{ type: "FAILED", name: "Failed", count: 2 }] },
        { states: [{ type: "FAILED", name: "Failed", count: 3 }] },
      ],
    };
    expect(stateTotals(flowRuns, intervalSeries(flowRuns).series)).toEqual([
      { name: "Failed", type: "FAILED", count: 5 },
    ]);
  });
});
