import { describe, expect, it } from "vitest";
import {
  allocate,
  catalogFor,
  chunk,
  RUN_STATE_SHARES,
  type SeededState,
  stateSequence,
  taskRunsFor,
} from "../src/seed-plan.js";

describe("allocate", () => {
  it("splits a total into whole parts that add up to it, each within one of its exact share", () => {
    const weights = { a: 1, b: 1, c: 1 };
    for (const total of [0, 1, 2, 10, 100, 1001]) {
      const parts = allocate(total, weights);
      expect(parts.a + parts.b + parts.c).toBe(total);
      for (const part of Object.values(parts)) {
        expect(Math.abs(part - total / 3)).toBeLessThan(1);
      }
    }
  });

  it("follows unequal weights", () => {
    expect(allocate(10, { big: 0.7, small: 0.3 })).toEqual({ big: 7, small: 3 });
  });

  it("refuses weights that add up to nothing", () => {
    expect(() => allocate(5, { a: 0 })).toThrow();
  });
});

describe("stateSequence", () => {
  const count = (states: SeededState[], state: SeededState) =>
    states.filter((candidate) => candidate === state).length;
  const names = Object.keys(RUN_STATE_SHARES) as SeededState[];

  it("holds each state in its share of the runs", () => {
    const total = 1000;
    const sequence = stateSequence(total);
    expect(sequence).toHaveLength(total);
    for (const state of names) {
      expect(count(sequence, state)).toBe(Math.round(total * RUN_STATE_SHARES[state]));
    }
  });

  it("interleaves the states: every stretch of 100 holds each of them", () => {
    const sequence = stateSequence(10_000);
    for (let start = 0; start < sequence.length; start += 100) {
      const stretch = sequence.slice(start, start + 100);
      for (const state of names) expect(count(stretch, state)).toBeGreaterThan(0);
    }
  });

  it("has nothing for no runs", () => {
    expect(stateSequence(0)).toEqual([]);
  });
});

describe("taskRunsFor", () => {
  it("gives runs that never started no task runs and the others two or three", () => {
    expect(taskRunsFor("Scheduled", 4)).toBe(0);
    expect(taskRunsFor("Late", 5)).toBe(0);
    const started = ["Completed", "Failed", "Crashed", "Running"] as const;
    for (const state of started) {
      for (const index of [0, 1, 2, 3]) {
        expect([2, 3]).toContain(taskRunsFor(state, index));
      }
    }
  });
});

describe("catalogFor", () => {
  it("grows every kind of object with the run count", () => {
    const [small, medium, large] = [100, 1_000, 10_000].map(catalogFor);
    for (const key of Object.keys(small ?? {}) as Array<keyof ReturnType<typeof catalogFor>>) {
      expect(medium?.[key]).toBeGreaterThan(small?.[key] ?? Number.POSITIVE_INFINITY);
      expect(large?.[key]).toBeGreaterThan(medium?.[key] ?? Number.POSITIVE_INFINITY);
    }
  });

  it("has at least one of each for tiny sizes", () => {
    for (const value of Object.values(catalogFor(1))) expect(value).toBeGreaterThan(0);
  });
});

describe("chunk", () => {
  it("cuts a list into consecutive pieces of at most the size", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });
});
