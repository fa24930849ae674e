import type { FlowRunCounts } from "./run-intervals.js";

// get_dashboard's structured content. compact() drops empty values, so every field may be absent.

export interface ProblemRun {
  id?: string;
  name?: string;
  state_name?: string;
  expected_start_time?: string;
  end_time?: string;
  late_by_seconds?: number;
  message?: string;
  deployment_id?: string;
  work_pool?: string;
}

export interface ProblemGroup {
  total?: number;
  has_more?: boolean;
  runs?: ProblemRun[];
}

export interface WorkPool {
  name?: string;
  type?: string;
  status?: string;
  paused?: boolean;
  online_workers?: number;
  last_heartbeat?: string;
}

export interface ConcurrencyLimit {
  name?: string;
  id?: string;
  work_pool?: string;
  limit?: number;
  active_slots?: number;
  active?: boolean;
  slot_decay_per_second?: number;
}

export const LIMIT_KINDS = ["global", "tag", "deployment", "work_pool", "work_queue"] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

export interface Dashboard {
  window?: { start?: string; end?: string };
  flow_runs?: FlowRunCounts & { by_state_type?: Record<string, number> };
  problem_runs?: { late?: ProblemGroup; failed?: ProblemGroup; crashed?: ProblemGroup };
  work_pools?: { has_more?: boolean; pools?: WorkPool[] };
  concurrency_limits?: Partial<Record<LimitKind, ConcurrencyLimit[]>>;
  notes?: string[];
}

/** The array itself, or an empty one for anything else (absent, or not a list). */
export function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}
