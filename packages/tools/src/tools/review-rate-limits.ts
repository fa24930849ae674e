import { RATE_LIMIT_KEYS, type RateLimitUsage } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { InputError } from "../errors.js";
import { isoTimeParam } from "../params.js";

const MINUTE_MS = 60_000;
const DEFAULT_SPAN_MS = 3 * 24 * 60 * MINUTE_MS;
/** Periods shown, the most recent ones; the summary counts all. */
const PERIODS_SHOWN = 50;

export const reviewRateLimits = defineTool({
  name: "review_rate_limits",
  title: "Rate limits",
  description: `Prefect Cloud only: when API calls were throttled (HTTP 429). Consecutive throttled minutes form periods, each with the operation groups hit (runs, writing-logs, …; not API keys), requests denied and peak per minute. Self-hosted servers have no rate limits; it says so.
E.g. review_rate_limits(since="2025-09-30T00:00:00Z")
Next: read_events.`,
  inputSchema: z.object({
    since: isoTimeParam("Default: 3 days before until"),
    until: isoTimeParam("Default: 1 minute ago"),
  }),
  // Lean on purpose (every tools/list carries it): summary and throttling_periods pass through.
  outputSchema: z.object({ cloud: z.boolean(), message: z.string().optional() }).loose(),
  annotations: READ_ONLY,
  cloudOnly: true,
  async handler({ since, until }, { client, now }) {
    const end = until ? new Date(until) : new Date(now().getTime() - MINUTE_MS);
    const start = since ? new Date(since) : new Date(end.getTime() - DEFAULT_SPAN_MS);
    if (start >= end) {
      throw new InputError(
        `since (${start.toISOString()}) must be before until (${end.toISOString()}).`,
      );
    }
    if (!client.cloudWorkspace) {
      return {
        cloud: false,
        message: `Rate limits exist only on Prefect Cloud. This server is a self-hosted Prefect server, which does not rate-limit API calls, so nothing was throttled by Prefect here; look for 429s from a proxy in front of it, or use get_dashboard for other bottlenecks.`,
      };
    }
    const usage = await client.cloud.rateLimitUsage({
      since: start,
      until: end,
      keys: RATE_LIMIT_KEYS,
    });
    const { summary, periods } = throttlingPeriods(usage);
    return compact({
      cloud: true,
      account_id: usage.account,
      since: usage.since,
      until: usage.until,
      // Said in words: an empty list of periods reads as "nothing found", not "all granted".
      message:
        periods.length === 0
          ? `No throttling between ${usage.since} and ${usage.until}: every request was granted.`
          : undefined,
      summary,
      throttling_periods: periods.slice(-PERIODS_SHOWN),
      more_periods: periods.length > PERIODS_SHOWN ? periods.length - PERIODS_SHOWN : undefined,
    });
  },
});

/**
 * Groups the minutes in which any key was denied calls (requested > granted) into periods of
 * consecutive minutes, with each key's denied total and peak per minute.
 */
export function throttlingPeriods(usage: Pick<RateLimitUsage, "minutes" | "keys">) {
  const deniedByMinute = new Map<string, Map<string, number>>();
  for (const [key, { requested, granted }] of Object.entries(usage.keys)) {
    const length = Math.min(requested.length, granted.length, usage.minutes.length);
    for (let index = 0; index < length; index++) {
      const denied = (requested[index] ?? 0) - (granted[index] ?? 0);
      if (denied <= 0) continue;
      const minute = usage.minutes[index] as string;
      const keys = deniedByMinute.get(minute) ?? new Map<string, number>();
      keys.set(key, denied);
      deniedByMinute.set(minute, keys);
    }
  }

  const minutes = [...deniedByMinute.keys()].sort((a, b) => Date.parse(a) - Date.parse(b));
  const runs: string[][] = [];
  for (const minute of minutes) {
    const current = runs.at(-1);
    const previous = current?.at(-1);
    // Consecutive minutes are 60 s apart; a second of slack absorbs rounding in the timestamps.
    if (current && previous && Date.parse(minute) - Date.parse(previous) <= MINUTE_MS + 1_000) {
      current.push(minute);
    } else {
      runs.push([minute]);
    }
  }

  const periods = runs.map((run) => {
    const stats = new Map<string, { total_denied: number; peak_denied_per_minute: number }>();
    for (const minute of run) {
      for (const [key, denied] of deniedByMinute.get(minute) ?? []) {
        const stat = stats.get(key) ?? { total_denied: 0, peak_denied_per_minute: 0 };
        stat.total_denied += denied;
        stat.peak_denied_per_minute = Math.max(stat.peak_denied_per_minute, denied);
        stats.set(key, stat);
      }
    }
    return {
      start: run[0] as string,
      end: run.at(-1) as string,
      duration_minutes: run.length,
      keys_affected: [...stats.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, stat]) => ({ key, ...stat })),
    };
  });

  const affected = new Set(periods.flatMap((item) => item.keys_affected.map(({ key }) => key)));
  return {
    summary: {
      total_minutes_throttled: minutes.length,
      total_throttling_periods: periods.length,
      affected_keys: [...affected].sort(),
      first_throttled_at: periods[0]?.start,
      last_throttled_at: periods.at(-1)?.end,
    },
    periods,
  };
}
