export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LevelFilter = LogLevel | "all";

const NUMBERS: Record<string, number> = {
  DEBUG: 10,
  INFO: 20,
  WARN: 30,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
};

/** Python's number for a level name; get_flow_run_logs names custom levels `LEVEL_<n>`. */
export function levelNumber(level: string | undefined): number {
  const name = (level ?? "").toUpperCase();
  const custom = /^LEVEL_(\d+)$/.exec(name);
  return custom ? Number(custom[1]) : (NUMBERS[name] ?? 0);
}

/** The lines at `minimum` or above (as Prefect's UI and min_level filter), or all of them. */
export function filterLogs<T extends { level?: string }>(logs: T[], minimum: LevelFilter): T[] {
  if (minimum === "all") return logs;
  const floor = levelNumber(minimum);
  return logs.filter((log) => levelNumber(log.level) >= floor);
}
