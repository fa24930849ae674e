import type { Schema } from "@prefect-mcp/client";
import { uniqueName } from "./names.js";
import type { SeedClient } from "./seed-client.js";
import { assertAccepted, type RunStateInput, stateCreate, stateSteps } from "./states.js";

export type TaskRun = Schema<"TaskRun">;

export interface CreateTaskRunOptions {
  flowRunId: string;
  /** Default: a unique name starting with `task`. */
  name?: string;
  /** Identifies the task function; default: the name. */
  taskKey?: string;
  /** The state to end in (default Pending), reached the way a real run gets there. */
  state?: RunStateInput;
  /**
   * Upstream task runs by the parameter they fed, e.g. `{ invoice: [loadTaskRunId] }`. This is what
   * Prefect draws dependency edges from.
   */
  upstream?: Record<string, string[]>;
  tags?: string[];
  /** Retries the task was configured with. */
  retries?: number;
}

/** Creates a task run inside a flow run, in any state, linked to upstream task runs. */
export async function createTaskRun(
  client: SeedClient,
  options: CreateTaskRunOptions,
): Promise<TaskRun> {
  const name = options.name ?? uniqueName("task");
  const [initial, ...rest] = stateSteps(options.state);
  const taskInputs = Object.fromEntries(
    Object.entries(options.upstream ?? {}).map(([parameter, ids]) => [
      parameter,
      ids.map((id) => ({ input_type: "task_run" as const, id })),
    ]),
  );
  const created = await client.POST("/task_runs/", {
    body: {
      flow_run_id: options.flowRunId,
      name,
      task_key: options.taskKey ?? name,
      // (flow run, task key, dynamic key) is unique; Prefect returns the existing run on a repeat.
      dynamic_key: uniqueName("0"),
      tags: options.tags ?? [],
      task_inputs: taskInputs,
      empirical_policy: {
        retries: options.retries ?? 0,
        retry_delay: 0,
        // Deprecated fields the generated types still require.
        max_retries: 0,
        retry_delay_seconds: 0,
      },
      state: stateCreate(initial),
    },
  });
  if (rest.length === 0) return created;
  for (const state of rest) await setTaskRunState(client, created.id, state);
  return client.GET("/task_runs/{id}", { params: { path: { id: created.id } } });
}

/** Forces a task run into a state, skipping orchestration rules; throws if Prefect refuses. */
export async function setTaskRunState(
  client: SeedClient,
  taskRunId: string,
  state: RunStateInput,
): Promise<Schema<"OrchestrationResult">> {
  const result = await client.POST("/task_runs/{id}/set_state", {
    params: { path: { id: taskRunId } },
    body: { state: stateCreate(state), force: true },
  });
  assertAccepted(result, `task run ${taskRunId}`, state);
  return result;
}
