import { describe, expect, it } from "vitest";
import { median, percentile, summarize } from "../src/stats.js";

describe("percentile", () => {
  it("interpolates linearly between the nearest ranks", () => {
    // Ranks 0..3; p25 sits at rank 0.75, three quarters of the way from 10 to 20.
    expect(percentile([40, 10, 30, 20], 25)).toBeCloseTo(10 + 0.75 * (20 - 10));
    // 11 values 1..11: p10 is rank 1 exactly, p90 rank 9.
    const values = Array.from({ length: 11 }, (_, index) => index + 1);
    expect(percentile(values, 10)).toBe(2);
    expect(percentile(values, 90)).toBe(10);
  });

  it("gives the extremes at 0 and 100 and the only value of a single sample", () => {
    expect(percentile([5, 9, 7], 0)).toBe(5);
    expect(percentile([5, 9, 7], 100)).toBe(9);
    expect(percentile([42], 37)).toBe(42);
  });

  it("refuses an empty list and a percentile outside 0–100", () => {
    expect(() => percentile([], 50)).toThrow();
    expect(() => percentile([1], 101)).toThrow();
    expect(() => percentile([1], -1)).toThrow();
  });

  it("does not reorder the caller's samples", () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe((2 + 3) / 2);
  });
});

describe("summarize", () => {
  it("reports count, median, p10, p90, min and max", () => {
    const samples = [12, 3, 7, 20, 15];
    const summary = summarize(samples);
    expect(summary.n).toBe(5);
    expect(summary.min).toBe(3);
    expect(summary.max).toBe(20);
    expect(summary.median).toBe(12);
    // Sorted 3, 7, 12, 15, 20: p10 at rank 0.4, p90 at rank 3.6.
    expect(summary.p10).toBeCloseTo(3 + 0.4 * 4);
    expect(summary.p90).toBeCloseTo(15 + 0.6 * 5);
  });
});
