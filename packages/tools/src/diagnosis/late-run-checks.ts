import type { PrefectClient, Schema } from "@prefect-mcp/client";
import { compact } from "../compact.js";
import { MAX_PER_REQUEST } from "../list-page.js";
import type { Evidence, Findings } from "./diagnosis.js";

type Deployment = Schema<"DeploymentResponse">;
type FlowRun = Schema<"FlowRunResponse">;
type FlowRunFilterBody = Pick<
  Schema<"Body_read_flow_runs_flow_runs_filter_post">,
  "flow_runs" | "work_pools" | "work_pool_queues"
>;
type WorkPool = Schema<"WorkPoolResponse">;
type WorkQueue = Schema<"WorkQueueResponse">;
type Worker = Schema<"WorkerResponse">;
type Limit = Schema<"GlobalConcurrencyLimitResponse">;
type StateType = Schema<"StateType">;

/** What the late-run checks examine: one waiting run, or a deployment (and its waiting runs). */
export interface WaitingWork {
  deployment?: Schema<"DeploymentResponse">;
  /** The run being diagnosed, when there is one (its tags, queue and state decide some checks). */
  run?: Schema<"FlowRunResponse">;
  /** With a deployment and no run: its runs that are due and not started (`dueRuns`), if already read. */
  waitingRuns?: FlowRun[];
}

// Prefect 3.9.1 server defaults. The API does not expose a server's settings, so a server that
// changed them is judged by these.
/** PREFECT_SERVER_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE: missed beats before OFFLINE. */
const HEARTBEAT_MULTIPLE = 3;
/** PREFECT_SERVER_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS: for workers that sent none. */
const FALLBACK_HEARTBEAT_SECONDS = 30;
/** PREFECT_SERVER_SERVICES_FOREMAN_{WORK_QUEUE,DEPLOYMENT}_LAST_POLLED_TIMEOUT_SECONDS. */
const POLL_TIMEOUT_SECONDS = 60;

/** States whose runs hold a work pool or queue slot (Prefect's SLOT_OCCUPYING_STATES). */
const POOL_SLOT_STATES: StateType[] = ["PENDING", "RUNNING"];
/** A deployment slot is taken on entering Pending and released on leaving these states. */
const DEPLOYMENT_SLOT_STATES: StateType[] = ["PENDING", "RUNNING", "CANCELLING"];
const HOLDERS_SHOWN = 5;
/** Workers come newest heartbeat first, so the first page decides whether any is online. */
const WORKERS_READ = 50;
const LIMIT_PAGES = 5;
const TAG_PREFIX = "tag:";
const DEPLOYMENT_PREFIX = "deployment:";

/**
 * Why scheduled work is not starting: checks every known cause against live state and records
 * each in `findings` as found (with evidence and the fix) or ruled out. Batched reads only: one
 * round of parallel reads, then one more for the runs holding slots of the limits found full.
 */
