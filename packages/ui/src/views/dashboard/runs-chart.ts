import { BASE_OPTIONS, chartFigure, dataTable, drawChart, legend } from "../shared/charts.js";
import { h, section } from "../shared/dom.js";
import { formatTime, plural } from "../shared/format.js";
import { stateBadge } from "../shared/state-badge.js";
import { stateColor, stateColorKey } from "../shared/states.js";
import { currentTheme } from "../shared/theme.js";
import type { Dashboard } from "./dashboard-data.js";
import { intervalSeries, type StateSeries, stateTotals } from "./run-intervals.js";

const DAY_MS = 86_400_000;
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Flow runs by state: the total, a stacked bar per interval, and the counts as tables. */
export function runsSection(dashboard: Dashboard): HTMLElement {
  const flowRuns = dashboard.flow_runs ?? {};
  const { buckets, series } = intervalSeries(flowRuns, dashboard.window);
  const totals = stateTotals(flowRuns, series);
  const total =
    typeof flowRuns.total === "number"
      ? flowRuns.total
      : totals.reduce((sum, { count }) => sum + count, 0);
  const summary = h(
    "p",
    { class: "big-number" },
    h("strong", { "data-testid": "runs-total" }, total),
    ` flow ${total === 1 ? "run" : "runs"} expected in the window`,
  );
  if (!series.length && !totals.length) {
    return section("runs", "Flow runs by state", summary, h("p", { class: "muted" }, "No runs."));
  }

  const labels = buckets.map((bucket) => bucketLabel(bucket.start, bucket.end, buckets.length));
  const label = `Stacked bar chart of ${plural(total, "flow run")} in ${plural(
    buckets.length,
    "interval",
  )}${rangeText(buckets[0]?.start, buckets.at(-1)?.end)}. ${totals
    .map(({ name, count }) => `${name}: ${count}`)
    .join(", ")}.`;
  const tables = [totalsTable(totals)];
  if (buckets.length > 1) tables.push(intervalsTable(buckets, labels, series));

  const { figure, canvas } = chartFigure({
    label,
    height: 220,
    legend: legend(
      series.map(({ name, type }) => ({ label: name, colorKey: stateColorKey({ name, type }) })),
    ),
    tables,
    summary: "Run counts as tables",
  });
  drawChart(canvas, (ink) => {
    const theme = currentTheme();
    return {
      type: "bar",
      data: {
        labels,
        datasets: series.map(({ name, type, counts }) => ({
          label: name,
          data: counts,
          backgroundColor: stateColor({ name, type }, theme),
          stack: "runs",
          maxBarThickness: 48,
        })),
      },
      options: {
        ...BASE_OPTIONS,
        scales: {
          x: {
            stacked: true,
            grid: { display: false },
            ticks: { color: ink.muted, maxRotation: 0, autoSkip: true },
          },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { color: ink.muted, precision: 0 },
            grid: { color: ink.grid },
          },
        },
        plugins: {
          tooltip: { mode: "index", intersect: false, filter: (item) => Number(item.raw) > 0 },
        },
      },
    };
  });
  return section("runs", "Flow runs by state", summary, figure);
}

function totalsTable(totals: { name: string; type?: string; count: number }[]) {
  return dataTable(
    "Runs by state",
    ["State", "Type", "Runs"],
    totals.map(({ name, type, count }) =>
      h(
        "tr",
        {},
        h("th", { scope: "row" }, stateBadge({ name, type })),
        h("td", {}, type ?? "—"),
        h("td", { class: "number", "data-testid": "state-count", "data-state-name": name }, count),
      ),
    ),
  );
}

/** Runs per interval and state; intervals without runs are left out. */
function intervalsTable(
  buckets: { start?: string; end?: string }[],
  labels: string[],
  series: StateSeries[],
) {
  const rows = buckets.flatMap((bucket, index) => {
    const counts = series.map((item) => item.counts[index] ?? 0);
    const sum = counts.reduce((total, count) => total + count, 0);
    if (!sum) return [];
    return [
      h(
        "tr",
        {},
        h(
          "th",
          { scope: "row", title: `${bucket.start ?? "?"} – ${bucket.end ?? "?"}` },
          labels[index] ?? "",
        ),
        ...counts.map((count) => h("td", { class: "number" }, count)),
        h("td", { class: "number" }, sum),
      ),
    ];
  });
  const table = dataTable(
    "Runs per interval (intervals without runs left out)",
    ["Interval", ...series.map((item) => item.name), "Total"],
    rows,
  );
  return table;
}

/** An axis label: the day for daily buckets or longer, else the time of day. */
function bucketLabel(start: string | undefined, end: string | undefined, count: number): string {
  if (count === 1) return "Whole window";
  const from = start ? Date.parse(start) : Number.NaN;
  if (Number.isNaN(from)) return start ?? "?";
  const width = end ? Date.parse(end) - from : 0;
  return width >= DAY_MS * 0.9 ? dayLabel.format(from) : hourLabel.format(from);
}

function rangeText(start: string | undefined, end: string | undefined): string {
  return start && end ? ` from ${formatTime(start)} to ${formatTime(end)}` : "";
}
