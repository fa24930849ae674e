import { describe, expect, it } from "vitest";
import { evidenceEntries } from "../src/views/shared/evidence.js";

describe("evidenceEntries", () => {
  it("lists ids, then values, then timestamps, each with a readable label and exact text", () => {
    expect(
      evidenceEntries({
        timestamps: { expected_start_time: "2026-01-15T12:00:00Z" },
        values: { is_paused: true, active_slots: 5, queues: ["default", "gpu"] },
        ids: { work_pool_id: "8f0c0e9a-1111-2222-3333-444455556666" },
      }),
    ).toEqual([
      { group: "ids", label: "work pool id", text: "8f0c0e9a-1111-2222-3333-444455556666" },
      { group: "values", label: "is paused", text: "true" },
      { group: "values", label: "active slots", text: "5" },
      { group: "values", label: "queues", text: "default, gpu" },
      { group: "timestamps", label: "expected start time", text: "2026-01-15T12:00:00Z" },
    ]);
  });

  it("writes nested objects as JSON and leaves out empty values", () => {
    expect(
      evidenceEntries({
        values: { limit: { name: "db", slots: 2 }, reason: null, gone: undefined },
      }),
    ).toEqual([{ group: "values", label: "limit", text: '{"name":"db","slots":2}' }]);
  });

  it("has nothing for missing or malformed evidence", () => {
    expect(evidenceEntries(undefined)).toEqual([]);
    expect(evidenceEntries({ ids: ["not", "a", "map"] })).toEqual([]);
    expect(evidenceEntries("text")).toEqual([]);
  });
});
