import type { PrefectClient, Schema } from "@prefect-mcp/client";
import { DASHBOARD_VIEW } from "@prefect-mcp/ui";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import {
  POOLS_WITH_WORKERS,
  QUEUES_INCOMPLETE,
  queuesByPool,
  workersByPool,
} from "./get-work-pools.js";

type FlowRun = Schema<"FlowRunResponse">;
type FlowRunFilter = Schema<"FlowRunFilter">;

const RUNS_SHOWN = 10;
const POOLS_READ = 50;
const LIMITS_READ = 200;
/** Concurrency limits shown per kind, fullest first. */
const LIMITS_SHOWN = 20;
const MESSAGE_CHARS = 200;

const section = z.object({}).loose();
type LimitKind = "global" | "tag" | "deployment" | "work_pool" | "work_queue";

type ConcurrencyLimit = {
  name: string;
  id?: string;
  work_pool?: string;
  limit: number;
  active_slots: number;
  active?: boolean;
  slot_decay_per_second?: number;
};

export const getDashboard = defineTool({
  name: "get_dashboard",
  title: "Dashboard",
  description: `Health of a Prefect instance in one call: flow_runs (counts by state type and name, runs expected in the last window_hours), problem_runs (late now; failed, crashed in the window), work_pools (status, online workers, last heartbeat), concurrency_limits with slots used (global, tag, deployment, work_pool, work_queue).

Use it first for "what's wrong". E.g. get_dashboard(window_hours=168)
Bounded: 10 runs, ${LIMITS_SHOWN} fullest limits per kind; notes say what was cut. Next: diagnose_flow_run or diagnose_deployment.`,
  inputSchema: z.object({
    window_hours: z
      .number()
      .int()
      .min(1)
      .max(720, { error: "must be at most 720 (30 days)" })
      .default(24)
      .describe("Hours covered by counts and failures (1–720)"),
    intervals: z
      .number()
      .int()
      .min(2)
      .max(48)
      .optional()
      .describe("Also split the counts into this many equal intervals (2–48), oldest first"),
  }),
  // Lean on purpose: every tools/list carries it; each section's fields are in the description.
  outputSchema: z.object({
    window: section,
    flow_runs: section,
    problem_runs: section,
    work_pools: section,
    // Absent when there is no limit of any kind.
    concurrency_limits: section.optional(),
    notes: z.array(z.string()).optional(),
  }),
  ui: DASHBOARD_VIEW,
  annotations: READ_ONLY,
  async handler({ window_hours, intervals }, { client, now }) {
    const end = now();
    const start = new Date(end.getTime() - window_hours * 3_600_000);
    const inWindow: FlowRunFilter = {
      expected_start_time: { after_: start.toISOString(), before_: end.toISOString() },
    };
    const runs = (flow_runs: FlowRunFilter, sort: Schema<"FlowRunSort">, limit: number) =>
      client.POST("/flow_runs/filter", { body: { flow_runs, sort, limit } });

    const [history, late, failed, crashed, pools, queues, limits] = await Promise.all([
      client.POST("/flow_runs/history", {
        body: {
          history_start: start.toISOString(),
          history_end: end.toISOString(),
          // Prefect counts per bucket; one bucket spanning the window unless intervals are asked
          // for. Rounded up to the millisecond: a hair short would leave an extra sliver bucket.
          history_interval_seconds: Math.ceil((window_hours * 3_600_000) / (intervals ?? 1)) / 1000,
        },
      }),
      runs({ state: { name: { any_: ["Late"] } } }, "EXPECTED_START_TIME_DESC", RUNS_SHOWN + 1),
      runs({ ...inWindow, state: { type: { any_: ["FAILED"] } } }, "END_TIME_DESC", RUNS_SHOWN),
      runs({ ...inWindow, state: { type: { any_: ["CRASHED"] } } }, "END_TIME_DESC", RUNS_SHOWN),
      client.POST("/work_pools/filter", { body: { limit: POOLS_READ + 1 } }),
      queuesByPool(client),
      client.POST("/v2/concurrency_limits/filter", { body: { limit: LIMITS_READ } }),
    ]);
    const shownPools = pools.slice(0, POOLS_READ);
    const withWorkers = shownPools.slice(0, POOLS_WITH_WORKERS).map((pool) => pool.name);
    const [workers, deploymentNames] = await Promise.all([
      workersByPool(client, withWorkers),
      namesOfDeployments(client, limits),
    ]);

    const counts = countsByState(history);
    const notes: string[] = [];
    const nowMs = end.getTime();
    const groupOf = (list: FlowRun[], total: number | undefined) =>
      compact({
        total,
        has_more: total === undefined ? list.length > RUNS_SHOWN : total > list.length,
        runs: list.slice(0, RUNS_SHOWN).map((item) => runSummary(item, nowMs)),
      });

    const concurrency = concurrencyLimits(limits, deploymentNames, shownPools, queues.byPool);
    for (const [kind, cut] of Object.entries(concurrency.cut)) {
      notes.push(
        `${cut} more ${kind} concurrency limits not shown (the ${LIMITS_SHOWN} fullest are).`,
      );
    }
    if (limits.length >= LIMITS_READ) {
      notes.push(
        `Only the first ${LIMITS_READ} global limits (tag and deployment limits among them) were read.`,
      );
    }
    if (!queues.complete) notes.push(QUEUES_INCOMPLETE);
    if (pools.length > POOLS_READ) {
      notes.push(
        `Only the first ${POOLS_READ} work pools are shown; call get_work_pools for more.`,
      );
    }
    if (shownPools.length > withWorkers.length) {
      notes.push(
        `Workers were read for the first ${withWorkers.length} pools only; call get_work_pools for the others.`,
      );
    }

    return compact({
      window: { start: start.toISOString(), end: end.toISOString() },
      flow_runs: intervals ? { ...counts, intervals: history.map(intervalCounts) } : counts,
      problem_runs: {
        late: groupOf(late, undefined),
        failed: groupOf(failed, counts.by_state_type.FAILED ?? 0),
        crashed: groupOf(crashed, counts.by_state_type.CRASHED ?? 0),
      },
      work_pools: {
        has_more: pools.length > POOLS_READ,
        pools: shownPools.map((pool) => {
          const poolWorkers = workers.get(pool.name);
          return compact({
            name: pool.name,
            type: pool.type,
            status: pool.status,
            paused: pool.is_paused ?? false,
            online_workers: poolWorkers?.filter((worker) => worker.status === "ONLINE").length,
            last_heartbeat: poolWorkers?.[0]?.last_heartbeat_time,
          });
        }),
      },
      concurrency_limits: concurrency.groups,
      notes,
    });
  },
});

