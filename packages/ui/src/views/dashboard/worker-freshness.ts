/** Workers are stale when none has sent a heartbeat for this long (Prefect's default is 30 s). */
export const STALE_AFTER_SECONDS = 90;

export type Freshness =
  | { kind: "fresh" | "stale"; ageSeconds: number }
  | { kind: "no-workers" }
  | { kind: "unknown" };

/**
 * How fresh a pool's workers are at `now`: from the newest heartbeat when there is one; "no
 * workers" when workers were read and none has a heartbeat; "unknown" when they were not read.
 */
export function workerFreshness(
  pool: { online_workers?: number; last_heartbeat?: string },
  now: number,
  staleAfterSeconds = STALE_AFTER_SECONDS,
): Freshness {
  const heartbeat = pool.last_heartbeat ? Date.parse(pool.last_heartbeat) : Number.NaN;
  if (!Number.isNaN(heartbeat)) {
    const ageSeconds = Math.max(0, Math.round((now - heartbeat) / 1000));
    return { kind: ageSeconds > staleAfterSeconds ? "stale" : "fresh", ageSeconds };
  }
  return typeof pool.online_workers === "number" ? { kind: "no-workers" } : { kind: "unknown" };
}
