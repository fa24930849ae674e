import { createPrefectClient, resolvePrefectSettings } from "@prefect-mcp/client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  createAutomation,
  createDeployment,
  createFlow,
  createFlowRun,
  createGlobalConcurrencyLimit,
  createLogs,
  createSeedClient,
  createTagConcurrencyLimit,
  createTaskRun,
  createWorkPool,
  emitEvents,
  type Flow,
  RUN_STATE_NAMES,
  SeedRequestError,
  sendWorkerHeartbeat,
  stateTypeOf,
  uniqueName,
} from "../src/index.js";

const apiUrl = inject("prefectApiUrl");
const seed = createSeedClient({ apiUrl });
// Everything seeded is read back the way the MCP tools will see it: through the read-only client.
const prefect = createPrefectClient(resolvePrefectSettings({ env: {}, overrides: { apiUrl } }));

describe("flows and deployments", () => {
  it("registers a flow that Prefect finds by its name", async () => {
    const name = uniqueName("etl");
    await createFlow(seed, { name, tags: ["nightly"] });

    const flow = await prefect.GET("/flows/name/{name}", { params: { path: { name } } });
    expect(flow).toMatchObject({ name, tags: ["nightly"] });
  });

  it("seeds a paused deployment with schedules, tags, parameters and a work queue", async () => {
    const { workPool } = await createWorkPool(seed);
    const deployment = await createDeployment(seed, {
      paused: true,
      tags: ["finance"],
      parameters: { region: "eu" },
      schedules: [
        { intervalSeconds: 3600 },
        { cron: "0 9 * * 1-5", timezone: "Europe/Berlin", active: false },
      ],
      workPoolName: workPool.name,
      workQueueName: "invoices",
    });

    const read = await prefect.GET("/deployments/{id}", {
      params: { path: { id: deployment.id } },
    });
    expect(read).toMatchObject({
      paused: true,
      tags: ["finance"],
      parameters: { region: "eu" },
      work_pool_name: workPool.name,
      work_queue_name: "invoices",
    });
    const schedules = read.schedules?.map(({ schedule, active }) => ({ schedule, active }));
    expect(schedules).toEqual(
      expect.arrayContaining([
        { schedule: expect.objectContaining({ interval: 3600 }), active: true },
        {
          schedule: expect.objectContaining({ cron: "0 9 * * 1-5", timezone: "Europe/Berlin" }),
          active: false,
        },
      ]),
    );
  });

  it("seeds a deployment concurrency limit that cancels new runs on collision", async () => {
    const deployment = await createDeployment(seed, {
      concurrencyLimit: 2,
      collisionStrategy: "CANCEL_NEW",
    });

    const read = await prefect.GET("/deployments/{id}", {
      params: { path: { id: deployment.id } },
    });
    // Prefect keeps the number on a global limit of its own, not in `concurrency_limit`.
    expect(read.global_concurrency_limit).toMatchObject({ limit: 2, active_slots: 0 });
    expect(read.concurrency_options).toMatchObject({ collision_strategy: "CANCEL_NEW" });
  });
});

