import type { Schema } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { validatedFilter } from "../filter-validation.js";
import { fetchPage, listOutput, listResult } from "../list-page.js";
import { filterParam, jmespathParam, limitParam, offsetParam } from "../params.js";
import { clip, runDuration } from "../tool-support.js";

/** Upstream ids kept per parameter; a task mapped over thousands of inputs says how many more. */
const MAX_UPSTREAM_IDS = 20;

// Lean on purpose (every tools/list carries it): message, times, retries and tags pass through.
const taskRun = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    state_type: z.string().optional(),
    run_count: z.number().optional(),
    task_inputs: z.record(z.string(), z.array(z.string())).optional(),
  })
  .loose();

export const getTaskRuns = defineTool({
  name: "get_task_runs",
  title: "Task runs",
  description: `List task runs, newest first: state and message, start/end, run_count, retries, task_inputs (per parameter, the ids of the upstream task runs that fed it; not values).

Next: get_flow_run_logs for a failed task's error.

filter is a TaskRunFilter (id, name, flow_run_id, state {type, name}, tags, start_time); operators any_, not_any_, like_, is_null_, before_, after_. E.g.
- {"flow_run_id": {"any_": ["<flow-run-id>"]}}
- {"state": {"type": {"any_": ["FAILED"]}}}`,
  inputSchema: z.object({
    filter: filterParam("task run"),
    limit: limitParam(50, 200),
    offset: offsetParam,
    jmespath: jmespathParam,
  }),
  outputSchema: listOutput("task_runs", taskRun),
  annotations: READ_ONLY,
  async handler({ filter, limit, offset }, { client, now }) {
    const taskRuns = validatedFilter("TaskRunFilter", filter);
    const page = await fetchPage(limit, offset, (pageLimit, pageOffset) =>
      client.POST("/task_runs/filter", {
        body: {
          task_runs: taskRuns,
          sort: "EXPECTED_START_TIME_DESC",
          limit: pageLimit,
          offset: pageOffset,
        },
      }),
    );
    const at = now();
    return listResult("task_runs", {
      ...page,
      items: page.items.map((run) =>
        compact({
          id: run.id,
          name: run.name,
          task_key: run.task_key,
          flow_run_id: run.flow_run_id,
          state_type: run.state_type,
          state_name: run.state_name,
          state_message: run.state?.message ? clip(run.state.message, 1_000) : undefined,
          start_time: run.start_time,
          end_time: run.end_time,
          duration_seconds: runDuration(run, at),
          run_count: run.run_count,
          retries: run.empirical_policy?.retries ?? run.empirical_policy?.max_retries,
          tags: run.tags,
          task_inputs: upstreamTaskRuns(run.task_inputs),
        }),
      ),
    });
  },
});

/** For each parameter, the task runs it depends on; parameters fed by constants drop out. */
function upstreamTaskRuns(inputs: Schema<"TaskRun">["task_inputs"]): Record<string, string[]> {
  const upstream: Record<string, string[]> = {};
  for (const [parameter, sources] of Object.entries(inputs ?? {})) {
    const ids = sources.flatMap((source) =>
      "id" in source && source.input_type === "task_run" ? [source.id] : [],
    );
    upstream[parameter] =
      ids.length > MAX_UPSTREAM_IDS
        ? [...ids.slice(0, MAX_UPSTREAM_IDS), `… ${ids.length - MAX_UPSTREAM_IDS} more`]
        : ids;
  }
  return upstream;
}