export async function checkWhyNotStarted(
  client: PrefectClient,
  work: WaitingWork,
  now: Date,
  findings: Findings,
): Promise<void> {
  const { run } = work;
  const deploymentId = work.deployment?.id ?? run?.deployment_id ?? undefined;
  const poolName = run?.work_pool_name ?? work.deployment?.work_pool_name ?? undefined;
  const queueName = run?.work_queue_name ?? work.deployment?.work_queue_name ?? undefined;

  const [deployment, pool, queue, workers, limits, waiting] = await Promise.all([
    work.deployment ?? (deploymentId ? readDeployment(client, deploymentId) : undefined),
    poolName ? readPool(client, poolName) : undefined,
    poolName && queueName ? readQueue(client, poolName, queueName) : undefined,
    poolName ? readWorkers(client, poolName) : [],
    readLimits(client),
    waitingRunsOf(client, work, deploymentId, now),
  ]);

  const slot = slotChecks({ deployment, pool, queue, limits, waiting, run });
  const [poolHolders, queueHolders, deploymentHolders, tagHolders] = await Promise.all([
    pool && slot.poolFull ? holders(client, { work_pools: { name: { any_: [pool.name] } } }) : [],
    queue && slot.queueFull
      ? holders(client, { work_pool_queues: { id: { any_: [queue.id] } } })
      : [],
    deployment && slot.deploymentFull
      ? holders(
          client,
          { flow_runs: { deployment_id: { any_: [deployment.id] } } },
          DEPLOYMENT_SLOT_STATES,
        )
      : [],
    slot.fullTags.length ? readTagHolders(client) : new Map<string, string[]>(),
  ]);

  // Pausing a deployment stops Prefect's scheduler and deletes its auto-scheduled runs, but
  // workers still pick up runs that exist: it explains a deployment making no runs, not why a
  // given run waits, so it is only judged when diagnosing a deployment.
  const checkPickup = () => {
    if (deployment && !run) checkDeploymentPaused(deployment, findings);
    if (deployment && !poolName) checkServedDeployment(deployment, now, findings);
    if (pool) {
      checkPoolPaused(pool, findings);
      if (queue) checkQueuePaused(pool, queue, findings);
      if (needsWorkers(pool)) {
        const online = onlineWorkers(workers, now);
        checkPoolWorkers(pool, workers, online, now, findings);
        // With no worker online the pool check already says why nothing polls the queue.
        if (queue && online.length) checkQueuePolled(pool, queue, online.length, now, findings);
      }
    }
  };
  const checkSlots = () => {
    if (deployment) checkDeploymentLimit(deployment, slot, deploymentHolders, findings);
    if (pool) checkPoolLimit(pool, slot.poolFull, poolHolders, findings);
    if (pool && queue) checkQueueLimit(pool, queue, slot.queueFull, queueHolders, findings);
    checkGlobalLimits(slot, findings);
    checkTagLimits(slot, tagHolders, findings);
  };
  // Causes are ranked by the order they are found. A run in AwaitingConcurrencySlot was already
  // picked up and turned away for want of a slot, so the limits come first; otherwise nothing
  // was picked up, and what stops pickup comes first.
  const turnedAway = [run, ...waiting].some(
    (item) => item?.state_name === "AwaitingConcurrencySlot",
  );
  if (turnedAway) {
    checkSlots();
    checkPickup();
  } else {
    checkPickup();
    checkSlots();
  }
}

/**
 * A deployment's runs that are due and have not started, oldest first: one request. A run waiting
 * to retry is left out: its story is the failure before it, not a late start.
 */
export async function dueRuns(
  client: PrefectClient,
  deploymentId: string,
  now: Date,
): Promise<FlowRun[]> {
  const runs = await client.POST("/flow_runs/filter", {
    body: {
      flow_runs: {
        deployment_id: { any_: [deploymentId] },
        state: { type: { any_: ["SCHEDULED"] } },
        expected_start_time: { before_: now.toISOString() },
      },
      sort: "EXPECTED_START_TIME_ASC",
      limit: MAX_PER_REQUEST,
    },
  });
  return runs.filter((item) => item.state_name !== "AwaitingRetry");
}

/** A span of seconds as a person says it: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function describeSeconds(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

async function readDeployment(client: PrefectClient, id: string) {
  const [deployment] = await client.POST("/deployments/filter", {
    body: { deployments: { id: { any_: [id] } }, limit: 1 },
  });
  return deployment;
}

async function readPool(client: PrefectClient, name: string) {
  const [pool] = await client.POST("/work_pools/filter", {
    body: { work_pools: { name: { any_: [name] } }, limit: 1 },
  });
  return pool;
}

async function readQueue(client: PrefectClient, poolName: string, name: string) {
  const [queue] = await client.POST("/work_pools/{work_pool_name}/queues/filter", {
    params: { path: { work_pool_name: poolName } },
    body: { work_queues: { name: { any_: [name] } }, limit: 1 },
  });
  return queue;
}

function readWorkers(client: PrefectClient, poolName: string) {
  return client.POST("/work_pools/{work_pool_name}/workers/filter", {
    params: { path: { work_pool_name: poolName } },
    body: { limit: WORKERS_READ },
  });
}

/** Every v2 limit (tag limits are stored as `tag:<tag>`, a deployment's as `deployment:<id>`). */
async function readLimits(client: PrefectClient): Promise<Limit[]> {
  const limits: Limit[] = [];
  for (let page = 0; page < LIMIT_PAGES; page++) {
    const chunk = await client.POST("/v2/concurrency_limits/filter", {
      body: { limit: MAX_PER_REQUEST, offset: page * MAX_PER_REQUEST },
    });
    limits.push(...chunk);
    if (chunk.length < MAX_PER_REQUEST) break;
  }
  return limits;
}