describe("flow runs", () => {
  let flow: Flow;
  beforeAll(async () => {
    flow = await createFlow(seed);
  });

  const runsInState = (stateName: string) =>
    prefect.POST("/flow_runs/filter", {
      body: {
        flows: { name: { any_: [flow.name] } },
        flow_runs: { state: { name: { any_: [stateName] } } },
      },
    });

  it("seeds a late flow run that Prefect reports as Late", async () => {
    const run = await createFlowRun(seed, { flowId: flow.id, state: "Late" });

    const late = await runsInState("Late");
    expect(late.map((found) => found.id)).toEqual([run.id]);
    expect(late[0]).toMatchObject({ state_type: "SCHEDULED", state_name: "Late" });
    expect(Date.parse(late[0]?.expected_start_time ?? "")).toBeLessThan(Date.now());
  });

  it("seeds a scheduled flow run that is due in the future", async () => {
    const due = new Date(Date.now() + 2 * 60 * 60 * 1000);
    const run = await createFlowRun(seed, {
      flowId: flow.id,
      state: { name: "Scheduled", scheduledTime: due },
    });

    const read = await prefect.GET("/flow_runs/{id}", { params: { path: { id: run.id } } });
    expect(read).toMatchObject({ state_type: "SCHEDULED", state_name: "Scheduled" });
    expect(Date.parse(read.next_scheduled_start_time ?? "")).toBe(due.getTime());
  });

  it.each(RUN_STATE_NAMES)("seeds a flow run that Prefect reports as %s", async (stateName) => {
    const message = `seeded ${stateName} for a test`;
    const run = await createFlowRun(seed, {
      flowId: flow.id,
      state: { name: stateName, message },
    });

    const read = await prefect.GET("/flow_runs/{id}", { params: { path: { id: run.id } } });
    expect(read).toMatchObject({ state_type: stateTypeOf(stateName), state_name: stateName });
    expect(read.state?.message).toBe(message);
    const started = !["SCHEDULED", "PENDING"].includes(stateTypeOf(stateName));
    expect(read.start_time != null).toBe(started);
    expect(read.run_count).toBe(started ? 1 : 0);
  });

  it("gives a seeded failed run the state history of a real one", async () => {
    const run = await createFlowRun(seed, {
      flowId: flow.id,
      state: { name: "Failed", message: "Flow run encountered an exception: KeyError('sku')" },
    });

    const history = await prefect.GET("/flow_run_states/", {
      params: { query: { flow_run_id: run.id } },
    });
    expect(history.map((state) => state.name)).toEqual(["Pending", "Running", "Failed"]);
    const read = await prefect.GET("/flow_runs/{id}", { params: { path: { id: run.id } } });
    expect(read.end_time).not.toBeNull();
    expect(read.total_run_time).toBeGreaterThan(0);
  });

  it("creates a deployment's flow run in the deployment's work queue", async () => {
    const { workPool } = await createWorkPool(seed);
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      workPoolName: workPool.name,
      workQueueName: "reports",
      parameters: { day: "monday" },
    });
    const run = await createFlowRun(seed, {
      deploymentId: deployment.id,
      state: "AwaitingConcurrencySlot",
    });

    const read = await prefect.GET("/flow_runs/{id}", { params: { path: { id: run.id } } });
    expect(read).toMatchObject({
      deployment_id: deployment.id,
      work_queue_name: "reports",
      work_pool_name: workPool.name,
      parameters: { day: "monday" },
      state_name: "AwaitingConcurrencySlot",
    });
  });
});

describe("task runs and logs", () => {
  it("seeds a failed task run linked to the upstream task run that fed it", async () => {
    const run = await createFlowRun(seed, {
      flowId: (await createFlow(seed)).id,
      state: "Failed",
    });
    const load = await createTaskRun(seed, {
      flowRunId: run.id,
      name: "load-invoices",
      state: "Completed",
    });
    const charge = await createTaskRun(seed, {
      flowRunId: run.id,
      name: "charge-invoices",
      upstream: { invoices: [load.id] },
      state: { name: "Failed", message: "Task run encountered an exception KeyError: 'sku'" },
    });

    const taskRuns = await prefect.POST("/task_runs/filter", {
      body: { flow_runs: { id: { any_: [run.id] } }, sort: "EXPECTED_START_TIME_ASC" },
    });
    expect(taskRuns.map((taskRun) => [taskRun.name, taskRun.state_name])).toEqual([
      ["load-invoices", "Completed"],
      ["charge-invoices", "Failed"],
    ]);
    const failed = taskRuns.find((taskRun) => taskRun.id === charge.id);
    expect(failed?.task_inputs?.invoices).toEqual([{ input_type: "task_run", id: load.id }]);
    expect(failed?.state?.message).toBe("Task run encountered an exception KeyError: 'sku'");
    expect(failed?.run_count).toBe(1);
  });

  it("writes logs that Prefect returns for the run, with their levels and task run", async () => {
    const run = await createFlowRun(seed, { flowId: (await createFlow(seed)).id, state: "Failed" });
    const task = await createTaskRun(seed, { flowRunId: run.id, state: "Failed" });
    const start = Date.now() - 60_000;
    await createLogs(seed, [
      { flowRunId: run.id, message: "Beginning flow run", timestamp: new Date(start) },
      {
        flowRunId: run.id,
        taskRunId: task.id,
        level: "ERROR",
        message: "Task run failed with exception: KeyError('sku')",
        timestamp: new Date(start + 1_000),
      },
      { flowRunId: run.id, level: "DEBUG", message: "cleanup", timestamp: new Date(start + 2_000) },
    ]);

    const logs = await prefect.POST("/logs/filter", {
      body: { logs: { flow_run_id: { any_: [run.id] } }, sort: "TIMESTAMP_ASC" },
    });
    expect(logs.map((log) => [log.level, log.message, log.task_run_id ?? null])).toEqual([
      [20, "Beginning flow run", null],
      [40, "Task run failed with exception: KeyError('sku')", task.id],
      [10, "cleanup", null],
    ]);
  });
});

