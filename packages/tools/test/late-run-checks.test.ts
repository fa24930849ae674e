import { setTimeout as sleep } from "node:timers/promises";
import { createPrefectClient, resolvePrefectSettings } from "@prefect-mcp/client";
import {
  createDeployment,
  createFlow,
  createFlowRun,
  createGlobalConcurrencyLimit,
  createTagConcurrencyLimit,
  createTaskRun,
  createWorkPool,
  type FlowRun,
  pollDeployments,
  pollWorkQueues,
  sendWorkerHeartbeat,
  uniqueName,
} from "@prefect-mcp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { Findings } from "../src/diagnosis/diagnosis.js";
import { checkWhyNotStarted, type WaitingWork } from "../src/diagnosis/late-run-checks.js";
import { apiUrl, seed } from "./mcp-harness.js";

let requests = 0;
const client = createPrefectClient(resolvePrefectSettings({ env: {}, overrides: { apiUrl } }), {
  fetch: (request) => {
    requests++;
    return fetch(request);
  },
});

/** Runs the checks as diagnose_* tools do and returns what they found. */
async function check(work: WaitingWork, now = new Date()) {
  const findings = new Findings();
  await checkWhyNotStarted(client, work, now, findings);
  return {
    codes: findings.causes.map((cause) => cause.code),
    cause: (code: string) => findings.causes.find((cause) => cause.code === code),
    ruledOut: findings.ruledOut,
    nextSteps: findings.nextSteps,
  };
}

/** Polls queues as a worker does and waits until Prefect has recorded it (it does so later). */
async function pollAndWait(workPoolName: string, workQueueNames: string[]) {
  const before = Date.now() - 1_000;
  await pollWorkQueues(seed, { workPoolName, workQueueNames });
  for (let attempt = 0; attempt < 100; attempt++) {
    const queues = await seed.POST("/work_pools/{work_pool_name}/queues/filter", {
      params: { path: { work_pool_name: workPoolName } },
      body: { work_queues: { name: { any_: workQueueNames } } },
    });
    if (queues.every((queue) => queue.last_polled && Date.parse(queue.last_polled) >= before)) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`Prefect did not record the poll of ${workQueueNames.join(", ")}`);
}

/** A run that will never start on its own: Late, due ten minutes ago. */
function lateRun(
  flowId: string,
  where: { workPoolName?: string; workQueueName?: string; tags?: string[] },
) {
  return createFlowRun(seed, { flowId, state: "Late", ...where });
}

/** Moves a run to Pending by Prefect's own rules, which take (or refuse) deployment slots. */
async function proposePending(run: FlowRun): Promise<FlowRun> {
  await seed.POST("/flow_runs/{id}/set_state", {
    params: { path: { id: run.id } },
    body: { state: { type: "PENDING", name: "Pending" }, force: false },
  });
  return seed.GET("/flow_runs/{id}", { params: { path: { id: run.id } } });
}

const CONCURRENCY_CODES = [
  "deployment_concurrency_full",
  "work_pool_concurrency_full",
  "work_queue_concurrency_full",
  "global_concurrency_full",
  "tag_concurrency_full",
];