/** The task runs holding each tag limit's slots: the v1 API lists them, the v2 API only counts. */
async function readTagHolders(client: PrefectClient): Promise<Map<string, string[]>> {
  const limits = await client.POST("/concurrency_limits/filter", {
    body: { limit: MAX_PER_REQUEST },
  });
  return new Map(limits.map((limit) => [limit.tag, limit.active_slots ?? []]));
}

/** Runs holding slots, oldest start first (the likeliest to be stuck). */
function holders(
  client: PrefectClient,
  filter: FlowRunFilterBody,
  states: StateType[] = POOL_SLOT_STATES,
) {
  return client.POST("/flow_runs/filter", {
    body: {
      ...filter,
      flow_runs: { ...filter.flow_runs, state: { type: { any_: states } } },
      sort: "START_TIME_ASC",
      limit: HOLDERS_SHOWN,
    },
  });
}

/** The runs that wait for a slot: the run itself if it does, else the deployment's due runs. */
async function waitingRunsOf(
  client: PrefectClient,
  work: WaitingWork,
  deploymentId: string | undefined,
  now: Date,
): Promise<FlowRun[]> {
  if (work.run) return waitsForSlot(work.run, now) ? [work.run] : [];
  if (work.waitingRuns) return work.waitingRuns;
  return deploymentId ? dueRuns(client, deploymentId, now) : [];
}

/**
 * A Scheduled-type run that is due, or was sent back to wait for a slot. A Pending run already
 * holds its slots; a Running one is past every limit that gates a start.
 */
function waitsForSlot(run: FlowRun, now: Date): boolean {
  if (run.state_type !== "SCHEDULED" || run.state_name === "AwaitingRetry") return false;
  if (run.state_name === "AwaitingConcurrencySlot") return true;
  const due = run.next_scheduled_start_time ?? run.expected_start_time;
  return !due || Date.parse(due) <= now.getTime();
}

interface SlotState {
  /** Runs waiting for a slot; limits only matter while some run waits. */
  waiting: FlowRun[];
  poolFull: boolean;
  queueFull: boolean;
  deploymentFull: boolean;
  deploymentLimit: Limit | undefined;
  fullTags: Limit[];
  blamedGlobals: Limit[];
  /** Why the global limits were blamed, for the summary. */
  globalReason: string;
}