describe("work pools, queues and workers", () => {
  it("seeds a paused work pool that Prefect reports as PAUSED", async () => {
    const { workPool } = await createWorkPool(seed, { paused: true, concurrencyLimit: 3 });

    const read = await prefect.GET("/work_pools/{name}", {
      params: { path: { name: workPool.name } },
    });
    expect(read).toMatchObject({ type: "process", status: "PAUSED", concurrency_limit: 3 });
  });

  it("gives a work pool several queues, one paused and one limited", async () => {
    const { workPool } = await createWorkPool(seed, {
      queues: [
        { name: "critical", priority: 1 },
        { name: "backfill", paused: true },
        { name: "reports", concurrencyLimit: 2 },
      ],
    });

    const queues = await prefect.POST("/work_pools/{work_pool_name}/queues/filter", {
      params: { path: { work_pool_name: workPool.name } },
    });
    const byName = Object.fromEntries(queues.map((queue) => [queue.name, queue]));
    expect(Object.keys(byName).sort()).toEqual(["backfill", "critical", "default", "reports"]);
    expect(byName.critical?.priority).toBe(1);
    expect(byName.backfill).toMatchObject({ is_paused: true, status: "PAUSED" });
    expect(byName.reports).toMatchObject({ concurrency_limit: 2, is_paused: false });
  });

  it("reports a worker that sent a heartbeat as ONLINE and its pool as READY", async () => {
    const { workPool } = await createWorkPool(seed);
    const worker = await sendWorkerHeartbeat(seed, {
      workPoolName: workPool.name,
      workerName: "worker-on-host-1",
    });

    const workers = await prefect.POST("/work_pools/{work_pool_name}/workers/filter", {
      params: { path: { work_pool_name: workPool.name } },
    });
    expect(workers).toEqual([
      expect.objectContaining({ id: worker.id, name: "worker-on-host-1", status: "ONLINE" }),
    ]);
    const pool = await prefect.GET("/work_pools/{name}", {
      params: { path: { name: workPool.name } },
    });
    expect(pool.status).toBe("READY");
  });
});

describe("concurrency limits", () => {
  it("seeds a tag concurrency limit whose slots are held by task runs", async () => {
    const run = await createFlowRun(seed, {
      flowId: (await createFlow(seed)).id,
      state: "Running",
    });
    const holders = [
      await createTaskRun(seed, { flowRunId: run.id, state: "Running" }),
      await createTaskRun(seed, { flowRunId: run.id, state: "Running" }),
    ].map((taskRun) => taskRun.id);
    const tag = uniqueName("database");
    await createTagConcurrencyLimit(seed, { tag, limit: 2, occupiedBy: holders });

    const read = await prefect.GET("/concurrency_limits/tag/{tag}", {
      params: { path: { tag } },
    });
    expect(read.concurrency_limit).toBe(2);
    expect([...(read.active_slots ?? [])].sort()).toEqual([...holders].sort());
    // Prefect 3.9 keeps tag limits as global limits named `tag:<tag>`.
    const global = await prefect.GET("/v2/concurrency_limits/{id_or_name}", {
      params: { path: { id_or_name: `tag:${tag}` } },
    });
    expect(global).toMatchObject({ limit: 2, active_slots: 2 });
  });

  it("seeds a global concurrency limit whose slots are all taken", async () => {
    const limit = await createGlobalConcurrencyLimit(seed, { limit: 3, activeSlots: 3 });

    const all = await prefect.POST("/v2/concurrency_limits/filter", { body: { limit: 200 } });
    expect(all.find((found) => found.name === limit.name)).toMatchObject({
      limit: 3,
      active_slots: 3,
      active: true,
    });
  });
});