describe("checkWhyNotStarted: work pools, queues and workers", () => {
  const pools = {
    paused: uniqueName("paused-pool"),
    ready: uniqueName("ready-pool"),
    idle: uniqueName("idle-pool"),
    stale: uniqueName("stale-pool"),
    push: uniqueName("push-pool"),
  };
  const runs = {} as Record<"paused" | "ready" | "forgotten" | "idle" | "stale" | "push", FlowRun>;
  let staleWorker: string;

  beforeAll(async () => {
    const flow = await createFlow(seed);
    await Promise.all([
      createWorkPool(seed, {
        name: pools.paused,
        paused: true,
        queues: [{ name: "held", paused: true }],
      }),
      createWorkPool(seed, {
        name: pools.ready,
        queues: [{ name: "served" }, { name: "forgotten" }],
      }),
      createWorkPool(seed, { name: pools.idle }),
      createWorkPool(seed, { name: pools.stale }),
      createWorkPool(seed, { name: pools.push, type: "cloud-run:push" }),
    ]);
    const [, stale] = await Promise.all([
      sendWorkerHeartbeat(seed, { workPoolName: pools.ready }),
      sendWorkerHeartbeat(seed, { workPoolName: pools.stale, heartbeatIntervalSeconds: 30 }),
    ]);
    staleWorker = stale.name;
    // The pool's worker serves "served" only, as `prefect worker start --work-queue served` does.
    await pollAndWait(pools.ready, ["served"]);
    [runs.paused, runs.ready, runs.forgotten, runs.idle, runs.stale, runs.push] = await Promise.all(
      [
        lateRun(flow.id, { workPoolName: pools.paused, workQueueName: "held" }),
        lateRun(flow.id, { workPoolName: pools.ready, workQueueName: "served" }),
        lateRun(flow.id, { workPoolName: pools.ready, workQueueName: "forgotten" }),
        lateRun(flow.id, { workPoolName: pools.idle }),
        lateRun(flow.id, { workPoolName: pools.stale }),
        lateRun(flow.id, { workPoolName: pools.push }),
      ],
    );
  });

  it("lists both a paused work pool and its paused queue, with the commands that resume them", async () => {
    const result = await check({ run: runs.paused });
    expect(result.codes).toEqual(expect.arrayContaining(["work_pool_paused", "work_queue_paused"]));
    expect(result.cause("work_pool_paused")?.summary).toContain(
      `Work pool "${pools.paused}" is paused`,
    );
    expect(result.cause("work_queue_paused")?.evidence.values).toMatchObject({ status: "PAUSED" });
    expect(result.nextSteps).toEqual(
      expect.arrayContaining([
        `prefect work-pool resume "${pools.paused}"`,
        `prefect work-queue resume "held" --pool "${pools.paused}"`,
      ]),
    );
  });

  it("finds nothing wrong for a run in a polled queue of a pool with a live worker", async () => {
    const result = await check({ run: runs.ready });
    expect(result.codes).toEqual([]);
    expect(result.ruledOut).toEqual(
      expect.arrayContaining([
        "work_pool_paused",
        "work_queue_paused",
        "work_pool_not_ready",
        "work_queue_not_polled",
        "work_pool_concurrency_full",
        "work_queue_concurrency_full",
        "global_concurrency_full",
        "tag_concurrency_full",
      ]),
    );
  });

  it("says that no worker has ever polled a pool without workers", async () => {
    const result = await check({ run: runs.idle });
    expect(result.codes).toContain("work_pool_not_ready");
    const cause = result.cause("work_pool_not_ready");
    expect(cause?.summary).toMatch(/no online worker: no worker has ever polled it/);
    expect(cause?.summary).toContain("status NOT_READY");
    expect(cause?.evidence.values).toMatchObject({ workers: 0, online_workers: 0 });
    expect(result.nextSteps).toContain(`prefect worker start --pool "${pools.idle}"`);
    expect(result.ruledOut).toContain("work_pool_paused");
  });

  it("says how long ago the last heartbeat was and after how long Prefect gives up on a worker", async () => {
    const tenMinutesOn = new Date(Date.now() + 10 * 60_000);
    const result = await check({ run: runs.stale }, tenMinutesOn);
    const cause = result.cause("work_pool_not_ready");
    expect(cause?.summary).toMatch(
      new RegExp(
        `worker "${staleWorker}"\\) was (9|10) min ago; Prefect marks a worker offline after 90 s`,
      ),
    );
    expect(cause?.evidence.values).toMatchObject({ workers: 1, offline_after_seconds: 90 });
    expect(cause?.evidence.values?.seconds_since_heartbeat).toBeGreaterThan(590);
    expect(cause?.evidence.timestamps?.last_heartbeat).toEqual(expect.any(String));

    // The same worker, judged now, is alive.
    expect((await check({ run: runs.stale })).ruledOut).toContain("work_pool_not_ready");
  });

  it("does not ask for a worker on a push pool, which Prefect Cloud runs itself", async () => {
    const result = await check({ run: runs.push });
    expect(result.codes).not.toContain("work_pool_not_ready");
    expect(result.ruledOut).not.toContain("work_pool_not_ready");
    expect(result.ruledOut).toContain("work_pool_paused");
  });

  it("finds a queue no worker polls while the pool's workers serve another", async () => {
    const result = await check({ run: runs.forgotten });
    expect(result.codes).toEqual(["work_queue_not_polled"]);
    expect(result.cause("work_queue_not_polled")?.summary).toMatch(
      /Work queue "forgotten" of pool .* is not polled: the pool's 1 online worker\(s\) poll other queues, and none has ever polled it \(threshold 60 s\)/,
    );
    expect(result.nextSteps).toEqual([
      `prefect worker start --pool "${pools.ready}" --work-queue "forgotten"`,
    ]);
  });
});