function slotChecks(state: {
  deployment: Deployment | undefined;
  pool: WorkPool | undefined;
  queue: WorkQueue | undefined;
  limits: Limit[];
  waiting: FlowRun[];
  run: FlowRun | undefined;
}): SlotState {
  const { deployment, pool, queue, limits, waiting, run } = state;
  const waits = waiting.length > 0;
  const deploymentLimit = deployment?.global_concurrency_limit ?? undefined;
  // Prefect's slot grant only counts active limits, so a disabled deployment limit grants none.
  const deploymentFull =
    waits &&
    deploymentLimit !== undefined &&
    (deploymentLimit.active === false || deploymentLimit.active_slots >= deploymentLimit.limit);

  const tags = new Set([
    ...(run ? [] : (deployment?.tags ?? [])),
    ...waiting.flatMap((item) => item.tags ?? []),
  ]);
  const fullTags = waits
    ? limits.filter(
        (limit) =>
          limit.name.startsWith(TAG_PREFIX) &&
          tags.has(limit.name.slice(TAG_PREFIX.length)) &&
          isFull(limit),
      )
    : [];

  // A flow run waits on a global limit before it starts only when it was sent back to
  // AwaitingConcurrencySlot: `concurrency()` and `rate_limit()` block inside a running flow, and
  // Prefect's own rules send runs back only for their deployment's limit. So a full global limit
  // is blamed when a waiting run's state message names it; failing that, when a run waits for a
  // slot its deployment's limit does not explain, every full global limit is a candidate.
  const slotWaiters = waiting.filter((item) => item.state_name === "AwaitingConcurrencySlot");
  const fullGlobals = limits.filter(
    (limit) =>
      !limit.name.startsWith(TAG_PREFIX) &&
      !limit.name.startsWith(DEPLOYMENT_PREFIX) &&
      isFull(limit),
  );
  const named = fullGlobals.filter((limit) =>
    slotWaiters.some((item) => item.state?.message?.includes(limit.name)),
  );
  const unexplained = slotWaiters.length > 0 && !deploymentFull;
  const blamedGlobals = named.length ? named : unexplained ? fullGlobals : [];
  const globalReason = named.length
    ? "a waiting run's state message names it"
    : `${slotWaiters.length} run(s) wait in AwaitingConcurrencySlot and no deployment limit explains it`;

  return {
    waiting,
    poolFull: waits && pool !== undefined && isFullCount(pool.concurrency_limit, pool.active_slots),
    queueFull:
      waits && queue !== undefined && isFullCount(queue.concurrency_limit, queue.active_slots),
    deploymentFull,
    deploymentLimit,
    fullTags,
    blamedGlobals,
    globalReason,
  };
}

/** An enforced v2 limit with no free slot. */
function isFull(limit: Limit): boolean {
  return limit.active !== false && limit.active_slots >= limit.limit;
}

function isFullCount(limit: number | null | undefined, used: number | null | undefined): boolean {
  return limit !== null && limit !== undefined && (used ?? 0) >= limit;
}

/** Push and managed pools are run by Prefect Cloud, and agent pools predate workers. */
function needsWorkers(pool: WorkPool): boolean {
  return (
    !pool.type.endsWith(":push") && !pool.type.endsWith(":managed") && pool.type !== "prefect-agent"
  );
}

/** How long Prefect waits for a worker's heartbeat before it marks the worker OFFLINE. */
function offlineAfterSeconds(worker: Worker | undefined): number {
  return (worker?.heartbeat_interval_seconds ?? FALLBACK_HEARTBEAT_SECONDS) * HEARTBEAT_MULTIPLE;
}

/**
 * Workers online at `now`. Prefect's foreman marks stale workers OFFLINE only every 15 s, so a
 * worker it still calls ONLINE counts only if its last heartbeat is recent enough too.
 */
function onlineWorkers(workers: Worker[], now: Date): Worker[] {
  return workers.filter(
    (worker) =>
      worker.status === "ONLINE" &&
      worker.last_heartbeat_time &&
      secondsSince(worker.last_heartbeat_time, now) <= offlineAfterSeconds(worker),
  );
}

function secondsSince(time: string, now: Date): number {
  return Math.round((now.getTime() - Date.parse(time)) / 1000);
}

function checkDeploymentPaused(deployment: Deployment, findings: Findings) {
  findings.check(
    "deployment_paused",
    deployment.paused
      ? {
          summary: `Deployment "${deployment.name}" is paused: Prefect's scheduler makes no runs for it, and pausing deleted its scheduled ones.`,
          evidence: { ids: { deployment: deployment.id }, values: { paused: true } },
        }
      : undefined,
    // Prefect 3.9.1's CLI has no `deployment resume`; this is the API call the UI's toggle makes.
    `prefect api POST /deployments/${deployment.id}/resume_deployment --data '{}'`,
  );
}

/**
 * A deployment without a work pool is run by the process that serves it (`flow.serve()`), which
 * polls the deployment itself; Prefect calls it NOT_READY after a minute without a poll.
 */
