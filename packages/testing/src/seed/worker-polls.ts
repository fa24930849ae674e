import { setTimeout as sleep } from "node:timers/promises";
import type { Schema } from "@prefect-mcp/client";
import type { SeedClient } from "./seed-client.js";

export interface PollWorkQueuesOptions {
  workPoolName: string;
  /** The queues the worker serves (default: all of the pool's queues). */
  workQueueNames?: string[];
}

/**
 * Polls a pool's queues for due runs, as a running `prefect worker` does every few seconds, and
 * resolves with the runs Prefect handed out (it respects the pool's and queues' concurrency
 * limits; nothing is started). Prefect records the poll in the background (queues turn READY,
 * `last_polled` moves); this waits until every polled queue shows it.
 */
export async function pollWorkQueues(
  client: SeedClient,
  options: PollWorkQueuesOptions,
): Promise<Schema<"WorkerFlowRunResponse">[]> {
  const path = { name: options.workPoolName };
  const polledAfter = Date.now();
  const handedOut = await client.POST("/work_pools/{name}/get_scheduled_flow_runs", {
    params: { path },
    body: {
      ...(options.workQueueNames ? { work_queue_names: options.workQueueNames } : {}),
      scheduled_before: new Date().toISOString(),
    },
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    const queues = await client.POST("/work_pools/{work_pool_name}/queues/filter", {
      params: { path: { work_pool_name: options.workPoolName } },
      body: options.workQueueNames
        ? { work_queues: { name: { any_: options.workQueueNames } } }
        : {},
    });
    // Prefect's clock and ours may differ by a little; a poll stamped a second early still counts.
    if (
      queues.every(
        (queue) => queue.last_polled && Date.parse(queue.last_polled) >= polledAfter - 1_000,
      )
    ) {
      return handedOut;
    }
    await sleep(100);
  }
  throw new Error(`the queues of work pool ${options.workPoolName} were not recorded as polled`);
}
