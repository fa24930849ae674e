import type { ProxiedRequest } from "@prefect-mcp/testing";

/** A recorded request with what it takes to send it again. */
export type RecordedRequest = Pick<
  ProxiedRequest,
  "method" | "path" | "startedAt" | "durationMs" | "query" | "body"
>;

/**
 * Splits a tool call's requests, in arrival order, into waves: a request that arrived while an
 * earlier one of the wave was still in flight was sent in parallel with it and joins the wave; one
 * that arrived after all of them had finished starts the next. Replaying wave by wave keeps the
 * tool's own parallelism, so the replay time is what Prefect alone needed.
 */
export function parallelWaves<T extends Pick<RecordedRequest, "startedAt" | "durationMs">>(
  requests: readonly T[],
): T[][] {
  const ordered = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  const waves: T[][] = [];
  let current: T[] = [];
  let currentEnd = Number.NEGATIVE_INFINITY;
  for (const request of ordered) {
    if (current.length > 0 && request.startedAt >= currentEnd) {
      waves.push(current);
      current = [];
    }
    current.push(request);
    currentEnd = Math.max(currentEnd, request.startedAt + request.durationMs);
  }
  if (current.length > 0) waves.push(current);
  return waves;
}

/**
 * Sends the requests again, wave by wave, to `baseUrl`'s origin (paths already carry the `/api`
 * prefix) and returns the wall time in milliseconds. Whatever Prefect answered the first time (a
 * 404 a client expects, say), it answers again: the status does not matter, the time does.
 */
export async function replay(
  requests: readonly RecordedRequest[],
  baseUrl: string,
): Promise<number> {
  const origin = new URL(baseUrl).origin;
  let total = 0;
  for (const wave of parallelWaves(requests)) {
    const started = performance.now();
    await Promise.all(wave.map((request) => send(request, origin)));
    total += performance.now() - started;
  }
  return total;
}

async function send(request: RecordedRequest, origin: string): Promise<void> {
  const hasBody = request.body !== undefined && request.body.length > 0;
  const response = await fetch(`${origin}${request.path}${request.query ?? ""}`, {
    method: request.method,
    headers: hasBody ? { "content-type": "application/json" } : {},
    ...(hasBody ? { body: request.body } : {}),
  });
  // Reading the whole body is part of what the server's own request cost.
  await response.arrayBuffer();
}