function checkServedDeployment(deployment: Deployment, now: Date, findings: Findings) {
  const polled = deployment.last_polled;
  const age = polled ? secondsSince(polled, now) : undefined;
  const stale = age === undefined || age > POLL_TIMEOUT_SECONDS;
  const how =
    age === undefined
      ? "no process has ever polled it"
      : `its last poll was ${describeSeconds(age)} ago`;
  findings.check(
    "deployment_not_polled",
    stale
      ? {
          summary: `Deployment "${deployment.name}" has no work pool, so only a process serving it (flow.serve) starts its runs, and ${how} (threshold ${POLL_TIMEOUT_SECONDS} s).`,
          evidence: evidence({
            ids: { deployment: deployment.id },
            values: {
              status: deployment.status,
              seconds_since_poll: age,
              threshold_seconds: POLL_TIMEOUT_SECONDS,
              entrypoint: deployment.entrypoint,
            },
            timestamps: { last_polled: polled },
          }),
        }
      : undefined,
    `Restart the process that serves deployment "${deployment.name}"${deployment.entrypoint ? ` (entrypoint ${deployment.entrypoint})` : ""}`,
  );
}

function checkPoolPaused(pool: WorkPool, findings: Findings) {
  findings.check(
    "work_pool_paused",
    pool.is_paused || pool.status === "PAUSED"
      ? {
          summary: `Work pool "${pool.name}" is paused: workers get no runs from it.`,
          evidence: { ids: { work_pool: pool.id }, values: { status: pool.status, paused: true } },
        }
      : undefined,
    `prefect work-pool resume "${pool.name}"`,
  );
}

function checkQueuePaused(pool: WorkPool, queue: WorkQueue, findings: Findings) {
  findings.check(
    "work_queue_paused",
    queue.is_paused || queue.status === "PAUSED"
      ? {
          summary: `Work queue "${queue.name}" of pool "${pool.name}" is paused: its runs are not handed to workers.`,
          evidence: {
            ids: { work_queue: queue.id, work_pool: pool.id },
            values: { status: queue.status, paused: true },
          },
        }
      : undefined,
    `prefect work-queue resume "${queue.name}" --pool "${pool.name}"`,
  );
}

function checkPoolWorkers(
  pool: WorkPool,
  workers: Worker[],
  online: Worker[],
  now: Date,
  findings: Findings,
) {
  const latest = workers.find((worker) => worker.last_heartbeat_time);
  const threshold = offlineAfterSeconds(latest);
  const age = latest?.last_heartbeat_time
    ? secondsSince(latest.last_heartbeat_time, now)
    : undefined;
  const how =
    latest && age !== undefined
      ? `the last heartbeat (worker "${latest.name}") was ${describeSeconds(age)} ago; Prefect marks a worker offline after ${threshold} s without one`
      : "no worker has ever polled it";
  findings.check(
    "work_pool_not_ready",
    online.length === 0
      ? {
          summary: `Work pool "${pool.name}" (${pool.type}, status ${pool.status ?? "unknown"}) has no online worker: ${how}.`,
          evidence: evidence({
            ids: { work_pool: pool.id, worker: latest?.id },
            values: {
              status: pool.status,
              type: pool.type,
              workers: workers.length,
              online_workers: 0,
              seconds_since_heartbeat: age,
              offline_after_seconds: threshold,
            },
            timestamps: { last_heartbeat: latest?.last_heartbeat_time ?? undefined },
          }),
        }
      : undefined,
    `prefect worker start --pool "${pool.name}"`,
  );
}

