import { type RecordedRequest, replay } from "./replay.js";

export interface PrefectCeiling {
  concurrency: number;
  durationMs: number;
  /** Times the call's requests were replayed, per second: the most any MCP server could reach. */
  callsPerSecond: number;
}

/**
 * Replays one tool call's Prefect requests back to back from `concurrency` workers for
 * `durationMs`: how many such calls per second Prefect itself can serve, the ceiling for the HTTP
 * app's throughput on the same machine.
 */
export async function measurePrefectCeiling(
  requests: readonly RecordedRequest[],
  prefectApiUrl: string,
  concurrency: number,
  durationMs: number,
): Promise<PrefectCeiling> {
  let calls = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await replay(requests, prefectApiUrl);
        calls++;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  return {
    concurrency,
    durationMs: Math.round(elapsedMs),
    callsPerSecond: Math.round((calls / (elapsedMs / 1000)) * 10) / 10,
  };
}
