import { compareStates, stateTypeOf } from "../shared/states.js";

/** One bucket of `flow_runs.intervals`: counts by state between start and end. */
export interface RunInterval {
  start?: string;
  end?: string;
  states?: { type?: string; name?: string; count?: number }[];
}

/** The flow_runs section of get_dashboard, as far as the chart reads it. */
export interface FlowRunCounts {
  total?: number;
  by_state_name?: Record<string, number>;
  intervals?: RunInterval[];
}

/** One dataset of the stacked chart: a state name and its count in each bucket. */
export interface StateSeries {
  name: string;
  type?: string;
  counts: number[];
}

export interface IntervalSeries {
  buckets: { start?: string; end?: string }[];
  series: StateSeries[];
}

/**
 * The stacked chart's data: one series per state name, one count per interval, states ordered by
 * type (completed first, failed last). Results without intervals give one bucket spanning the
 * window, from `by_state_name`.
 */
export function intervalSeries(
  flowRuns: FlowRunCounts,
  window: { start?: string; end?: string } = {},
): IntervalSeries {
  const intervals = Array.isArray(flowRuns.intervals) ? flowRuns.intervals : undefined;
  if (!intervals?.length) {
    const series = Object.entries(flowRuns.by_state_name ?? {})
      .filter(([, count]) => typeof count === "number")
      .map(([name, count]) => ({ name, type: stateTypeOf(name), counts: [count] }));
    return {
      buckets: [{ start: window.start, end: window.end }],
      series: series.sort(compareStates),
    };
  }
  const byName = new Map<string, StateSeries>();
  intervals.forEach((interval, index) => {
    for (const state of Array.isArray(interval.states) ? interval.states : []) {
      const name = state.name ?? state.type ?? "Unknown";
      let series = byName.get(name);
      if (!series) {
        series = { name, type: state.type ?? stateTypeOf(name), counts: intervals.map(() => 0) };
        byName.set(name, series);
      }
      series.counts[index] = (series.counts[index] ?? 0) + (state.count ?? 0);
    }
  });
  return {
    buckets: intervals.map(({ start, end }) => ({ start, end })),
    series: [...byName.values()].sort(compareStates),
  };
}

/**
 * Run counts by state name for the text alternative: `by_state_name` when the result has it,
 * else the totals of the series.
 */
export function stateTotals(
  flowRuns: FlowRunCounts,
  series: StateSeries[],
): { name: string; type?: string; count: number }[] {
  const types = new Map(series.map((item) => [item.name, item.type]));
  const totals = flowRuns.by_state_name
    ? Object.entries(flowRuns.by_state_name).map(([name, count]) => ({ name, count }))
    : series.map((item) => ({
        name: item.name,
        count: item.counts.reduce((sum, count) => sum + count, 0),
      }));
  return totals
    .map((total) => ({ ...total, type: types.get(total.name) ?? stateTypeOf(total.name) }))
    .sort(compareStates);
}