function checkQueuePolled(
  pool: WorkPool,
  queue: WorkQueue,
  onlineCount: number,
  now: Date,
  findings: Findings,
) {
  const age = queue.last_polled ? secondsSince(queue.last_polled, now) : undefined;
  const stale = age === undefined || age > POLL_TIMEOUT_SECONDS;
  const how =
    age === undefined ? "none has ever polled it" : `its last poll was ${describeSeconds(age)} ago`;
  findings.check(
    "work_queue_not_polled",
    stale
      ? {
          summary: `Work queue "${queue.name}" of pool "${pool.name}" is not polled: the pool's ${onlineCount} online worker(s) poll other queues, and ${how} (threshold ${POLL_TIMEOUT_SECONDS} s).`,
          evidence: evidence({
            ids: { work_queue: queue.id, work_pool: pool.id },
            values: {
              status: queue.status,
              online_workers: onlineCount,
              seconds_since_poll: age,
              threshold_seconds: POLL_TIMEOUT_SECONDS,
            },
            timestamps: { last_polled: queue.last_polled ?? undefined },
          }),
        }
      : undefined,
    `prefect worker start --pool "${pool.name}" --work-queue "${queue.name}"`,
  );
}

function checkPoolLimit(pool: WorkPool, full: boolean, held: FlowRun[], findings: Findings) {
  const limit = pool.concurrency_limit ?? 0;
  findings.check(
    "work_pool_concurrency_full",
    full
      ? {
          summary: `Work pool "${pool.name}" is at its concurrency limit: ${slotsText(pool.active_slots ?? 0, limit)} taken by Pending/Running runs.`,
          evidence: slotEvidence({ work_pool: pool.id }, limit, pool.active_slots ?? 0, held),
        }
      : undefined,
    `prefect work-pool set-concurrency-limit "${pool.name}" ${limit + 1}`,
    ...inspectHolder(held),
  );
}

function checkQueueLimit(
  pool: WorkPool,
  queue: WorkQueue,
  full: boolean,
  held: FlowRun[],
  findings: Findings,
) {
  const limit = queue.concurrency_limit ?? 0;
  findings.check(
    "work_queue_concurrency_full",
    full
      ? {
          summary: `Work queue "${queue.name}" of pool "${pool.name}" is at its concurrency limit: ${slotsText(queue.active_slots ?? 0, limit)} taken by Pending/Running runs.`,
          evidence: slotEvidence({ work_queue: queue.id }, limit, queue.active_slots ?? 0, held),
        }
      : undefined,
    `prefect work-queue set-concurrency-limit "${queue.name}" ${limit + 1} --pool "${pool.name}"`,
    ...inspectHolder(held),
  );
}

function checkDeploymentLimit(
  deployment: Deployment,
  slot: SlotState,
  held: FlowRun[],
  findings: Findings,
) {
  const limit = slot.deploymentLimit;
  if (!limit) {
    findings.ruleOut("deployment_concurrency_full");
    return;
  }
  const strategy = deployment.concurrency_options?.collision_strategy ?? "ENQUEUE";
  const effect =
    strategy === "CANCEL_NEW"
      ? "new runs are cancelled (collision strategy CANCEL_NEW)"
      : "runs wait in AwaitingConcurrencySlot (collision strategy ENQUEUE)";
  const disabled = limit.active === false;
  const unheld = held.length < HOLDERS_SHOWN ? limit.active_slots - held.length : 0;
  const name = `${DEPLOYMENT_PREFIX}${deployment.id}`;
  const summary = disabled
    ? `Deployment "${deployment.name}" has a disabled concurrency limit, and Prefect grants no slot from a disabled limit: ${effect}.`
    : `Deployment "${deployment.name}" is at its concurrency limit: ${slotsText(limit.active_slots, limit.limit)} taken; ${effect}.${unheld > 0 ? ` ${unheld} slot(s) are held by no Pending/Running run.` : ""}`;
  const steps = disabled
    ? [`prefect global-concurrency-limit enable "${name}"`]
    : [
        `prefect global-concurrency-limit update "${name}" --limit ${limit.limit + 1}`,
        ...(unheld > 0
          ? [`prefect global-concurrency-limit update "${name}" --active-slots ${held.length}`]
          : held[0]
            ? [`prefect flow-run cancel ${held[0].id}`]
            : []),
      ];
  findings.check(
    "deployment_concurrency_full",
    slot.deploymentFull
      ? {
          summary,
          evidence: evidence({
            ids: {
              deployment: deployment.id,
              concurrency_limit: limit.id,
              holding_runs: held.map((item) => item.id),
            },
            values: {
              limit: limit.limit,
              active_slots: limit.active_slots,
              active: limit.active ?? true,
              collision_strategy: strategy,
              waiting_runs: slot.waiting.length,
            },
          }),
        }
      : undefined,
    ...steps,
  );
}

