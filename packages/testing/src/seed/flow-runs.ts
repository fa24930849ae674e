import type { Schema } from "@prefect-mcp/client";
import { uniqueName } from "./names.js";
import type { SeedClient } from "./seed-client.js";
import { assertAccepted, type RunStateInput, stateCreate, stateSteps } from "./states.js";

export type FlowRun = Schema<"FlowRunResponse">;

export interface CreateFlowRunOptions {
  /** Run of this flow. Either this or `deploymentId`. */
  flowId?: string;
  /** Run of this deployment, created the way a UI "Run" click does (its parameters, work queue). */
  deploymentId?: string;
  /** The state to end in (default Pending). Running and finished states are reached by walking
   * Pending → Running → …, so the run has a start time, end time and run count. */
  state?: RunStateInput;
  /** Default: a unique name starting with `run`. */
  name?: string;
  parameters?: Record<string, unknown>;
  tags?: string[];
  /** Only with `flowId`: the pool (and queue) the run is meant for. */
  workPoolName?: string;
  workQueueName?: string;
}

/** Creates a flow run in any state, e.g. `createFlowRun(client, { flowId, state: "Late" })`. */
export async function createFlowRun(
  client: SeedClient,
  options: CreateFlowRunOptions,
): Promise<FlowRun> {
  const [initial, ...rest] = stateSteps(options.state);
  const common = {
    name: options.name ?? uniqueName("run"),
    parameters: options.parameters ?? {},
    tags: options.tags ?? [],
    state: stateCreate(initial),
  };

  let run: FlowRun;
  if (options.deploymentId) {
    run = await client.POST("/deployments/{id}/create_flow_run", {
      params: { path: { id: options.deploymentId } },
      body: { ...common, work_queue_name: options.workQueueName ?? null },
    });
  } else if (options.flowId) {
    run = await client.POST("/flow_runs/", {
      body: {
        ...common,
        flow_id: options.flowId,
        work_pool_name: options.workPoolName ?? null,
        work_queue_name: options.workQueueName ?? null,
      },
    });
  } else {
    throw new Error("createFlowRun needs a flowId or a deploymentId");
  }

  if (rest.length === 0) return run;
  for (const state of rest) await setFlowRunState(client, run.id, state);
  return client.GET("/flow_runs/{id}", { params: { path: { id: run.id } } });
}

/**
 * Forces a flow run into a state, skipping the orchestration rules that would refuse transitions
 * such as Completed → Running. Throws if Prefect does not accept it.
 */
export async function setFlowRunState(
  client: SeedClient,
  flowRunId: string,
  state: RunStateInput,
): Promise<Schema<"OrchestrationResult">> {
  const result = await client.POST("/flow_runs/{id}/set_state", {
    params: { path: { id: flowRunId } },
    body: { state: stateCreate(state), force: true },
  });
  assertAccepted(result, `flow run ${flowRunId}`, state);
  return result;
}
