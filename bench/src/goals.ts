import type { SizeResult } from "./bench-results.js";
import type { ServerKind } from "./mcp-servers.js";

/** ours ÷ upstream; undefined when upstream has no figure (e.g. every call failed) or it is 0. */
export function ratio(ours: number | undefined, upstream: number | undefined): number | undefined {
  if (ours === undefined || upstream === undefined || upstream === 0) return undefined;
  return ours / upstream;
}

export type GoalStatus = "met" | "not met" | "n/a";

/** A goal the issue set for our server, and how to judge a measured figure against it. */
export interface Goal {
  id: "cold-start" | "overhead" | "memory" | "output" | "http";
  /** As the report states it, e.g. "cold start ≤ 1/10 of upstream's". */
  label: string;
  /** The figure must be at most `max`, or at least `min`. */
  max?: number;
  min?: number;
}

export const GOALS = {
  coldStart: { id: "cold-start", label: "cold start ≤ 1/10 of upstream's", max: 0.1 },
  overhead: { id: "overhead", label: "overhead ≤ 5 ms (median, every tool)", max: 5 },
  memory: { id: "memory", label: "memory ≤ 1/2 of upstream's", max: 0.5 },
  output: { id: "output", label: "output ≤ 1/2 of upstream's", max: 0.5 },
  http: { id: "http", label: "HTTP ≥ 500 calls/s with zero errors", min: 500 },
} as const satisfies Record<string, Goal>;

/** Whether `value` meets `goal`; "n/a" when there is nothing to judge. */
export function judge(goal: Goal, value: number | undefined): GoalStatus {
  if (value === undefined || Number.isNaN(value)) return "n/a";
  if (goal.max !== undefined && value > goal.max) return "not met";
  if (goal.min !== undefined && value < goal.min) return "not met";
  return "met";
}

/** The HTTP goal also needs a clean run: a single error fails it whatever the rate. */
export function judgeHttp(callsPerSecond: number, errors: number): GoalStatus {
  if (errors > 0) return "not met";
  return judge(GOALS.http, callsPerSecond);
}

/** A goal judged at one size: the figure it was judged on and the verdict. */
export interface Verdict {
  goal: Goal;
  value: number | undefined;
  status: GoalStatus;
}

/** The per-size goals, judged from that size's medians. */
export function sizeVerdicts(size: SizeResult): Verdict[] {
  const verdict = (goal: Goal, value: number | undefined): Verdict => ({
    goal,
    value,
    status: judge(goal, value),
  });
  const ourOverheads = size.questions.map((question) => question.sides.ours.overhead?.median);
  const worstOverhead = ourOverheads.some((value) => value === undefined)
    ? undefined
    : Math.max(...(ourOverheads as number[]));
  return [
    verdict(
      GOALS.coldStart,
      ratio(size.coldStart.ours.summary.median, size.coldStart.upstream.summary.median),
    ),
    verdict(GOALS.overhead, worstOverhead),
    verdict(GOALS.memory, ratio(size.memory.ours.afterBytes, size.memory.upstream.afterBytes)),
    verdict(GOALS.output, ratio(...totalOutput(size))),
  ];
}

/**
 * The output of all questions together, per server: what answering all of them costs a model's
 * context. Undefined for a server that failed one of them.
 */
export function totalOutput(size: SizeResult): [number | undefined, number | undefined] {
  const total = (kind: ServerKind) => {
    const chars = size.questions.map((question) => question.sides[kind].textChars);
    return chars.some((value) => value === undefined)
      ? undefined
      : (chars as number[]).reduce((sum, value) => sum + value, 0);
  };
  return [total("ours"), total("upstream")];
}

/**
 * N+1 check: whether a server's Prefect requests for a question rise with the data size (the
 * median count at the largest size above the one at the smallest).
 */
export function requestsGrow(sizes: SizeResult[], questionId: string, kind: ServerKind): boolean {
  const counts = sizes.map(
    (size) => size.questions.find((question) => question.id === questionId)?.sides[kind].requests,
  );
  const first = counts[0]?.median;
  const last = counts[counts.length - 1]?.median;
  return first !== undefined && last !== undefined && last > first;
}
