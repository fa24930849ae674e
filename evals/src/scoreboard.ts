import { outputChars, type ScenarioRun } from "./run-scenario.js";

/** A plain-text table with a header rule, columns padded to their widest cell (numbers right). */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? "").length)),
  );
  const numeric = header.map((_, column) => rows.every((row) => typeof row[column] === "number"));
  const line = (row: string[]) =>
    `| ${row
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (numeric[column] ? `${"-".repeat(width + 1)}:` : "-".repeat(width + 2))).join("|")}|`;
  return [line(cells[0] ?? []), rule, ...cells.slice(1).map(line)].join("\n");
}

/** scenario | pass | tool calls | output characters, with a total row. */
export function deterministicScoreboard(runs: readonly ScenarioRun[]): string {
  const rows: (string | number)[][] = runs.map((run) => [
    run.scenario,
    run.passed ? "pass" : "FAIL",
    run.results.length,
    outputChars(run.results),
  ]);
  rows.push([
    "total",
    `${runs.filter((run) => run.passed).length}/${runs.length}`,
    runs.reduce((sum, run) => sum + run.results.length, 0),
    runs.reduce((sum, run) => sum + outputChars(run.results), 0),
  ]);
  return formatTable(["scenario", "pass", "tool calls", "output characters"], rows);
}
