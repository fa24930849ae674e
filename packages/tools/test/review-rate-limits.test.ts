import { randomUUID } from "node:crypto";
import { resolvePrefectSettings } from "@prefect-mcp/client";
import { type CloudSimulator, startCloudSimulator } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throttlingPeriods } from "../src/tools/review-rate-limits.js";
import { apiUrl, connectTools } from "./mcp-harness.js";

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

  describe("on a Prefect Cloud workspace", () => {
    const throttledAccount = { id: randomUUID(), handle: "busy", name: "Busy" };
    const calmAccount = { id: randomUUID(), handle: "calm", name: "Calm" };
    const busy = randomUUID();
    const calm = randomUUID();
    const apiKey = "pnu_ratelimitsimulatorkey0123456789abcd";
    // The tool's default window is the 3 days ending 1 minute before now.
    const now = new Date("2025-10-04T12:00:30Z");
    const at = (time: string) => new Date(time).toISOString();
    let sim: CloudSimulator;
    beforeAll(async () => {
      sim = await startCloudSimulator({
        accounts: [throttledAccount, calmAccount],
        workspaces: [
          {
            accountId: throttledAccount.id,
            id: busy,
            handle: "busy",
            name: "Busy",
            prefectApiUrl: apiUrl,
          },
          {
            accountId: calmAccount.id,
            id: calm,
            handle: "calm",
            name: "Calm",
            prefectApiUrl: apiUrl,
          },
        ],
        apiKeys: [{ key: apiKey, workspaceIds: [busy, calm] }],
        signing: { kind: "shared-key", key: "rate-limit-test-signing-key-32-bytes" },
        rateLimits: {
          [throttledAccount.id]: {
            baseline: { runs: 40, "writing-logs": 15, flows: 3 },
            throttled: [
              // 08:00–08:02 on the 2nd: runs denied every minute, writing-logs in the middle one.
              { minute: "2025-10-02T08:00:00Z", key: "runs", requested: 120, granted: 100 },
              { minute: "2025-10-02T08:01:10Z", key: "runs", requested: 150, granted: 100 },
              { minute: "2025-10-02T08:01:00Z", key: "writing-logs", requested: 90, granted: 60 },
              { minute: "2025-10-02T08:02:00Z", key: "runs", requested: 105, granted: 100 },
              // 17:30–17:31 on the 3rd: writing-logs only.
              { minute: "2025-10-03T17:30:00Z", key: "writing-logs", requested: 70, granted: 60 },
              { minute: "2025-10-03T17:31:00Z", key: "writing-logs", requested: 64, granted: 60 },
            ],
          },
          [calmAccount.id]: { baseline: { runs: 40, "writing-logs": 15 } },
        },
      });
    });
    afterAll(() => sim?.close());

    const connect = (workspaceId: string) =>
      connectTools({
        settings: resolvePrefectSettings({
          env: {},
          overrides: { apiUrl: sim.workspaceApiUrl(workspaceId), apiKey },
        }),
        now: () => now,
      });

    it("groups throttled minutes into periods with each key's denied calls", async () => {
      const tools = await connect(busy);
      const result = await tools.call("review_rate_limits");
      await tools.close();
      expect(result.isError).toBeFalsy();
      expect(result.data).toMatchObject({
        cloud: true,
        account_id: throttledAccount.id,
        since: at("2025-10-01T11:59:30Z"),
        until: at("2025-10-04T11:59:30Z"),
      });
      expect(result.data.throttling_periods).toEqual([
        {
          start: at("2025-10-02T08:00:00Z"),
          end: at("2025-10-02T08:02:00Z"),
          duration_minutes: 3,
          keys_affected: [
            { key: "runs", total_denied: 75, peak_denied_per_minute: 50 },
            { key: "writing-logs", total_denied: 30, peak_denied_per_minute: 30 },
          ],
        },
        {
          start: at("2025-10-03T17:30:00Z"),
          end: at("2025-10-03T17:31:00Z"),
          duration_minutes: 2,
          keys_affected: [{ key: "writing-logs", total_denied: 14, peak_denied_per_minute: 10 }],
        },
      ]);
      expect(result.data.summary).toEqual({
        total_minutes_throttled: 5,
        total_throttling_periods: 2,
        affected_keys: ["runs", "writing-logs"],
        first_throttled_at: at("2025-10-02T08:00:00Z"),
        last_throttled_at: at("2025-10-03T17:31:00Z"),
      });
      expect(result.data.message).toBeUndefined();
    });

    it("asks for the window it was given", async () => {
      const tools = await connect(busy);
      const result = await tools.call("review_rate_limits", {
        since: "2025-10-03T17:00:00Z",
        until: "2025-10-03T18:00:00Z",
      });
      await tools.close();
      expect(result.data).toMatchObject({
        since: at("2025-10-03T17:00:00Z"),
        until: at("2025-10-03T18:00:00Z"),
      });
      expect(result.data.summary).toMatchObject({
        total_throttling_periods: 1,
        affected_keys: ["writing-logs"],
      });
    });

    it("says plainly that nothing was throttled when every request was granted", async () => {
      const tools = await connect(calm);
      const result = await tools.call("review_rate_limits");
      await tools.close();
      expect(result.isError).toBeFalsy();
      expect(result.data).toMatchObject({
        cloud: true,
        account_id: calmAccount.id,
        since: at("2025-10-01T11:59:30Z"),
        until: at("2025-10-04T11:59:30Z"),
      });
      expect(result.data.message).toMatch(
        /^No throttling between 2025-10-01T11:59:30\.000Z and 2025-10-04T11:59:30\.000Z: every request was granted\./,
      );
      expect(result.text).toContain("No throttling");
      expect(result.data.summary.total_throttling_periods).toBe(0);
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