describe("automations and events", () => {
  const automationNamed = async (name: string) => {
    const found = await prefect.POST("/automations/filter", {
      body: { automations: { name: { any_: [name] } } },
    });
    expect(found).toHaveLength(1);
    return found[0];
  };

  it("seeds a reactive automation on failed flow runs that does nothing harmful", async () => {
    const { name } = await createAutomation(seed, {
      trigger: {
        expect: ["prefect.flow-run.Failed", "prefect.flow-run.Crashed"],
        match: { "prefect.resource.id": "prefect.flow-run.*" },
        forEach: ["prefect.resource.id"],
        threshold: 3,
        withinSeconds: 600,
      },
    });

    const automation = await automationNamed(name);
    expect(automation).toMatchObject({
      enabled: true,
      trigger: { type: "event", posture: "Reactive", threshold: 3, within: 600 },
      actions: [{ type: "do-nothing" }],
    });
    // Prefect keeps `expect` as a set, so its order is not preserved.
    const trigger = automation?.trigger as { expect?: string[] };
    expect(trigger.expect?.sort()).toEqual(["prefect.flow-run.Crashed", "prefect.flow-run.Failed"]);
  });

  it("seeds a proactive automation and a disabled one", async () => {
    const proactive = await createAutomation(seed, {
      trigger: {
        posture: "Proactive",
        after: ["prefect.flow-run.Running"],
        expect: ["prefect.flow-run.Completed"],
        withinSeconds: 1800,
      },
    });
    const disabled = await createAutomation(seed, { enabled: false });

    expect(await automationNamed(proactive.name)).toMatchObject({
      enabled: true,
      trigger: { posture: "Proactive", after: ["prefect.flow-run.Running"], within: 1800 },
    });
    expect(await automationNamed(disabled.name)).toMatchObject({ enabled: false });
  });

  it("records events that Prefect finds by their resource", async () => {
    const resourceId = `acme.invoice.${uniqueName("inv")}`;
    const [event] = await emitEvents(seed, [
      {
        event: "acme.invoice.overdue",
        resourceId,
        resourceLabels: { "prefect.resource.name": "invoice 42" },
        payload: { days_overdue: 3 },
      },
    ]);

    const page = await prefect.POST("/events/filter", {
      body: { filter: { resource: { id: [resourceId] } } },
    });
    expect(page.events).toEqual([
      expect.objectContaining({
        id: event?.id,
        event: "acme.invoice.overdue",
        resource: { "prefect.resource.id": resourceId, "prefect.resource.name": "invoice 42" },
        payload: { days_overdue: 3 },
      }),
    ]);
  });
});

describe("the seed client", () => {
  it("explains a refused request with the method, path, status and Prefect's detail", async () => {
    const { workPool } = await createWorkPool(seed);

    const error = await createWorkPool(seed, { name: workPool.name }).catch((caught) => caught);
    expect(error).toBeInstanceOf(SeedRequestError);
    expect(error).toMatchObject({ method: "POST", path: "/work_pools/", status: 409 });
    expect(error.message).toBe(
      "POST /work_pools/ failed with HTTP 409: A work pool with this name already exists.",
    );
  });

  it("names the field Prefect rejects in an invalid body", async () => {
    const error = await createFlowRun(seed, { flowId: "not-a-uuid" }).catch((caught) => caught);

    expect(error).toBeInstanceOf(SeedRequestError);
    expect(error).toMatchObject({ method: "POST", path: "/flow_runs/", status: 422 });
    expect(error.detail).toMatch(/^body\.flow_id: /);
  });
});