function checkGlobalLimits(slot: SlotState, findings: Findings) {
  const blamed = slot.blamedGlobals;
  const shown = blamed.slice(0, 3);
  findings.check(
    "global_concurrency_full",
    blamed.length
      ? {
          summary: `Global concurrency limit${blamed.length > 1 ? "s" : ""} ${shown
            .map((limit) => `"${limit.name}" (${slotsText(limit.active_slots, limit.limit)})`)
            .join(
              ", ",
            )}${blamed.length > shown.length ? ` and ${blamed.length - shown.length} more` : ""} full; blamed because ${slot.globalReason}.`,
          evidence: {
            ids: { concurrency_limits: blamed.map((limit) => limit.id) },
            values: {
              limits: blamed.map((limit) =>
                compact({
                  name: limit.name,
                  limit: limit.limit,
                  active_slots: limit.active_slots,
                  slot_decay_per_second: limit.slot_decay_per_second || undefined,
                }),
              ),
            },
          },
        }
      : undefined,
    ...shown.flatMap((limit) => [
      `prefect global-concurrency-limit inspect "${limit.name}"`,
      `prefect global-concurrency-limit update "${limit.name}" --limit ${limit.limit + 1}`,
    ]),
  );
}

/**
 * Tag limits gate task runs: a task run carrying a full tag's name waits in
 * AwaitingConcurrencySlot (a flow run's own tags do not pass to its tasks in Prefect 3.9.1).
 */
function checkTagLimits(slot: SlotState, holdersByTag: Map<string, string[]>, findings: Findings) {
  const full = slot.fullTags.map((limit) => ({
    tag: limit.name.slice(TAG_PREFIX.length),
    limit: limit.limit,
    active_slots: limit.active_slots,
  }));
  const shown = full.slice(0, 3);
  findings.check(
    "tag_concurrency_full",
    full.length
      ? {
          summary: `Tag concurrency limit${full.length > 1 ? "s" : ""} ${shown
            .map((item) => `"${item.tag}" (${slotsText(item.active_slots, item.limit)})`)
            .join(
              ", ",
            )}${full.length > shown.length ? ` and ${full.length - shown.length} more` : ""} ${full.length > 1 ? "are" : "is"} full, on a tag of the waiting run(s): task runs with the tag wait for a slot.`,
          evidence: {
            ids: {
              holding_task_runs: full
                .flatMap((item) => holdersByTag.get(item.tag) ?? [])
                .slice(0, HOLDERS_SHOWN),
            },
            values: { tags: full },
          },
        }
      : undefined,
    ...shown.flatMap((item) => [
      `prefect concurrency-limit inspect "${item.tag}"`,
      // `create` on an existing tag sets its limit in Prefect 3.9.1.
      `prefect concurrency-limit create "${item.tag}" ${item.limit + 1}`,
    ]),
  );
}

function slotsText(used: number, limit: number): string {
  return limit === 0 ? "limit 0, so no slot ever" : `${used} of ${limit} slots`;
}

function slotEvidence(ids: Record<string, string>, limit: number, used: number, held: FlowRun[]) {
  return evidence({
    ids: { ...ids, holding_runs: held.map((item) => item.id) },
    values: { limit, active_slots: used },
  });
}

function inspectHolder(held: FlowRun[]): string[] {
  return held[0] ? [`diagnose_flow_run(flow_run_id="${held[0].id}")`] : [];
}

/** Evidence without the empty values a check may hold (an unknown time, no holder). */
function evidence(parts: {
  ids?: Record<string, string | string[] | undefined>;
  values?: Record<string, unknown>;
  timestamps?: Record<string, string | null | undefined>;
}): Evidence {
  return compact(parts) as Evidence;
}
