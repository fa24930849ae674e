import { describe, expect, it } from "vitest";
import { workerFreshness } from "../src/views/dashboard/worker-freshness.js";

const now = Date.parse("2026-01-15T12:00:00Z");
const secondsAgo = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe("workerFreshness", () => {
  it("calls workers fresh up to 90 s after their last heartbeat", () => {
    expect(workerFreshness({ online_workers: 1, last_heartbeat: secondsAgo(12) }, now)).toEqual({
      kind: "fresh",
      ageSeconds: 12,
    });
    expect(workerFreshness({ online_workers: 1, last_heartbeat: secondsAgo(90) }, now).kind).toBe(
      "fresh",
    );
  });

  it("calls them stale after 90 s", () => {
    expect(workerFreshness({ online_workers: 0, last_heartbeat: secondsAgo(91) }, now)).toEqual({
      kind: "stale",
      ageSeconds: 91,
    });
  });

  it("says there are no workers when workers were read and none has a heartbeat", () => {
    expect(workerFreshness({ online_workers: 0 }, now)).toEqual({ kind: "no-workers" });
  });

  it("says it does not know when the pool's workers were not read", () => {
    expect(workerFreshness({}, now)).toEqual({ kind: "unknown" });
    expect(workerFreshness({ last_heartbeat: "not a time" }, now)).toEqual({ kind: "unknown" });
  });

  it("takes another threshold when given one", () => {
    expect(workerFreshness({ last_heartbeat: secondsAgo(40) }, now, 30).kind).toBe("stale");
  });
});
