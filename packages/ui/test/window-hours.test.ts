import { describe, expect, it } from "vitest";
import { windowHoursOf, windowSpanHours } from "../src/views/dashboard/window-hours.js";

describe("the window the dashboard view asks for again", () => {
  it("is the one the opening call asked for", () => {
    expect(windowHoursOf(168, { start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z" })).toBe(
      168,
    );
  });

  it("is the answer's own window, in whole hours, when the call gave none", () => {
    expect(
      windowHoursOf(undefined, { start: "2026-01-01T00:00:00Z", end: "2026-01-03T00:00:00Z" }),
    ).toBe(48);
    expect(
      windowHoursOf("24", { start: "2026-01-01T00:00:00Z", end: "2026-01-01T05:59:00Z" }),
    ).toBe(6);
  });

  it("stays within the tool's bounds, defaulting to a day", () => {
    expect(windowHoursOf(5000, undefined)).toBe(720);
    expect(windowHoursOf(0, { start: "2026-01-01T00:00:00Z", end: "2026-01-01T00:10:00Z" })).toBe(
      1,
    );
    expect(windowHoursOf(undefined, undefined)).toBe(24);
  });
});

describe("the hours a window spans", () => {
  it("is the time between its ends, and NaN when an end is missing or unreadable", () => {
    expect(windowSpanHours({ start: "2026-01-01T00:00:00Z", end: "2026-01-02T12:00:00Z" })).toBe(
      36,
    );
    expect(windowSpanHours({ start: "2026-01-01T00:00:00Z" })).toBeNaN();
    expect(windowSpanHours({ start: "soon", end: "2026-01-01T00:00:00Z" })).toBeNaN();
    expect(windowSpanHours(undefined)).toBeNaN();
  });
});
