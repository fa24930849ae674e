import type { PrefectClient, Schema } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { validatedFilter } from "../filter-validation.js";
import { fetchPage, listOutput, listResult } from "../list-page.js";
import { filterParam, jmespathParam, limitParam, offsetParam } from "../params.js";

type WorkQueue = Schema<"WorkQueueResponse">;
type Worker = Schema<"WorkerResponse">;

/** Workers are read one request per pool, so only for this many pools per answer. */
export const POOLS_WITH_WORKERS = 10;
/** Workers read per pool (newest heartbeat first); online ones come first. */
const WORKERS_READ = 50;
const WORKERS_SHOWN = 10;
const QUEUES_SHOWN = 20;
const QUEUES_PER_REQUEST = 200;
/** `/work_queues/filter` cannot filter by pool, so all queues are read, up to this many pages. */
const MAX_QUEUE_REQUESTS = 5;

// Lean on purpose (every tools/list carries it): limits, queues and workers pass through.
const pool = z.object({ id: z.string(), name: z.string(), status: z.string().optional() }).loose();

export const getWorkPools = defineTool({
  name: "get_work_pools",
  title: "Work pools",
  description: `Work pools by name: status (READY, NOT_READY, PAUSED), type, paused, concurrency limit and slots used, queues (paused, priority, limit, status, last polled), workers (status, last heartbeat).

For runs that stay Scheduled, Late or Pending. filter is a WorkPoolFilter: id, name, type, any_ only. E.g.
- get_work_pools(filter={"name": {"any_": ["prod-k8s"]}})

Workers are read for the first ${POOLS_WITH_WORKERS} pools. Next: get_flow_runs.`,
  inputSchema: z.object({
    filter: filterParam("work pool"),
    limit: limitParam(50, 200),
    offset: offsetParam,
    jmespath: jmespathParam,
  }),
  outputSchema: listOutput("work_pools", pool).extend({ notes: z.array(z.string()).optional() }),
  annotations: READ_ONLY,
  async handler({ filter, limit, offset }, { client }) {
    const work_pools = validatedFilter("WorkPoolFilter", filter);
    const page = await fetchPage(limit, offset, (pageLimit, pageOffset) =>
      client.POST("/work_pools/filter", {
        body: { work_pools, limit: pageLimit, offset: pageOffset },
      }),
    );
    const names = page.items.map((item) => item.name);
    const withWorkers = names.slice(0, POOLS_WITH_WORKERS);
    // Nothing to match queues to on an empty page.
    const [queues, workers] = await Promise.all([
      names.length
        ? queuesByPool(client)
        : { byPool: new Map<string, WorkQueue[]>(), complete: true },
      workersByPool(client, withWorkers),
    ]);

    const notes: string[] = [];
    if (!queues.complete) notes.push(QUEUES_INCOMPLETE);
    if (names.length > withWorkers.length) {
      notes.push(
        `Workers were read for the first ${withWorkers.length} pools only; filter by name for the others' workers.`,
      );
    }
    const items = page.items.map((item) => {
      const poolQueues = queues.byPool.get(item.name) ?? [];
      const poolWorkers = workers.get(item.name);
      return compact({
        id: item.id,
        name: item.name,
        type: item.type,
        status: item.status,
        paused: item.is_paused ?? false,
        concurrency_limit: item.concurrency_limit,
        active_slots: item.active_slots,
        description: item.description,
        queues: poolQueues.slice(0, QUEUES_SHOWN).map(queueSummary),
        more_queues: excess(poolQueues.length, QUEUES_SHOWN),
        ...(poolWorkers ? workerSummary(poolWorkers) : {}),
      });
    });
    return { ...listResult("work_pools", { ...page, items }), ...compact({ notes }) };
  },
});

/**
 * Every work queue, by pool and priority. `/work_queues/filter` cannot filter by pool, so all
 * queues are read, a page of 200 per request and at most 5 requests: never one request per pool.
 */
export async function queuesByPool(client: PrefectClient) {
  const byPool = new Map<string, WorkQueue[]>();
  let complete = false;
  for (let request = 0; !complete && request < MAX_QUEUE_REQUESTS; request++) {
    const chunk = await client.POST("/work_queues/filter", {
      body: { limit: QUEUES_PER_REQUEST, offset: request * QUEUES_PER_REQUEST },
    });
    for (const queue of chunk) {
      const pool = queue.work_pool_name ?? "";
      byPool.set(pool, [...(byPool.get(pool) ?? []), queue]);
    }
    complete = chunk.length < QUEUES_PER_REQUEST;
  }
  for (const list of byPool.values()) list.sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  return { byPool, complete };
}

/** The note for a queue read that stopped before the last queue. */
export const QUEUES_INCOMPLETE = `Only the first ${MAX_QUEUE_REQUESTS * QUEUES_PER_REQUEST} work queues (by name) were read, so some queues are missing.`;

/** Each pool's workers, newest heartbeat first: one request per pool, so callers bound the pools. */
export async function workersByPool(client: PrefectClient, poolNames: readonly string[]) {
  const entries = await Promise.all(
    poolNames.map(async (name) => {
      const workers = await client.POST("/work_pools/{work_pool_name}/workers/filter", {
        params: { path: { work_pool_name: name } },
        body: { limit: WORKERS_READ },
      });
      return [name, workers] as const;
    }),
  );
  return new Map<string, Worker[]>(entries);
}

/** Online count, and the most recently seen workers. */
export function workerSummary(workers: Worker[]) {
  return {
    online_workers: workers.filter((worker) => worker.status === "ONLINE").length,
    workers: workers.slice(0, WORKERS_SHOWN).map((worker) =>
      compact({
        name: worker.name,
        status: worker.status ?? "OFFLINE",
        last_heartbeat: worker.last_heartbeat_time,
      }),
    ),
    more_workers: excess(workers.length, WORKERS_SHOWN),
  };
}

function queueSummary(queue: WorkQueue) {
  return compact({
    name: queue.name,
    status: queue.status,
    paused: queue.is_paused ?? false,
    priority: queue.priority ?? 0,
    concurrency_limit: queue.concurrency_limit,
    active_slots: queue.active_slots,
    last_polled: queue.last_polled,
  });
}

function excess(total: number, shown: number): number | undefined {
  return total > shown ? total - shown : undefined;
}
