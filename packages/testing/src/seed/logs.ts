import type { SeedClient } from "./seed-client.js";
import { iso } from "./states.js";

/** Python's logging levels, which Prefect stores as numbers. */
export const LOG_LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;

export type LogLevelName = keyof typeof LOG_LEVELS;

export interface LogSeed {
  message: string;
  /** A level name or number (default INFO). */
  level?: LogLevelName | number;
  flowRunId?: string;
  taskRunId?: string;
  /** Default: now. */
  timestamp?: Date | string;
  /** The logger's name; default `prefect.task_runs` or `prefect.flow_runs`, as a real run logs. */
  logger?: string;
}

/** Writes log lines for flow and task runs, in one request. */
export async function createLogs(client: SeedClient, logs: LogSeed[]): Promise<void> {
  await client.POST("/logs/", {
    body: logs.map((log) => ({
      message: log.message,
      level: typeof log.level === "number" ? log.level : LOG_LEVELS[log.level ?? "INFO"],
      flow_run_id: log.flowRunId ?? null,
      task_run_id: log.taskRunId ?? null,
      timestamp: iso(log.timestamp ?? new Date()),
      name: log.logger ?? (log.taskRunId ? "prefect.task_runs" : "prefect.flow_runs"),
    })),
  });
}