/** One history bucket spanning the window: run counts by state type and by state name. */
function countsByState(history: Schema<"HistoryResponse">[]) {
  const by_state_type: Record<string, number> = {};
  const by_state_name: Record<string, number> = {};
  let total = 0;
  for (const bucket of history) {
    for (const state of bucket.states) {
      total += state.count_runs;
      by_state_type[state.state_type] = (by_state_type[state.state_type] ?? 0) + state.count_runs;
      by_state_name[state.state_name] = (by_state_name[state.state_name] ?? 0) + state.count_runs;
    }
  }
  return { total, by_state_type, by_state_name };
}

/** One interval's counts, as charts want them: every state present, with its type. */
function intervalCounts(bucket: Schema<"HistoryResponse">) {
  return {
    start: bucket.interval_start,
    end: bucket.interval_end,
    states: bucket.states.map((state) => ({
      type: state.state_type,
      name: state.state_name,
      count: state.count_runs,
    })),
  };
}

function runSummary(item: FlowRun, nowMs: number) {
  const expected = item.expected_start_time;
  const late = item.state?.name === "Late" && expected;
  return compact({
    id: item.id,
    name: item.name,
    state_name: item.state?.name,
    expected_start_time: expected,
    end_time: item.end_time,
    late_by_seconds: late ? Math.round((nowMs - Date.parse(expected)) / 1000) : undefined,
    message: item.state?.message?.slice(0, MESSAGE_CHARS),
    deployment_id: item.deployment_id,
    work_pool: item.work_pool_name,
  });
}

