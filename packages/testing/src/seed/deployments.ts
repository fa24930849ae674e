import { setTimeout as sleep } from "node:timers/promises";
import type { Schema } from "@prefect-mcp/client";
import { createFlow } from "./flows.js";
import { uniqueName } from "./names.js";
import type { SeedClient } from "./seed-client.js";
import { iso } from "./states.js";

export type Deployment = Schema<"DeploymentResponse">;

interface ScheduleCommon {
  /** Default true. An active schedule on an unpaused deployment makes Prefect's scheduler create
   * Scheduled runs for it. */
  active?: boolean;
  /** IANA name, e.g. `Europe/Berlin` (default UTC). */
  timezone?: string;
}

export type ScheduleSeed =
  | (ScheduleCommon & { intervalSeconds: number; anchorDate?: Date | string })
  | (ScheduleCommon & { cron: string });

export interface CreateDeploymentOptions {
  /** The deployment's flow; default: a new flow with a unique name. */
  flowId?: string;
  /** Default: a unique name starting with `deployment`. */
  name?: string;
  schedules?: ScheduleSeed[];
  tags?: string[];
  parameters?: Record<string, unknown>;
  paused?: boolean;
  /** At most this many runs of the deployment at once. */
  concurrencyLimit?: number;
  /** What happens to a run that finds the limit full (Prefect's default: ENQUEUE). */
  collisionStrategy?: Schema<"ConcurrencyLimitStrategy">;
  /** The pool must exist; an unknown queue name is created in it. */
  workPoolName?: string;
  workQueueName?: string;
  description?: string;
  entrypoint?: string;
  jobVariables?: Record<string, unknown>;
}

/** Creates a deployment, e.g. a paused one on an hourly schedule in a given work pool. */
export async function createDeployment(
  client: SeedClient,
  options: CreateDeploymentOptions = {},
): Promise<Deployment> {
  const flowId = options.flowId ?? (await createFlow(client)).id;
  return client.POST("/deployments/", {
    body: {
      flow_id: flowId,
      name: options.name ?? uniqueName("deployment"),
      schedules: (options.schedules ?? []).map(scheduleCreate),
      tags: options.tags ?? [],
      parameters: options.parameters ?? {},
      paused: options.paused ?? false,
      concurrency_limit: options.concurrencyLimit ?? null,
      concurrency_options: options.collisionStrategy
        ? { collision_strategy: options.collisionStrategy }
        : null,
      work_pool_name: options.workPoolName ?? null,
      work_queue_name: options.workQueueName ?? null,
      description: options.description ?? null,
      entrypoint: options.entrypoint ?? null,
      job_variables: options.jobVariables ?? {},
      // Without a parameter schema there is nothing to enforce.
      enforce_parameter_schema: false,
    },
  });
}

function scheduleCreate(seed: ScheduleSeed): Schema<"DeploymentScheduleCreate"> {
  const timezone = seed.timezone ?? "UTC";
  const schedule =
    "cron" in seed
      ? { cron: seed.cron, timezone, day_or: true }
      : {
          interval: seed.intervalSeconds,
          timezone,
          ...(seed.anchorDate ? { anchor_date: iso(seed.anchorDate) } : {}),
        };
  return { schedule, active: seed.active ?? true };
}

/**
 * Polls deployments for runs as a `flow.serve()` process does, so Prefect records them as polled.
 * Prefect records the poll in the background; this resolves once every deployment shows it.
 */
export async function pollDeployments(
  client: SeedClient,
  deploymentIds: string[],
): Promise<Deployment[]> {
  const polledAfter = Date.now();
  await client.POST("/deployments/get_scheduled_flow_runs", {
    body: { deployment_ids: deploymentIds, limit: 1 },
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    const deployments = await client.POST("/deployments/filter", {
      body: { deployments: { id: { any_: deploymentIds } } },
    });
    // Prefect's clock and ours may differ by a little; a poll stamped a second early still counts.
    if (
      deployments.length === deploymentIds.length &&
      deployments.every(
        (deployment) =>
          deployment.last_polled && Date.parse(deployment.last_polled) >= polledAfter - 1_000,
      )
    ) {
      return deployments;
    }
    await sleep(100);
  }
  throw new Error(`deployments ${deploymentIds.join(", ")} were not recorded as polled`);
}
