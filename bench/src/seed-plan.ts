/** The final states seeded runs end in, with their share of all runs. */
export const RUN_STATE_SHARES = {
  Completed: 0.7,
  Failed: 0.1,
  Crashed: 0.03,
  Running: 0.04,
  Late: 0.05,
  Scheduled: 0.08,
} as const;

export type SeededState = keyof typeof RUN_STATE_SHARES;

/** What surrounds the runs at a given size; it grows with the run count, as real instances do. */
export interface Catalog {
  flows: number;
  /** Spread evenly over the flows. */
  deployments: number;
  /** Each with two queues besides `default`. */
  workPools: number;
  globalLimits: number;
  tagLimits: number;
}

/** One step per factor of ten: 100 runs → 4 flows, 1 000 → 8, 10 000 → 12, and so on. */
export function catalogFor(flowRuns: number): Catalog {
  const step = Math.max(1, Math.round(Math.log10(Math.max(flowRuns, 10))) - 1);
  return {
    flows: 4 * step,
    deployments: 12 * step,
    workPools: 2 * step,
    globalLimits: 2 * step,
    tagLimits: step,
  };
}

/**
 * Splits `total` into whole parts in proportion to `weights` (largest remainder: floors first, then
 * one more to the parts that lost the most), so the parts always add up to `total`.
 */
export function allocate<K extends string>(
  total: number,
  weights: Readonly<Record<K, number>>,
): Record<K, number> {
  const keys = Object.keys(weights) as K[];
  const sum = keys.reduce((acc, key) => acc + weights[key], 0);
  if (!(sum > 0)) throw new Error("allocate needs a positive total weight");
  const exact = keys.map((key) => ({ key, value: (total * weights[key]) / sum }));
  const parts = Object.fromEntries(
    exact.map(({ key, value }) => [key, Math.floor(value)]),
  ) as Record<K, number>;
  let left = total - keys.reduce((acc, key) => acc + parts[key], 0);
  const byRemainder = [...exact].sort(
    (a, b) => b.value - Math.floor(b.value) - (a.value - Math.floor(a.value)),
  );
  for (const { key } of byRemainder) {
    if (left <= 0) break;
    parts[key] += 1;
    left -= 1;
  }
  return parts;
}

/**
 * The states of `total` new runs, in the mix above and interleaved (not all Completed first), so
 * every batch and every deployment gets a bit of each.
 */
export function stateSequence(total: number): SeededState[] {
  const counts = allocate(total, RUN_STATE_SHARES);
  const states = Object.keys(counts) as SeededState[];
  const placed = Object.fromEntries(states.map((state) => [state, 0])) as Record<
    SeededState,
    number
  >;
  const sequence: SeededState[] = [];
  for (let index = 0; index < total; index++) {
    // Pick the state furthest behind its share of the runs placed so far.
    let best: SeededState | undefined;
    let bestLag = Number.NEGATIVE_INFINITY;
    for (const state of states) {
      if (placed[state] >= counts[state]) continue;
      const lag = ((index + 1) * counts[state]) / total - placed[state];
      if (lag > bestLag) {
        bestLag = lag;
        best = state;
      }
    }
    if (!best) break;
    placed[best] += 1;
    sequence.push(best);
  }
  return sequence;
}

/** Runs that never started have no task runs; the rest have two or three. */
export function taskRunsFor(state: SeededState, index: number): number {
  if (state === "Late" || state === "Scheduled") return 0;
  return 2 + (index % 2);
}

/** Splits a list into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}
