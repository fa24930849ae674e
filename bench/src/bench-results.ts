import type { HttpThroughput } from "./http-throughput.js";
import type { ServerKind } from "./mcp-servers.js";
import type { PrefectCeiling } from "./prefect-ceiling.js";
import { median, type Summary, summarize } from "./stats.js";

/** One timed tool call and what Prefect did for it. */
export interface CallSample {
  latencyMs: number;
  /** Prefect requests the call made (counted by the proxy). */
  requests: number;
  /** Those requests replayed straight to Prefect, keeping their parallelism. */
  rawMs?: number;
  /** The same replay through the recording proxy: what the call's requests cost it. */
  rawViaProxyMs?: number;
  textChars: number;
  structuredChars: number;
  error?: string;
}

export interface RequestTiming {
  /** `METHOD path`, e.g. `POST /api/flow_runs/filter`. */
  request: string;
  ms: number;
}

/** One server's answers to one question at one size. */
export interface QuestionSide {
  tool: string;
  args: Record<string, unknown>;
  samples: CallSample[];
  /** The Prefect requests of the first timed call, in order, with the proxy's time for each. */
  firstCallRequests: RequestTiming[];
  /** Over the calls that did not fail; absent when all failed. */
  latency?: Summary;
  raw?: Summary;
  /** Latency minus the proxied replay: the server's own time (stdio, parsing, its code). */
  overhead?: Summary;
  requests?: Summary;
  /** Medians over the calls that did not fail. */
  textChars?: number;
  structuredChars?: number;
  errors: number;
  firstError?: string;
}

export interface QuestionResult {
  id: string;
  label: string;
  sides: Record<ServerKind, QuestionSide>;
}

export interface MemoryResult {
  /** Tool calls served when `afterBytes` was read. */
  calls: number;
  /** VmRSS right after the first tools/list. */
  startBytes: number;
  afterBytes: number;
}

export type ColdStart = Record<ServerKind, { samples: number[]; summary: Summary }>;

export interface SizeResult {
  flowRuns: number;
  taskRuns: number;
  logs: number;
  seedingSeconds: number;
  /** As shipped, both docs proxies pointed at the closed port. */
  coldStart: ColdStart;
  /** Both docs proxies off: how much of the cold start is the docs proxy. */
  coldStartDocsOff: ColdStart;
  /** How many tools each server listed. */
  tools: Record<ServerKind, string[]>;
  questions: QuestionResult[];
  memory: Record<ServerKind, MemoryResult>;
}

export interface Phase {
  name: string;
  seconds: number;
}

export interface BenchResults {
  /** YYYY-MM-DD (UTC) of the run. */
  date: string;
  startedAt: string;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  phases: Phase[];
  sizes: SizeResult[];
  http: HttpThroughput[];
  /** Per HTTP run: the same call's Prefect requests replayed at the same concurrency. */
  prefectCeiling: PrefectCeiling[];
}

/** Summaries of one server's samples for one question; failed calls count only as errors. */
export function summarizeSide(
  call: { tool: string; args: Record<string, unknown> },
  samples: CallSample[],
  firstCallRequests: RequestTiming[],
): QuestionSide {
  const ok = samples.filter((sample) => sample.error === undefined);
  const failed = samples.filter((sample) => sample.error !== undefined);
  const overheads = ok.flatMap((sample) =>
    sample.rawViaProxyMs === undefined ? [] : [sample.latencyMs - sample.rawViaProxyMs],
  );
  const raws = ok.flatMap((sample) => (sample.rawMs === undefined ? [] : [sample.rawMs]));
  const side: QuestionSide = {
    ...call,
    samples,
    firstCallRequests,
    errors: failed.length,
  };
  if (failed[0]?.error !== undefined) side.firstError = failed[0].error;
  if (ok.length === 0) return side;
  side.latency = summarize(ok.map((sample) => sample.latencyMs));
  side.requests = summarize(ok.map((sample) => sample.requests));
  side.textChars = median(ok.map((sample) => sample.textChars));
  side.structuredChars = median(ok.map((sample) => sample.structuredChars));
  if (raws.length > 0) side.raw = summarize(raws);
  if (overheads.length > 0) side.overhead = summarize(overheads);
  return side;
}
