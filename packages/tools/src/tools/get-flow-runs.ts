import type { Schema } from "@prefect-mcp/client";
import { FLOW_RUN_VIEW } from "@prefect-mcp/ui";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { validatedFilter } from "../filter-validation.js";
import { fetchPage, listOutput, listResult } from "../list-page.js";
import { filterParam, jmespathParam, limitParam, offsetParam } from "../params.js";
import {
  boundedValues,
  clip,
  deploymentNames,
  flowNames,
  isFinal,
  runDuration,
  secondsBetween,
} from "../tool-support.js";

// Lean on purpose (every tools/list carries it): times, lateness, parameters, tags, retries,
// deployment id, work pool and queue pass through undeclared.
const flowRun = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    flow_name: z.string().optional(),
    state_type: z.string().optional(),
    state_name: z.string().optional(),
    deployment_name: z.string().optional(),
  })
  .loose();

export const getFlowRuns = defineTool({
  name: "get_flow_runs",
  title: "Flow runs",
  description: `List flow runs: flow and deployment names, state and message, lateness, retries, work pool and queue; newest start (or scheduled) time first, future Scheduled runs on top.

Next: diagnose_flow_run for why one failed or is late.

filter is a FlowRunFilter (id, name, state {type, name}, tags, deployment_id, work_queue_name, start_time, expected_start_time); operators any_, not_any_, like_, all_, is_null_, before_, after_. E.g.
- {"state": {"type": {"any_": ["FAILED", "CRASHED"]}}}
- {"state": {"name": {"any_": ["Late"]}}}
- {"deployment_id": {"any_": ["<id>"]}}`,
  inputSchema: z.object({
    filter: filterParam("flow run"),
    // 20 runs keep a default answer near 8 000 characters; up to 200 on request.
    limit: limitParam(20, 200),
    offset: offsetParam,
    jmespath: jmespathParam,
  }),
  outputSchema: listOutput("flow_runs", flowRun),
  ui: FLOW_RUN_VIEW,
  annotations: READ_ONLY,
  async handler({ filter, limit, offset }, { client, now }) {
    const flowRuns = validatedFilter("FlowRunFilter", filter);
    const page = await fetchPage(limit, offset, (pageLimit, pageOffset) =>
      client.POST("/flow_runs/filter", {
        body: {
          flow_runs: flowRuns,
          sort: "START_TIME_DESC",
          limit: pageLimit,
          offset: pageOffset,
        },
      }),
    );
    const [flows, deployments] = await Promise.all([
      flowNames(
        client,
        page.items.map((run) => run.flow_id),
      ),
      deploymentNames(
        client,
        page.items.flatMap((run) => (run.deployment_id ? [run.deployment_id] : [])),
      ),
    ]);
    const at = now();
    return listResult("flow_runs", {
      ...page,
      items: page.items.map((run) =>
        compact({
          id: run.id,
          name: run.name,
          flow_name: flows.get(run.flow_id),
          state_type: run.state_type,
          state_name: run.state_name,
          state_message: run.state?.message ? clip(run.state.message, 1_000) : undefined,
          start_time: run.start_time,
          end_time: run.end_time,
          duration_seconds: runDuration(run, at),
          expected_start_time: run.expected_start_time,
          lateness_seconds: lateness(run, at),
          parameters: boundedValues(run.parameters),
          tags: run.tags,
          run_count: run.run_count,
          retries: run.empirical_policy?.retries ?? undefined,
          deployment_id: run.deployment_id,
          deployment_name: run.deployment_id ? deployments.get(run.deployment_id) : undefined,
          work_pool_name: run.work_pool_name,
          work_queue_name: run.work_queue_name,
          parent_task_run_id: run.parent_task_run_id,
        }),
      ),
    });
  },
});

/**
 * Seconds a run started after its expected start, or, for a run not started and not finished whose
 * expected start has passed (Late, Scheduled, Pending), how late it is now, in whole seconds.
 * Undefined when on time.
 */
function lateness(run: Schema<"FlowRunResponse">, at: Date): number | undefined {
  const expected = run.expected_start_time;
  if (!expected) return undefined;
  let seconds: number | undefined;
  if (run.start_time) seconds = secondsBetween(expected, run.start_time);
  else if (!isFinal(run.state_type)) seconds = secondsBetween(expected, at);
  // Starting within a second of schedule is orchestration, not lateness.
  return seconds !== undefined && seconds >= 1 ? Math.round(seconds) : undefined;
}
