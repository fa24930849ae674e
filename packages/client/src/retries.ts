import { setTimeout as sleep } from "node:timers/promises";
import { PrefectApiError, redactSecrets } from "./errors.js";
import { describeRequest, httpError, type RequestContext, readErrorBody } from "./http-errors.js";
import type { Transport } from "./transport.js";

export interface RetryOptions {
  /** How long one attempt may take before it is abandoned. */
  timeoutMs: number;
  /** Attempts after the first, for network errors and 408/429/502/503/504. */
  retries: number;
  /** The first backoff; each further one doubles, with full jitter. */
  baseDelayMs: number;
  /** No wait is longer; a `Retry-After` asking for more ends the retries at once. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  timeoutMs: 30_000,
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
};

const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);
const HTTP_DATE_START = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,? /i;

/**
 * Gives each attempt a timeout and retries transient failures. Every request this client may send
 * is a read, so resending is always safe. A caller's abort signal stops it at once.
 */
export function retrying(
  next: Transport,
  options: RetryOptions,
  context: RequestContext,
): Transport {
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const isLast = attempt >= options.retries;
      // Keep an unread copy: a body can be sent only once.
      const sent = isLast ? request : request.clone();
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let response: Response | undefined;
      try {
        const signal = AbortSignal.any([request.signal, timeout]);
        response = await next(new Request(sent, { signal }));
        // Read the body inside the attempt: a connection cut mid-body is then a network error
        // that is retried, and the attempt's timeout covers the whole answer, not just headers.
        if (!RETRYABLE_STATUS.has(response.status)) response = await buffered(response, signal);
      } catch (error) {
        if (request.signal.aborted) throw error;
        const label = describeRequest(request, context.apiUrl);
        if (timeout.aborted) {
          throw new PrefectApiError({
            reason: "timeout",
            ...label,
            hint: `no response within ${options.timeoutMs / 1000} s`,
          });
        }
        if (isLast) {
          const cause = `${redactSecrets(networkCause(error), context.secrets)} (after ${attempt + 1} attempts)`;
          // Headers arrived, so the server was reached: its answer broke off, which is no reason
          // to tell the user to check that the server is running.
          throw new PrefectApiError(
            response
              ? { reason: "invalid-response", ...label, hint: `the answer was cut off: ${cause}` }
              : { reason: "network", ...label, hint: cause },
          );
        }
        await sleep(backoff(attempt, options), undefined, { signal: request.signal });
        continue;
      }

      if (!RETRYABLE_STATUS.has(response.status)) return response;
      const retryAfter = retryAfterMs(response.headers.get("retry-after"));
      if (isLast || (retryAfter !== undefined && retryAfter > options.maxDelayMs)) {
        const hint =
          retryAfter !== undefined && retryAfter > options.maxDelayMs
            ? `the server asks to retry after ${Math.ceil(retryAfter / 1000)} s`
            : `gave up after ${attempt + 1} attempts`;
        throw httpError(
          describeRequest(request, context.apiUrl),
          response.status,
          await readErrorBody(response),
          context,
          hint,
        );
      }
      await response.body?.cancel();
      await sleep(retryAfter ?? backoff(attempt, options), undefined, { signal: request.signal });
    }
  };
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * The same response with its body already read into memory (and its URL kept for messages).
 * The read gives up when `signal` aborts, whatever fetch implementation produced the body.
 */
async function buffered(response: Response, signal: AbortSignal): Promise<Response> {
  let body: ArrayBuffer | null = null;
  if (!NULL_BODY_STATUS.has(response.status)) {
    signal.throwIfAborted();
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {}); // only the race below observes it
    try {
      body = await Promise.race([response.arrayBuffer(), aborted]);
    } finally {
      // The attempt's timeout keeps the signal alive for its whole span (30 s by default); a
      // listener left on it would keep this race, and so the body it settled with, alive as long.
      signal.removeEventListener("abort", onAbort);
    }
  }
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

/** Full-jitter exponential backoff: a random wait up to base·2^attempt, capped. */
export function backoff(
  attempt: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">,
) {
  return Math.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; undefined if absent or bad. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse also accepts junk such as "-1" or "later 5"; every HTTP date starts with a day name.
  if (!HTTP_DATE_START.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What underlies a failed fetch (`connect ECONNREFUSED …`), for messages. */
export function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (cause && typeof cause.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
