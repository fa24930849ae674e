import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throttlingPeriods } from "../src/tools/review-rate-limits.js";
import { connectTools } from "./mcp-harness.js";

const minute = (index: number) => new Date(Date.UTC(2025, 9, 1, 12, index)).toISOString();

describe("review_rate_limits", () => {
  describe("on a self-hosted server", () => {
    let tools: Awaited<ReturnType<typeof connectTools>>;
    beforeAll(async () => {
      tools = await connectTools();
    });
    afterAll(() => tools.close());

    it("answers plainly that rate limits exist only on Prefect Cloud", async () => {
      const result = await tools.call("review_rate_limits");
      expect(result.isError).toBeFalsy();
      expect(result.data.cloud).toBe(false);
      expect(result.data.message).toMatch(/only on Prefect Cloud/);
      expect(result.data.throttling_periods).toBeUndefined();
    });

    it("rejects a time that is not ISO 8601, naming the argument", async () => {
      const result = await tools.call("review_rate_limits", { since: "yesterday" });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/since must be an ISO 8601 time like 2025-01-31T12:00:00Z/);
    });

    it("rejects a range that ends before it starts", async () => {
      const result = await tools.call("review_rate_limits", {
        since: "2025-10-02T00:00:00Z",
        until: "2025-10-01T00:00:00Z",
      });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/since \(2025-10-02T00:00:00.000Z\) must be before until/);
    });
  });

  describe("grouping throttled minutes", () => {
    it("groups consecutive throttled minutes into periods with keys, denied totals and peaks", () => {
      const usage = {
        minutes: [0, 1, 2, 3, 4, 5, 6].map(minute),
        keys: {
          runs: { requested: [5, 12, 30, 8, 5, 9, 5], granted: [5, 10, 20, 8, 5, 6, 5] },
          "writing-logs": { requested: [0, 0, 7, 4, 0, 0, 0], granted: [0, 0, 5, 4, 0, 0, 0] },
          deployments: { requested: [1, 1, 1, 1, 1, 1, 1], granted: [1, 1, 1, 1, 1, 1, 1] },
        },
      };
      const { summary, periods } = throttlingPeriods(usage);
      expect(periods).toEqual([
        {
          start: minute(1),
          end: minute(2),
          duration_minutes: 2,
          keys_affected: [
            { key: "runs", total_denied: 12, peak_denied_per_minute: 10 },
            { key: "writing-logs", total_denied: 2, peak_denied_per_minute: 2 },
          ],
        },
        {
          start: minute(5),
          end: minute(5),
          duration_minutes: 1,
          keys_affected: [{ key: "runs", total_denied: 3, peak_denied_per_minute: 3 }],
        },
      ]);
      expect(summary).toEqual({
        total_minutes_throttled: 3,
        total_throttling_periods: 2,
        affected_keys: ["runs", "writing-logs"],
        first_throttled_at: minute(1),
        last_throttled_at: minute(5),
      });
    });

    it("finds no period when every request was granted", () => {
      const { summary, periods } = throttlingPeriods({
        minutes: [minute(0), minute(1)],
        keys: { runs: { requested: [3, 4], granted: [3, 4] } },
      });
      expect(periods).toEqual([]);
      expect(summary.total_throttling_periods).toBe(0);
      expect(summary.first_throttled_at).toBeUndefined();
    });

    it("ignores a key's values beyond the minutes it was given", () => {
      const { periods } = throttlingPeriods({
        minutes: [minute(0)],
        keys: { flows: { requested: [2, 9], granted: [1] } },
      });
      expect(periods).toEqual([
        {
          start: minute(0),
          end: minute(0),
          duration_minutes: 1,
          keys_affected: [{ key: "flows", total_denied: 1, peak_denied_per_minute: 1 }],
        },
      ]);
    });
  });
});