describe("checkWhyNotStarted: concurrency limits", () => {
  const poolName = uniqueName("limited-pool");
  const roomyPool = uniqueName("roomy-pool");
  const tag = uniqueName("tag");
  const freeTag = uniqueName("free-tag");
  const globalName = uniqueName("global");
  const runs = {} as Record<
    | "inFullPool"
    | "poolHolder"
    | "inRoomyPool"
    | "inFullQueue"
    | "queueHolder"
    | "tagged"
    | "freeTagged"
    | "awaitingGlobal"
    | "lateWithFullGlobal",
    FlowRun
  >;
  let taskHolder: string;
  let flowId: string;

  beforeAll(async () => {
    flowId = (await createFlow(seed)).id;
    await Promise.all([
      createWorkPool(seed, {
        name: poolName,
        concurrencyLimit: 1,
        queues: [{ name: "narrow", concurrencyLimit: 1 }],
      }),
      createWorkPool(seed, { name: roomyPool, concurrencyLimit: 2 }),
      createGlobalConcurrencyLimit(seed, { name: globalName, limit: 1, activeSlots: 1 }),
      createTagConcurrencyLimit(seed, { tag: freeTag, limit: 2 }),
    ]);
    [runs.poolHolder, runs.inFullPool, runs.inRoomyPool] = await Promise.all([
      createFlowRun(seed, {
        flowId,
        state: "Running",
        workPoolName: poolName,
        workQueueName: "narrow",
      }),
      lateRun(flowId, { workPoolName: poolName }),
      lateRun(flowId, { workPoolName: roomyPool }),
    ]);
    runs.queueHolder = runs.poolHolder;
    runs.inFullQueue = await lateRun(flowId, { workPoolName: poolName, workQueueName: "narrow" });
    await createFlowRun(seed, { flowId, state: "Running", workPoolName: roomyPool });

    const task = await createTaskRun(seed, {
      flowRunId: runs.poolHolder.id,
      state: "Running",
      tags: [tag],
    });
    taskHolder = task.id;
    await createTagConcurrencyLimit(seed, { tag, limit: 1, occupiedBy: [task.id] });
    [runs.tagged, runs.freeTagged, runs.awaitingGlobal, runs.lateWithFullGlobal] =
      await Promise.all([
        lateRun(flowId, { tags: [tag] }),
        lateRun(flowId, { tags: [freeTag] }),
        createFlowRun(seed, {
          flowId,
          state: {
            name: "AwaitingConcurrencySlot",
            message: `Waiting for a slot of "${globalName}"`,
          },
        }),
        lateRun(flowId, {}),
      ]);
  });

  it("finds a full work pool limit with the runs holding its slots", async () => {
    const result = await check({ run: runs.inFullPool });
    const cause = result.cause("work_pool_concurrency_full");
    expect(cause?.summary).toContain(
      `Work pool "${poolName}" is at its concurrency limit: 1 of 1 slots`,
    );
    expect(cause?.evidence).toMatchObject({
      ids: { holding_runs: [runs.poolHolder.id] },
      values: { limit: 1, active_slots: 1 },
    });
    expect(result.nextSteps).toContain(`prefect work-pool set-concurrency-limit "${poolName}" 2`);
    expect(result.ruledOut).toContain("work_queue_concurrency_full");
  });

  it("rules out a pool limit with a free slot", async () => {
    const result = await check({ run: runs.inRoomyPool });
    expect(result.codes).not.toContain("work_pool_concurrency_full");
    expect(result.ruledOut).toContain("work_pool_concurrency_full");
  });

  it("finds a full work queue limit alongside the full pool it sits in", async () => {
    const result = await check({ run: runs.inFullQueue });
    expect(result.codes).toEqual(
      expect.arrayContaining(["work_pool_concurrency_full", "work_queue_concurrency_full"]),
    );
    expect(result.cause("work_queue_concurrency_full")?.evidence).toMatchObject({
      ids: { holding_runs: [runs.queueHolder.id] },
      values: { limit: 1, active_slots: 1 },
    });
    expect(result.nextSteps).toContain(
      `prefect work-queue set-concurrency-limit "narrow" 2 --pool "${poolName}"`,
    );
  });

  it("finds a full tag limit on one of the run's tags, with the task runs holding it", async () => {
    const result = await check({ run: runs.tagged });
    const cause = result.cause("tag_concurrency_full");
    expect(cause?.summary).toContain(`"${tag}" (1 of 1 slots)`);
    expect(cause?.evidence).toMatchObject({
      ids: { holding_task_runs: [taskHolder] },
      values: { tags: [{ tag, limit: 1, active_slots: 1 }] },
    });
    expect(result.nextSteps).toEqual(
      expect.arrayContaining([
        `prefect concurrency-limit inspect "${tag}"`,
        `prefect concurrency-limit create "${tag}" 2`,
      ]),
    );
  });

  it("rules out a tag limit with free slots", async () => {
    const result = await check({ run: runs.freeTagged });
    expect(result.codes).not.toContain("tag_concurrency_full");
    expect(result.ruledOut).toContain("tag_concurrency_full");
  });

  it("blames a full global limit a run waiting for a slot names", async () => {
    const result = await check({ run: runs.awaitingGlobal });
    const cause = result.cause("global_concurrency_full");
    expect(cause?.summary).toContain(`"${globalName}" (1 of 1 slots)`);
    expect(cause?.summary).toContain("state message names it");
    // Only the named one, though other tests leave full global limits on this server.
    expect(cause?.evidence.values?.limits).toEqual([
      { name: globalName, limit: 1, active_slots: 1 },
    ]);
    expect(result.nextSteps).toContain(
      `prefect global-concurrency-limit update "${globalName}" --limit 2`,
    );
  });

  it("does not blame a full global limit for a run that is not waiting for a slot", async () => {
    const result = await check({ run: runs.lateWithFullGlobal });
    expect(result.codes).not.toContain("global_concurrency_full");
    expect(result.ruledOut).toContain("global_concurrency_full");
  });

  it("rules out every limit for a run that already holds its slots", async () => {
    const result = await check({ run: runs.poolHolder });
    expect(result.codes.filter((code) => CONCURRENCY_CODES.includes(code))).toEqual([]);
    expect(result.ruledOut).toEqual(
      expect.arrayContaining(
        CONCURRENCY_CODES.filter((code) => code !== "deployment_concurrency_full"),
      ),
    );
  });

  it("finds a full deployment limit for a run Prefect sent back to wait, naming the holder", async () => {
    const deployment = await createDeployment(seed, { flowId, concurrencyLimit: 1 });
    const holder = await proposePending(
      await createFlowRun(seed, { deploymentId: deployment.id, state: "Scheduled" }),
    );
    const waiter = await proposePending(
      await createFlowRun(seed, { deploymentId: deployment.id, state: "Late" }),
    );
    expect(holder.state_name).toBe("Pending");
    expect(waiter.state_name).toBe("AwaitingConcurrencySlot");

    const result = await check({ run: waiter });
    const cause = result.cause("deployment_concurrency_full");
    expect(cause?.summary).toMatch(
      /1 of 1 slots taken; runs wait in AwaitingConcurrencySlot \(collision strategy ENQUEUE\)/,
    );
    expect(cause?.evidence).toMatchObject({
      ids: { deployment: deployment.id, holding_runs: [holder.id] },
      values: { limit: 1, active_slots: 1, collision_strategy: "ENQUEUE" },
    });
    expect(result.nextSteps).toEqual(
      expect.arrayContaining([
        `prefect global-concurrency-limit update "deployment:${deployment.id}" --limit 2`,
        `prefect flow-run cancel ${holder.id}`,
      ]),
    );
    // The deployment's limit explains the wait, so no unrelated full global limit is blamed.
    expect(result.ruledOut).toContain("global_concurrency_full");
  });

  it("finds a disabled deployment limit, which Prefect treats as having no slot", async () => {
    const deployment = await createDeployment(seed, { flowId, concurrencyLimit: 3 });
    await seed.PATCH("/v2/concurrency_limits/{id_or_name}", {
      params: { path: { id_or_name: `deployment:${deployment.id}` } },
      body: { active: false },
    });
    const waiter = await proposePending(
      await createFlowRun(seed, { deploymentId: deployment.id, state: "Late" }),
    );
    expect(waiter.state_name).toBe("AwaitingConcurrencySlot");

    const result = await check({ run: waiter });
    expect(result.cause("deployment_concurrency_full")?.summary).toContain(
      "disabled concurrency limit",
    );
    expect(result.nextSteps).toContain(
      `prefect global-concurrency-limit enable "deployment:${deployment.id}"`,
    );
  });

  it("rules out a deployment limit with a free slot", async () => {
    const deployment = await createDeployment(seed, { flowId, concurrencyLimit: 2 });
    await proposePending(
      await createFlowRun(seed, { deploymentId: deployment.id, state: "Scheduled" }),
    );
    const late = await createFlowRun(seed, { deploymentId: deployment.id, state: "Late" });
    const result = await check({ run: late });
    expect(result.codes).not.toContain("deployment_concurrency_full");
    expect(result.ruledOut).toContain("deployment_concurrency_full");
  });
});

