import type { CallSample, QuestionSide, SizeResult } from "../src/bench-results.js";
import type { Summary } from "../src/stats.js";

/** A summary whose every statistic is `value` (one repeated sample). */
export function flat(value: number): Summary {
  return { n: 1, median: value, p10: value, p90: value, min: value, max: value };
}

export interface SideFigures {
  latency: number;
  raw?: number;
  overhead?: number;
  requests?: number;
  textChars?: number;
  errors?: number;
}

export function side(tool: string, figures: SideFigures): QuestionSide {
  const sample: CallSample = {
    latencyMs: figures.latency,
    requests: figures.requests ?? 1,
    textChars: figures.textChars ?? 100,
    structuredChars: 0,
  };
  return {
    tool,
    args: {},
    samples: [sample],
    firstCallRequests: [],
    latency: flat(figures.latency),
    ...(figures.raw === undefined ? {} : { raw: flat(figures.raw) }),
    ...(figures.overhead === undefined ? {} : { overhead: flat(figures.overhead) }),
    requests: flat(figures.requests ?? 1),
    ...(figures.textChars === undefined ? {} : { textChars: figures.textChars }),
    structuredChars: 0,
    errors: figures.errors ?? 0,
  };
}

export interface SizeFigures {
  flowRuns: number;
  coldStart: [ours: number, upstream: number];
  memoryMb: [ours: number, upstream: number];
  questions: Array<{ id: string; ours: SideFigures; upstream: SideFigures }>;
}

export function size(figures: SizeFigures): SizeResult {
  const cold = (ours: number, upstream: number) => ({
    ours: { samples: [ours], summary: flat(ours) },
    upstream: { samples: [upstream], summary: flat(upstream) },
  });
  const mb = 1024 * 1024;
  return {
    flowRuns: figures.flowRuns,
    taskRuns: figures.flowRuns * 2,
    logs: figures.flowRuns * 5,
    seedingSeconds: 1,
    coldStart: cold(...figures.coldStart),
    coldStartDocsOff: cold(...figures.coldStart),
    tools: { ours: ["a", "b"], upstream: ["a"] },
    questions: figures.questions.map((question) => ({
      id: question.id,
      label: `question ${question.id}`,
      sides: {
        ours: side(`ours_${question.id}`, question.ours),
        upstream: side(`upstream_${question.id}`, question.upstream),
      },
    })),
    memory: {
      ours: { calls: 1000, startBytes: mb, afterBytes: figures.memoryMb[0] * mb },
      upstream: { calls: 1000, startBytes: mb, afterBytes: figures.memoryMb[1] * mb },
    },
  };
}
