import { BASE_OPTIONS, chartFigure, dataTable, drawChart, legend } from "../shared/charts.js";
import { h } from "../shared/dom.js";
import { formatClock, formatDuration, formatTime, plural } from "../shared/format.js";
import { stateBadge } from "../shared/state-badge.js";
import { stateColor, stateColorKey } from "../shared/states.js";
import { currentTheme } from "../shared/theme.js";
import type { GanttRow } from "./gantt-rows.js";

/** Bars drawn at most; the table below lists every task run. */
const MAX_BARS = 100;
const BAR_ROW_PX = 22;

/**
 * Task runs as a Gantt chart (horizontal floating bars from start to end on a time axis,
 * coloured by state) with every task run, started or not, in its text-alternative table.
 */
export function ganttContent(rows: GanttRow[]): HTMLElement[] {
  if (!rows.length) return [h("p", { class: "muted" }, "This flow run has no task runs.")];
  const started = rows.filter(
    (row): row is GanttRow & { start: number; end: number } =>
      row.start !== undefined && row.end !== undefined,
  );
  const bars = started.slice(0, MAX_BARS);
  const table = tasksTable(rows);
  if (!bars.length) {
    return [h("p", { class: "muted" }, "No task run has started yet."), table];
  }
  const min = Math.min(...bars.map((row) => row.start));
  const max = Math.max(...bars.map((row) => row.end), min + 1000);
  const states = stateCounts(rows);
  // Runs of a few seconds need tenths on the axis, or every tick reads the same.
  const fine = max - min < 20_000;
  const { figure, canvas } = chartFigure({
    label: `Gantt chart of ${bars.length === rows.length ? "" : `${bars.length} of `}${plural(
      rows.length,
      "task run",
    )}, from ${formatTime(new Date(min).toISOString())} to ${formatTime(
      new Date(max).toISOString(),
    )}. By state: ${states.map(({ name, count }) => `${name} ${count}`).join(", ")}.`,
    height: Math.max(120, bars.length * BAR_ROW_PX + 56),
    legend: legend(
      states.map(({ name, type }) => ({ label: name, colorKey: stateColorKey({ name, type }) })),
    ),
    tables: [table],
    summary: `All ${plural(rows.length, "task run")} as a table`,
  });
  drawChart(canvas, (ink) => {
    const theme = currentTheme();
    return {
      type: "bar",
      data: {
        labels: bars.map((row) => row.name),
        datasets: [
          {
            label: "Task runs",
            data: bars.map((row) => [row.start, row.end] as [number, number]),
            backgroundColor: bars.map((row) =>
              stateColor({ name: row.stateName, type: row.stateType }, theme),
            ),
            minBarLength: 3,
            barPercentage: 0.8,
            categoryPercentage: 0.9,
          },
        ],
      },
      options: {
        ...BASE_OPTIONS,
        indexAxis: "y",
        scales: {
          x: {
            type: "linear",
            min,
            max,
            grid: { color: ink.grid },
            ticks: {
              color: ink.muted,
              maxRotation: 0,
              callback: (value) => formatClock(Number(value), fine),
            },
          },
          y: { grid: { display: false }, ticks: { color: ink.text, autoSkip: false } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => {
                const row = bars[item.dataIndex];
                if (!row) return "";
                const took = formatDuration((row.end - row.start) / 1000);
                return `${row.stateName}: ${formatClock(row.start, fine)} – ${
                  row.running ? "now" : formatClock(row.end, fine)
                } (${took})`;
              },
            },
          },
        },
      },
    };
  });
  const notes =
    started.length > bars.length
      ? [h("p", { class: "muted" }, `The chart shows the first ${MAX_BARS} task runs to start.`)]
      : [];
  return [figure, ...notes];
}

function tasksTable(rows: GanttRow[]): HTMLTableElement {
  return dataTable(
    "Task runs",
    ["Task run", "State", "Start", "End", "Duration"],
    rows.map((row) =>
      h(
        "tr",
        {
          "data-testid": "task-run",
          "data-task-run-id": row.id,
          "data-state-name": row.stateName,
        },
        h("th", { scope: "row" }, row.name),
        h("td", {}, stateBadge({ name: row.stateName, type: row.stateType })),
        timeCell(row.start, row.start === undefined ? "not started" : undefined),
        timeCell(row.end, row.running ? "running" : undefined),
        h(
          "td",
          { class: "number" },
          row.durationSeconds === undefined ? "—" : formatDuration(row.durationSeconds),
        ),
      ),
    ),
  );
}

function stateCounts(rows: GanttRow[]): { name: string; type?: string; count: number }[] {
  const counts = new Map<string, { name: string; type?: string; count: number }>();
  for (const row of rows) {
    const entry = counts.get(row.stateName) ?? {
      name: row.stateName,
      type: row.stateType,
      count: 0,
    };
    entry.count++;
    counts.set(row.stateName, entry);
  }
  return [...counts.values()];
}

/** A time of day, the exact time in its title; `instead` when there is no time to show. */
function timeCell(ms: number | undefined, instead?: string): HTMLTableCellElement {
  if (instead || ms === undefined) return h("td", {}, instead ?? "—");
  const iso = new Date(ms).toISOString();
  return h("td", {}, h("time", { datetime: iso, title: iso }, formatClock(ms, true)));
}