describe("checkWhyNotStarted: deployments", () => {
  let flowId: string;
  beforeAll(async () => {
    flowId = (await createFlow(seed)).id;
  });

  it("finds a paused deployment, and the API call that resumes it", async () => {
    const deployment = await createDeployment(seed, { flowId, paused: true });
    const result = await check({ deployment });
    expect(result.cause("deployment_paused")?.summary).toContain(
      `Deployment "${deployment.name}" is paused`,
    );
    expect(result.nextSteps).toContain(
      `prefect api POST /deployments/${deployment.id}/resume_deployment --data '{}'`,
    );

    // Pausing does not stop workers from taking a run that exists, so it is not why one waits.
    const run = await createFlowRun(seed, { deploymentId: deployment.id, state: "Late" });
    const forRun = await check({ run });
    expect(forRun.codes).not.toContain("deployment_paused");
    expect(forRun.ruledOut).not.toContain("deployment_paused");
  });

  it("rules out pausing for a deployment that is not paused", async () => {
    const deployment = await createDeployment(seed, { flowId });
    expect((await check({ deployment })).ruledOut).toContain("deployment_paused");
  });

  it("finds a served deployment no process polls, and rules it out once one does", async () => {
    const deployment = await createDeployment(seed, { flowId, entrypoint: "flows/etl.py:etl" });
    const result = await check({ deployment });
    expect(result.cause("deployment_not_polled")?.summary).toMatch(
      /has no work pool, so only a process serving it \(flow.serve\) starts its runs, and no process has ever polled it/,
    );
    expect(result.nextSteps).toContain(
      `Restart the process that serves deployment "${deployment.name}" (entrypoint flows/etl.py:etl)`,
    );

    const [polled] = await pollDeployments(seed, [deployment.id]);
    expect((await check({ deployment: polled })).ruledOut).toContain("deployment_not_polled");
  });

  it("reads the same few requests for one waiting run as for thirty", async () => {
    const pool = uniqueName("batch-pool");
    await createWorkPool(seed, { name: pool, concurrencyLimit: 1 });
    await createFlowRun(seed, { flowId, state: "Running", workPoolName: pool });
    const [one, many] = await Promise.all([
      createDeployment(seed, { flowId, workPoolName: pool, concurrencyLimit: 1 }),
      createDeployment(seed, { flowId, workPoolName: pool, concurrencyLimit: 1 }),
    ]);
    await createFlowRun(seed, { deploymentId: one.id, state: "Late", tags: [uniqueName("t")] });
    // One at a time: thirty parallel writes make SQLite's lock drop connections.
    for (let count = 0; count < 30; count++) {
      await createFlowRun(seed, { deploymentId: many.id, state: "Late", tags: [uniqueName("t")] });
    }

    const counted = async (deployment: typeof one) => {
      const before = requests;
      const result = await check({ deployment });
      return { requests: requests - before, codes: result.codes };
    };
    const forOne = await counted(one);
    const forMany = await counted(many);
    expect(forOne.codes).toContain("work_pool_concurrency_full");
    expect(forMany.codes).toContain("work_pool_concurrency_full");
    expect(forMany.requests).toBe(forOne.requests);
    expect(forMany.requests).toBeLessThanOrEqual(8);
  });
});
