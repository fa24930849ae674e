import type { ServerKind } from "./mcp-servers.js";

/** A tool call: which tool, with which arguments. */
export interface ToolCall {
  tool: string;
  args: Record<string, unknown>;
}

/** One question an assistant asks, as each server's tools spell it. */
export interface Question {
  id: string;
  label: string;
  calls: Record<ServerKind, ToolCall>;
}

/**
 * The common calls, mapped between the two servers' tools/list: both name these tools alike and
 * take `filter` and `limit` alike; where a default differs (get_flow_runs: ours 20, theirs 50)
 * the argument is given explicitly, so both answer the same question.
 */
export function questions(logsRunId: string): Question[] {
  const same = (id: string, label: string, call: ToolCall): Question => ({
    id,
    label,
    calls: { ours: call, upstream: call },
  });
  return [
    same("dashboard", "dashboard", { tool: "get_dashboard", args: {} }),
    same("failed-runs", "failed flow runs (limit 50)", {
      tool: "get_flow_runs",
      args: { filter: { state: { type: { any_: ["FAILED"] } } }, limit: 50 },
    }),
    same("run-logs", "one failed run's logs (limit 100)", {
      tool: "get_flow_run_logs",
      args: { flow_run_id: logsRunId, limit: 100 },
    }),
    same("work-pools", "work pools", { tool: "get_work_pools", args: {} }),
    same("deployments", "deployments", { tool: "get_deployments", args: {} }),
  ];
}
