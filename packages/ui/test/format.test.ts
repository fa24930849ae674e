import { describe, expect, it } from "vitest";
import { formatAge, formatDuration } from "../src/views/shared/format.js";

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [0.34, "0.3 s"],
    [2.96, "3 s"],
    [9.96, "10 s"],
    [45, "45 s"],
    [60, "1 min"],
    [200, "3 min 20 s"],
    [7_500, "2 h 5 min"],
    [3 * 86_400 + 4 * 3_600 + 59, "3 d 4 h"],
    [-5, "0 s"],
  ])("writes %d seconds as %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("formatAge", () => {
  const now = Date.parse("2026-01-15T12:00:00Z");

  it("says how long ago, or how long until", () => {
    expect(formatAge("2026-01-15T11:59:48Z", now)).toBe("12 s ago");
    expect(formatAge("2026-01-15T12:03:00Z", now)).toBe("in 3 min");
  });
});
