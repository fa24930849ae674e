import { stateTypeOf } from "../shared/states.js";
import type { TaskRunInfo } from "./flow-run-data.js";

const FINAL_TYPES = new Set(["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]);

/** One task run on the Gantt chart; `start`/`end` in epoch milliseconds, absent when not started. */
export interface GanttRow {
  id: string;
  name: string;
  stateName: string;
  stateType?: string;
  start?: number;
  end?: number;
  /** Started and not ended: its bar runs to `now`. */
  running: boolean;
  durationSeconds?: number;
}

/**
 * Task runs as Gantt rows, in start order (runs not started last, by name). A started run without
 * an end runs until `now`, unless its state is final, when its duration (or nothing) sets its end.
 */
export function ganttRows(taskRuns: TaskRunInfo[], now: number): GanttRow[] {
  const rows = taskRuns.map((task, index): GanttRow => {
    const stateType = task.state_type ?? stateTypeOf(task.state_name);
    const start = time(task.start_time);
    let end = time(task.end_time);
    const running = start !== undefined && end === undefined && !FINAL_TYPES.has(stateType ?? "");
    if (start !== undefined && end === undefined) {
      end = running ? Math.max(now, start) : start + (task.duration_seconds ?? 0) * 1000;
    }
    if (start !== undefined && end !== undefined && end < start) end = start;
    return {
      id: task.id ?? `task-${index}`,
      name: task.name ?? task.id ?? `task ${index + 1}`,
      stateName: task.state_name ?? (stateType ? titleCase(stateType) : "Unknown"),
      stateType,
      start,
      end,
      running,
      durationSeconds:
        task.duration_seconds ??
        (start !== undefined && end !== undefined ? (end - start) / 1000 : undefined),
    };
  });
  return rows.sort(
    (a, b) =>
      (a.start ?? Number.POSITIVE_INFINITY) - (b.start ?? Number.POSITIVE_INFINITY) ||
      a.name.localeCompare(b.name),
  );
}

function time(iso: string | undefined): number | undefined {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

function titleCase(type: string): string {
  return type.charAt(0) + type.slice(1).toLowerCase();
}
