import type { LoopbackProxy } from "@prefect-mcp/testing";
import {
  type CallSample,
  type ColdStart,
  type MemoryResult,
  type QuestionResult,
  type RequestTiming,
  summarizeSide,
} from "./bench-results.js";
import {
  type LaunchSpec,
  launch,
  type RunningServer,
  residentBytes,
  SERVER_KINDS,
  type ServerKind,
} from "./mcp-servers.js";
import { say } from "./progress.js";
import type { Question } from "./questions.js";
import { replay } from "./replay.js";
import { summarize } from "./stats.js";

type Specs = Record<ServerKind, LaunchSpec>;

/** Servers' order in round `round`: alternating, so neither always goes first. */
function order(round: number): ServerKind[] {
  return round % 2 === 0 ? [...SERVER_KINDS] : [...SERVER_KINDS].reverse();
}

/**
 * Cold start, spawn → first tools/list answer, `runs` times per server, alternating. One
 * discarded start each comes first, so both find their files in the page cache.
 */
export async function measureColdStart(specs: Specs, runs: number, what = "cold start") {
  const samples: Record<ServerKind, number[]> = { ours: [], upstream: [] };
  const tools: Record<ServerKind, string[]> = { ours: [], upstream: [] };
  for (let round = -1; round < runs; round++) {
    for (const kind of order(round)) {
      const server = await launch(specs[kind]);
      await server.close();
      if (round < 0) {
        tools[kind] = server.toolNames;
        continue;
      }
      samples[kind].push(server.coldStartMs);
      say(`  ${what} ${round + 1}/${runs} ${kind}: ${server.coldStartMs.toFixed(0)} ms`);
    }
  }
  const coldStart: ColdStart = {
    ours: { samples: samples.ours, summary: summarize(samples.ours) },
    upstream: { samples: samples.upstream, summary: summarize(samples.upstream) },
  };
  return { tools, coldStart };
}

export interface QuestionRun {
  servers: Record<ServerKind, RunningServer>;
  proxy: LoopbackProxy;
  /** Prefect's API itself, for the replays. */
  prefectApiUrl: string;
  questions: Question[];
  samples: number;
}

/**
 * Asks every question `samples` times of each server, alternating servers, one call at a time.
 * After each call its Prefect requests (recorded by the proxy) are replayed straight to Prefect
 * (the raw time) and through the proxy (so the overhead, latency minus that, does not charge the
 * recording hop to the server). One untimed call per question and server comes first: a first
 * call pays for lazy imports and connection set-up, which the cold start already covers.
 */
export async function measureQuestions(run: QuestionRun): Promise<QuestionResult[]> {
  const { servers, proxy, questions } = run;
  for (const question of questions) {
    for (const kind of SERVER_KINDS) {
      const { tool, args } = question.calls[kind];
      await servers[kind].call(tool, args);
    }
  }
  const samples = new Map<string, CallSample[]>();
  const firstCalls = new Map<string, RequestTiming[]>();
  for (let round = 0; round < run.samples; round++) {
    for (const question of questions) {
      for (const kind of order(round)) {
        const { tool, args } = question.calls[kind];
        proxy.reset();
        const outcome = await servers[kind].call(tool, args);
        const requests = [...proxy.requests];
        const sample: CallSample = { ...outcome, requests: requests.length };
        try {
          sample.rawMs = await replay(requests, run.prefectApiUrl);
          sample.rawViaProxyMs = await replay(requests, proxy.url);
        } catch (error) {
          say(`  replay of ${kind} ${tool} failed: ${String(error)}`);
        }
        const key = `${question.id}/${kind}`;
        samples.set(key, [...(samples.get(key) ?? []), sample]);
        if (!firstCalls.has(key)) {
          firstCalls.set(
            key,
            requests.map((request) => ({
              request: `${request.method} ${request.path}`,
              ms: Math.round(request.durationMs * 10) / 10,
            })),
          );
        }
      }
    }
    if ((round + 1) % 5 === 0) say(`  tool calls: round ${round + 1}/${run.samples}`);
  }
  proxy.reset();
  return questions.map((question) => ({
    id: question.id,
    label: question.label,
    sides: {
      ours: summarizeSide(
        question.calls.ours,
        samples.get(`${question.id}/ours`) ?? [],
        firstCalls.get(`${question.id}/ours`) ?? [],
      ),
      upstream: summarizeSide(
        question.calls.upstream,
        samples.get(`${question.id}/upstream`) ?? [],
        firstCalls.get(`${question.id}/upstream`) ?? [],
      ),
    },
  }));
}

/**
 * Keeps calling the questions in turn until the server has served `total` tool calls (counting
 * `served` already made), then reads its resident memory.
 */
export async function memoryAfterCalls(
  server: RunningServer,
  questions: Question[],
  served: number,
  total: number,
  startBytes: number,
): Promise<MemoryResult> {
  let calls = served;
  let failures = 0;
  for (let index = 0; calls < total; index++) {
    const { tool, args } = (questions[index % questions.length] as Question).calls[server.kind];
    const outcome = await server.call(tool, args);
    if (outcome.error !== undefined) failures++;
    calls++;
    if (calls % 250 === 0) say(`  memory: ${server.kind} has served ${calls}/${total} calls`);
  }
  if (failures > 0) say(`  memory: ${failures} calls to ${server.kind} failed`);
  return { calls, startBytes, afterBytes: await residentBytes(server.pid) };
}
