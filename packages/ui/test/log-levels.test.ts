import { describe, expect, it } from "vitest";
import { filterLogs, levelNumber } from "../src/views/flow-run/log-levels.js";

const logs = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "LEVEL_25", "LEVEL_45"].map(
  (level, index) => ({ level, message: `line ${index}` }),
);

describe("filterLogs", () => {
  it("keeps every line for all levels", () => {
    expect(filterLogs(logs, "all")).toEqual(logs);
  });

  it("keeps the lines at the chosen level and above, as Prefect's level filter does", () => {
    expect(filterLogs(logs, "ERROR").map((log) => log.level)).toEqual([
      "ERROR",
      "CRITICAL",
      "LEVEL_45",
    ]);
    expect(filterLogs(logs, "INFO").map((log) => log.level)).toEqual([
      "INFO",
      "WARNING",
      "ERROR",
      "CRITICAL",
      "LEVEL_25",
      "LEVEL_45",
    ]);
    expect(filterLogs(logs, "CRITICAL").map((log) => log.level)).toEqual(["CRITICAL"]);
  });

  it("keeps the loaded lines' order", () => {
    const mixed = [
      { level: "ERROR" },
      { level: "DEBUG" },
      { level: "CRITICAL" },
      { level: "ERROR" },
    ];
    expect(filterLogs(mixed, "ERROR")).toEqual([mixed[0], mixed[2], mixed[3]]);
  });
});

describe("levelNumber", () => {
  it("reads Python's level numbers, custom LEVEL_<n> names, and nothing as 0", () => {
    expect(levelNumber("WARNING")).toBe(30);
    expect(levelNumber("warning")).toBe(30);
    expect(levelNumber("LEVEL_5")).toBe(5);
    expect(levelNumber("NOISE")).toBe(0);
    expect(levelNumber(undefined)).toBe(0);
  });
});
