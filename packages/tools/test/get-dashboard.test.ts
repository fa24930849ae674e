import {
  createDeployment,
  createFlow,
  createFlowRun,
  createGlobalConcurrencyLimit,
  createTagConcurrencyLimit,
  createTaskRun,
  createWorkPool,
  sendWorkerHeartbeat,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

describe("get_dashboard", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  // The dashboard reads workers for the first pools by name; "0-" keeps these among them on a
  // server shared with other test files.
  const pool = uniqueName("0-dashboard-pool");
  const pausedPool = uniqueName("0-dashboard-paused");
  const globalLimit = uniqueName("dashboard-global");
  const tag = uniqueName("dashboard-tag");
  const ids = {} as Record<"late" | "failed" | "crashed" | "deployment", string>;
  let deploymentName: string;
  let dashboard: Awaited<ReturnType<typeof tools.call>>["data"];

  beforeAll(async () => {
    tools = await connectTools();
    await createWorkPool(seed, {
      name: pool,
      concurrencyLimit: 2,
      queues: [{ name: "critical", concurrencyLimit: 1 }],
    });
    await createWorkPool(seed, { name: pausedPool, paused: true });
    await sendWorkerHeartbeat(seed, { workPoolName: pool });
    const flow = await createFlow(seed);

    // A running run holds a slot of the pool's limit and of its queue's.
    const running = await createFlowRun(seed, {
      flowId: flow.id,
      state: "Running",
      workPoolName: pool,
      workQueueName: "critical",
    });
    // A task run with the tag holds the tag's only slot.
    const task = await createTaskRun(seed, {
      flowRunId: running.id,
      state: "Running",
      tags: [tag],
    });
    await createTagConcurrencyLimit(seed, { tag, limit: 1, occupiedBy: [task.id] });
    await createGlobalConcurrencyLimit(seed, { name: globalLimit, limit: 3, activeSlots: 3 });

    // A run of a limited deployment takes its slot when Prefect's own rules move it to Pending.
    const deployment = await createDeployment(seed, { flowId: flow.id, concurrencyLimit: 1 });
    ids.deployment = deployment.id;
    deploymentName = deployment.name;
    const queued = await createFlowRun(seed, { deploymentId: deployment.id, state: "Scheduled" });
    await seed.POST("/flow_runs/{id}/set_state", {
      params: { path: { id: queued.id } },
      body: { state: { type: "PENDING", name: "Pending" }, force: false },
    });

    const late = await createFlowRun(seed, {
      flowId: flow.id,
      state: { name: "Late", scheduledTime: new Date(Date.now() - 60_000) },
    });
    ids.late = late.id;
    const failed = await createFlowRun(seed, {
      flowId: flow.id,
      state: { name: "Failed", message: "invoice 42 has no customer" },
    });
    ids.failed = failed.id;
    ids.crashed = (await createFlowRun(seed, { flowId: flow.id, state: "Crashed" })).id;

    const result = await tools.call("get_dashboard");
    expect(result.isError, result.text).toBeFalsy();
    dashboard = result.data;
  });
  afterAll(() => tools.close());

  const ofKind = (kind: string, name: string) =>
    dashboard.concurrency_limits[kind]?.find((limit: { name: string }) => limit.name === name);

  it("counts flow runs by state over the window", () => {
    const { flow_runs, window } = dashboard;
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(24 * 3_600_000);
    expect(flow_runs.by_state_type.FAILED).toBeGreaterThanOrEqual(1);
    expect(flow_runs.by_state_type.CRASHED).toBeGreaterThanOrEqual(1);
    expect(flow_runs.by_state_name.Late).toBeGreaterThanOrEqual(1);
    const summed = Object.values(flow_runs.by_state_type as Record<string, number>);
    expect(summed.reduce((a, b) => a + b, 0)).toBe(flow_runs.total);
  });

  it("lists a late run by id with how late it is", () => {
    const late = dashboard.problem_runs.late.runs.find(
      (run: { id: string }) => run.id === ids.late,
    );
    expect(late).toMatchObject({ state_name: "Late", expected_start_time: expect.any(String) });
    expect(late.late_by_seconds).toBeGreaterThanOrEqual(55);
  });

  it("lists failed and crashed runs by id, with the failure message and totals", () => {
    const { failed, crashed } = dashboard.problem_runs;
    expect(failed.runs.find((run: { id: string }) => run.id === ids.failed)).toMatchObject({
      state_name: "Failed",
      message: "invoice 42 has no customer",
    });
    expect(failed.total).toBeGreaterThanOrEqual(1);
    expect(failed.has_more).toBe(failed.total > failed.runs.length);
    expect(crashed.runs.map((run: { id: string }) => run.id)).toContain(ids.crashed);
  });

  it("shows a paused pool, and a pool's online worker with its last heartbeat", () => {
    const pools = dashboard.work_pools.pools;
    expect(pools.find((item: { name: string }) => item.name === pausedPool)).toMatchObject({
      status: "PAUSED",
      paused: true,
      online_workers: 0,
    });
    const live = pools.find((item: { name: string }) => item.name === pool);
    expect(live).toMatchObject({ status: "READY", paused: false, online_workers: 1 });
    expect(Date.now() - Date.parse(live.last_heartbeat)).toBeLessThan(5 * 60_000);
  });

  it("reports a full global limit with its used slots", () => {
    expect(ofKind("global", globalLimit)).toEqual({ name: globalLimit, limit: 3, active_slots: 3 });
  });

  it("reports a tag limit held by a task run under its tag, not among the global ones", () => {
    expect(ofKind("tag", tag)).toEqual({ name: tag, limit: 1, active_slots: 1 });
    expect(ofKind("global", `tag:${tag}`)).toBeUndefined();
  });

  it("reports a deployment's limit under the deployment's name", () => {
    expect(ofKind("deployment", deploymentName)).toEqual({
      name: deploymentName,
      id: ids.deployment,
      limit: 1,
      active_slots: 1,
    });
    expect(ofKind("global", `deployment:${ids.deployment}`)).toBeUndefined();
  });

  it("reports the work pool's and the work queue's limits against their running runs", () => {
    expect(ofKind("work_pool", pool)).toEqual({ name: pool, limit: 2, active_slots: 1 });
    const queue = dashboard.concurrency_limits.work_queue.find(
      (limit: { work_pool: string }) => limit.work_pool === pool,
    );
    expect(queue).toEqual({ name: "critical", work_pool: pool, limit: 1, active_slots: 1 });
  });

  it("covers a shorter window when asked", async () => {
    const result = await tools.call("get_dashboard", { window_hours: 1 });
    expect(result.isError).toBeFalsy();
    const { window, problem_runs } = result.data;
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(3_600_000);
    expect(problem_runs.failed.runs.map((run: { id: string }) => run.id)).toContain(ids.failed);
  });

  it("splits the window's counts into the intervals asked for, oldest first", async () => {
    const result = await tools.call("get_dashboard", { window_hours: 5, intervals: 7 });
    expect(result.isError, result.text).toBeFalsy();
    const { window, flow_runs } = result.data;
    type Interval = { start: string; end: string; states?: { name: string; count: number }[] };
    const intervals: Interval[] = flow_runs.intervals;
    expect(intervals).toHaveLength(7);
    expect(Date.parse(intervals[0]?.start ?? "")).toBe(Date.parse(window.start));
    // The last interval may end a millisecond late: 5 h do not split evenly into 7.
    const lastEnd = Date.parse(intervals.at(-1)?.end ?? "");
    expect(lastEnd - Date.parse(window.end)).toBeGreaterThanOrEqual(0);
    expect(lastEnd - Date.parse(window.end)).toBeLessThanOrEqual(7);
    for (const [index, interval] of intervals.entries()) {
      const next = intervals[index + 1];
      if (next) expect(Date.parse(next.start)).toBe(Date.parse(interval.end));
    }
    // Every run counted in the window is in exactly one interval, under its state name.
    const summed: Record<string, number> = {};
    for (const state of intervals.flatMap((interval) => interval.states ?? [])) {
      summed[state.name] = (summed[state.name] ?? 0) + state.count;
    }
    expect(summed).toEqual(flow_runs.by_state_name);
    expect(summed.Failed).toBeGreaterThanOrEqual(1);
  });

  it("leaves intervals out unless asked for them", () => {
    expect(dashboard.flow_runs.intervals).toBeUndefined();
  });

  it("rejects fewer than two intervals, naming the field", async () => {
    const result = await tools.call("get_dashboard", { intervals: 1 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/intervals/);
  });

  it("rejects a window over 30 days, naming the bound", async () => {
    const result = await tools.call("get_dashboard", { window_hours: 1000 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/window_hours must be at most 720 \(30 days\)/);
  });

  it("rejects a window that is not a whole number of hours", async () => {
    const result = await tools.call("get_dashboard", { window_hours: "24" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/window_hours expected number/);
  });
});