type Limit = Schema<"GlobalConcurrencyLimitResponse">;
const DEPLOYMENT_PREFIX = "deployment:";
const TAG_PREFIX = "tag:";

/** Names of the deployments whose limits are among `limits`: one request for all of them. */
async function namesOfDeployments(client: PrefectClient, limits: Limit[]) {
  const ids = limits
    .filter((limit) => limit.name.startsWith(DEPLOYMENT_PREFIX))
    .map((limit) => limit.name.slice(DEPLOYMENT_PREFIX.length));
  if (!ids.length) return new Map<string, string>();
  const deployments = await client.POST("/deployments/filter", {
    body: { deployments: { id: { any_: ids } }, limit: ids.length },
  });
  return new Map(deployments.map((deployment) => [deployment.id, deployment.name]));
}

/**
 * Every kind of limit, fullest first. Prefect stores tag limits as global limits named `tag:<tag>`
 * and a deployment's limit as one named `deployment:<id>`; pools and queues count their own slots.
 */
function concurrencyLimits(
  limits: Limit[],
  deploymentNames: Map<string, string>,
  pools: Schema<"WorkPoolResponse">[],
  queuesByPool: Map<string, Schema<"WorkQueueResponse">[]>,
) {
  const kinds: Record<LimitKind, ConcurrencyLimit[]> = {
    global: [],
    tag: [],
    deployment: [],
    work_pool: [],
    work_queue: [],
  };
  for (const limit of limits) {
    const used = { limit: limit.limit, active_slots: limit.active_slots ?? 0 };
    if (limit.name.startsWith(TAG_PREFIX)) {
      kinds.tag.push({ name: limit.name.slice(TAG_PREFIX.length), ...used });
    } else if (limit.name.startsWith(DEPLOYMENT_PREFIX)) {
      const id = limit.name.slice(DEPLOYMENT_PREFIX.length);
      kinds.deployment.push({ name: deploymentNames.get(id) ?? id, id, ...used });
    } else {
      kinds.global.push({
        name: limit.name,
        ...used,
        ...(limit.active === false ? { active: false } : {}),
        ...(limit.slot_decay_per_second
          ? { slot_decay_per_second: limit.slot_decay_per_second }
          : {}),
      });
    }
  }
  for (const pool of pools) {
    if (pool.concurrency_limit == null) continue;
    kinds.work_pool.push({
      name: pool.name,
      limit: pool.concurrency_limit,
      active_slots: pool.active_slots ?? 0,
    });
  }
  for (const queue of [...queuesByPool.values()].flat()) {
    if (queue.concurrency_limit == null) continue;
    kinds.work_queue.push({
      name: queue.name,
      work_pool: queue.work_pool_name ?? undefined,
      limit: queue.concurrency_limit,
      active_slots: queue.active_slots ?? 0,
    });
  }

  const cut: Record<string, number> = {};
  for (const [kind, list] of Object.entries(kinds)) {
    list.sort((a, b) => fullness(b) - fullness(a));
    if (list.length > LIMITS_SHOWN) cut[kind] = list.splice(LIMITS_SHOWN).length;
  }
  return { groups: kinds, cut };
}

/** Share of slots in use; a limit of 0 blocks everything, so it sorts before any other. */
function fullness({ limit, active_slots }: { limit: number; active_slots: number }): number {
  return limit === 0 ? Number.MAX_SAFE_INTEGER : active_slots / limit;
}
