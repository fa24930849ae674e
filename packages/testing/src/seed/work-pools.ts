import type { Schema } from "@prefect-mcp/client";
import { uniqueName } from "./names.js";
import type { SeedClient } from "./seed-client.js";

export type WorkPool = Schema<"WorkPoolResponse">;
export type WorkQueue = Schema<"WorkQueueResponse">;
export type Worker = Schema<"WorkerResponse">;

export interface WorkQueueSeed {
  /** Default: a unique name starting with `queue`. */
  name?: string;
  paused?: boolean;
  concurrencyLimit?: number;
  /** Lower runs first; Prefect's default puts a new queue last. */
  priority?: number;
  description?: string;
}

export interface CreateWorkPoolOptions {
  /** Default: a unique name starting with `pool`. */
  name?: string;
  /** Worker type (default `process`). */
  type?: string;
  paused?: boolean;
  concurrencyLimit?: number;
  /** Queues besides the `default` queue Prefect creates with every pool. */
  queues?: WorkQueueSeed[];
  description?: string;
}

export interface SeededWorkPool {
  workPool: WorkPool;
  /** All of the pool's queues, `default` included, by priority. */
  queues: WorkQueue[];
}

/** Creates a work pool, optionally paused or limited, with extra queues. */
export async function createWorkPool(
  client: SeedClient,
  options: CreateWorkPoolOptions = {},
): Promise<SeededWorkPool> {
  const workPool = await client.POST("/work_pools/", {
    body: {
      name: options.name ?? uniqueName("pool"),
      type: options.type ?? "process",
      is_paused: options.paused ?? false,
      concurrency_limit: options.concurrencyLimit ?? null,
      description: options.description ?? null,
    },
  });
  for (const queue of options.queues ?? []) {
    await createWorkQueue(client, { ...queue, workPoolName: workPool.name });
  }
  const queues = await client.POST("/work_pools/{work_pool_name}/queues/filter", {
    params: { path: { work_pool_name: workPool.name } },
    body: {},
  });
  return { workPool, queues: queues.sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0)) };
}

/** Adds a queue to an existing work pool. */
export async function createWorkQueue(
  client: SeedClient,
  options: WorkQueueSeed & { workPoolName: string },
): Promise<WorkQueue> {
  const queue = await client.POST("/work_pools/{work_pool_name}/queues", {
    params: { path: { work_pool_name: options.workPoolName } },
    body: {
      name: options.name ?? uniqueName("queue"),
      is_paused: false,
      concurrency_limit: options.concurrencyLimit ?? null,
      priority: options.priority ?? null,
      description: options.description ?? null,
    },
  });
  if (!options.paused) return queue;
  // Created paused, a queue keeps status NOT_READY; pausing it afterwards, as the UI and CLI do,
  // sets the PAUSED status users see.
  const path = { work_pool_name: options.workPoolName, name: queue.name };
  await client.PATCH("/work_pools/{work_pool_name}/queues/{name}", {
    params: { path },
    body: { is_paused: true },
  });
  return client.GET("/work_pools/{work_pool_name}/queues/{name}", { params: { path } });
}

export interface WorkerHeartbeatOptions {
  workPoolName: string;
  /** Default: a unique name starting with `worker`. */
  workerName?: string;
  /** How often the worker promises to beat; Prefect marks it offline after a few missed beats. */
  heartbeatIntervalSeconds?: number;
}

/** Reports a worker as alive in a pool, as a running `prefect worker` does every few seconds. */
export async function sendWorkerHeartbeat(
  client: SeedClient,
  options: WorkerHeartbeatOptions,
): Promise<Worker> {
  const name = options.workerName ?? uniqueName("worker");
  await client.POST("/work_pools/{work_pool_name}/workers/heartbeat", {
    params: { path: { work_pool_name: options.workPoolName } },
    body: { name, heartbeat_interval_seconds: options.heartbeatIntervalSeconds ?? 30 },
  });
  const workers = await client.POST("/work_pools/{work_pool_name}/workers/filter", {
    params: { path: { work_pool_name: options.workPoolName } },
    body: {},
  });
  const worker = workers.find((candidate) => candidate.name === name);
  if (!worker) throw new Error(`worker ${name} is missing from pool ${options.workPoolName}`);
  return worker;
}
