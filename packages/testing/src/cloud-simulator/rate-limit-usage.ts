import { RATE_LIMIT_KEYS } from "@prefect-mcp/client";
import type { ThrottledMinute } from "./types.js";

const MINUTE_MS = 60_000;
const MAX_WINDOW_MS = 7 * 24 * 60 * MINUTE_MS;

export interface AccountRateLimits {
  baseline?: Record<string, number>;
  throttled?: ThrottledMinute[];
}

export interface RateLimitUsage {
  account: string;
  since: string;
  until: string;
  minutes: string[];
  keys: Record<string, { requested: number[]; granted: number[] }>;
}

/**
 * Per-minute usage for an account: every minute at its baseline except the throttled minutes
 * configured for it. Returns a message for a window Cloud would refuse.
 */
export function rateLimitUsage(
  account: string,
  limits: AccountRateLimits,
  query: { since: string | null; until: string | null; keys: string[] },
): RateLimitUsage | { invalid: string } {
  const since = query.since === null ? Number.NaN : Date.parse(query.since);
  const until = query.until === null ? Number.NaN : Date.parse(query.until);
  if (Number.isNaN(since) || Number.isNaN(until)) {
    return { invalid: "since and until must be ISO 8601 date-times" };
  }
  if (since >= until) return { invalid: "since must be before until" };
  if (until - since > MAX_WINDOW_MS) return { invalid: "The window may span at most 7 days" };

  const starts: number[] = [];
  for (let t = truncateToMinute(since); t < until; t += MINUTE_MS) starts.push(t);

  const configuredKeys = [
    ...Object.keys(limits.baseline ?? {}),
    ...(limits.throttled ?? []).map((minute) => minute.key),
  ];
  const keys =
    query.keys.length > 0 ? query.keys : [...new Set([...RATE_LIMIT_KEYS, ...configuredKeys])];

  const throttled = new Map<string, ThrottledMinute>();
  for (const minute of limits.throttled ?? []) {
    throttled.set(`${minute.key} ${truncateToMinute(Date.parse(minute.minute))}`, minute);
  }

  const usage: RateLimitUsage["keys"] = {};
  for (const key of new Set(keys)) {
    const baseline = limits.baseline?.[key] ?? 0;
    const minutes = starts.map((start) => throttled.get(`${key} ${start}`));
    usage[key] = {
      requested: minutes.map((minute) => minute?.requested ?? baseline),
      granted: minutes.map((minute) => minute?.granted ?? baseline),
    };
  }
  return {
    account,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    minutes: starts.map((start) => new Date(start).toISOString()),
    keys: usage,
  };
}

function truncateToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
