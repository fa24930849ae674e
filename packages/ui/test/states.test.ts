import { describe, expect, it } from "vitest";
import {
  compareStates,
  STATE_TYPES,
  stateColor,
  stateColorKey,
  stateTypeOf,
} from "../src/views/shared/states.js";

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const channel = Number.parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

describe("stateTypeOf", () => {
  it.each([
    ["Late", "SCHEDULED"],
    ["AwaitingRetry", "SCHEDULED"],
    ["AwaitingConcurrencySlot", "SCHEDULED"],
    ["Retrying", "RUNNING"],
    ["TimedOut", "FAILED"],
    ["Suspended", "PAUSED"],
    ["Cached", "COMPLETED"],
    ["Cancelling", "CANCELLING"],
    ["Crashed", "CRASHED"],
  ])("knows that %s is a %s state", (name, type) => {
    expect(stateTypeOf(name)).toBe(type);
  });

  it("reads names written with spaces or in another case", () => {
    expect(stateTypeOf("Awaiting Retry")).toBe("SCHEDULED");
    expect(stateTypeOf("timed_out")).toBe("FAILED");
  });

  it("prefers the type a result gives over the name's", () => {
    expect(stateTypeOf("Skipped", "COMPLETED")).toBe("COMPLETED");
    expect(stateTypeOf("Late", "failed")).toBe("FAILED");
  });

  it("leaves unknown names untyped", () => {
    expect(stateTypeOf("Exploded")).toBeUndefined();
    expect(stateTypeOf(undefined, "NOT_A_TYPE")).toBeUndefined();
  });
});

describe("stateColor", () => {
  it("colours states of one type alike, by name or by type", () => {
    expect(stateColor({ name: "Retrying" })).toBe(stateColor({ type: "RUNNING" }));
    expect(stateColor({ name: "TimedOut" }, "dark")).toBe(stateColor({ name: "Failed" }, "dark"));
  });

  it("sets Late apart from the other scheduled states, and from crashed runs", () => {
    for (const theme of ["light", "dark"] as const) {
      const late = stateColor({ name: "Late", type: "SCHEDULED" }, theme);
      expect(late).not.toBe(stateColor({ name: "Scheduled" }, theme));
      expect(late).not.toBe(stateColor({ name: "AwaitingRetry" }, theme));
      expect(late).not.toBe(stateColor({ name: "Crashed" }, theme));
    }
    expect(stateColorKey({ name: "Late" })).toBe("late");
  });

  it("uses Prefect's hues: completed green, failed red, running blue", () => {
    const rgb = (hex: string) => [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16));
    const [gr, gg, gb] = rgb(stateColor({ type: "COMPLETED" }));
    expect(gg).toBeGreaterThan(Math.max(gr ?? 0, gb ?? 0));
    const [rr, rg, rb] = rgb(stateColor({ type: "FAILED" }));
    expect(rr).toBeGreaterThan(Math.max(rg ?? 0, rb ?? 0));
    const [br, bg, bb] = rgb(stateColor({ type: "RUNNING" }));
    expect(bb).toBeGreaterThan(Math.max(br ?? 0, bg ?? 0));
  });

  it("keeps every state colour at 3:1 contrast on the light and dark backgrounds", () => {
    const names = ["Late", "Exploded"];
    for (const [theme, background] of [
      ["light", "#ffffff"],
      ["dark", "#18191d"],
    ] as const) {
      for (const type of STATE_TYPES) {
        expect(
          contrast(stateColor({ type }, theme), background),
          `${type} ${theme}`,
        ).toBeGreaterThanOrEqual(3);
      }
      for (const name of names) {
        expect(
          contrast(stateColor({ name }, theme), background),
          `${name} ${theme}`,
        ).toBeGreaterThanOrEqual(3);
      }
    }
  });
});

describe("compareStates", () => {
  it("orders states by type (completed first, failed last), then by name", () => {
    const states = [
      { name: "Failed" },
      { name: "Late" },
      { name: "Completed" },
      { name: "Cached" },
      { name: "Mystery" },
      { name: "Running" },
    ];
    expect(states.sort(compareStates).map((state) => state.name)).toEqual([
      "Cached",
      "Completed",
      "Running",
      "Late",
      "Failed",
      "Mystery",
    ]);
  });
});
