import { isRecord } from "../shared/evidence.js";

// What the flow-run view reads from get_flow_runs, diagnose_flow_run, get_task_runs,
// get_flow_run_logs and read_events. compact() drops empty values: every field may be absent.

/** A flow run: get_flow_runs' fields, or as much of them as a diagnosis subject carries. */
export interface RunInfo {
  id: string;
  name?: string;
  flow_name?: string;
  state_type?: string;
  state_name?: string;
  state_message?: string;
  start_time?: string;
  end_time?: string;
  expected_start_time?: string;
  duration_seconds?: number;
  lateness_seconds?: number;
  run_count?: number;
  tags?: string[];
  deployment_id?: string;
  deployment_name?: string;
  work_pool_name?: string;
  work_queue_name?: string;
}

export interface TaskRunInfo {
  id?: string;
  name?: string;
  state_type?: string;
  state_name?: string;
  state_message?: string;
  start_time?: string;
  end_time?: string;
  duration_seconds?: number;
  run_count?: number;
}

export interface LogEntry {
  timestamp?: string;
  level?: string;
  logger?: string;
  message?: string;
}

export interface EventInfo {
  id?: string;
  event?: string;
  occurred?: string;
  payload?: unknown;
}

/** The run a diagnose_flow_run subject describes, in get_flow_runs' field names. */
export function runFromSubject(subject: Record<string, unknown>): RunInfo | undefined {
  if (typeof subject.id !== "string") return undefined;
  const deployment = isRecord(subject.deployment) ? subject.deployment : {};
  return {
    id: subject.id,
    name: text(subject.name),
    flow_name: text(subject.flow_name),
    state_type: text(subject.state_type),
    state_name: text(subject.state_name),
    deployment_id: text(deployment.id),
    deployment_name: text(deployment.name),
    work_pool_name: text(subject.work_pool),
    tags: Array.isArray(subject.tags)
      ? subject.tags.filter((tag) => typeof tag === "string")
      : undefined,
  };
}

/** A get_flow_runs item as a RunInfo, when it has an id. */
export function runFromListItem(item: unknown): RunInfo | undefined {
  return isRecord(item) && typeof item.id === "string" ? (item as unknown as RunInfo) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
