import { setTimeout as sleep } from "node:timers/promises";
import {
  createDeployment,
  createFlow,
  createFlowRun,
  createTagConcurrencyLimit,
  createTaskRun,
  createWorkPool,
  type Deployment,
  pollWorkQueues,
  sendWorkerHeartbeat,
  type ToolCallResult,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

describe("diagnose_deployment", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  // A pool whose worker polls its default queue: deployments in it have nothing wrong there.
  const pool = uniqueName("diagnosed-pool");
  let flow: { id: string; name: string };

  /** A heartbeat and a recorded poll, so the pool and its queue count as served right now. */
  async function keepPoolServed() {
    const before = Date.now() - 1_000;
    await sendWorkerHeartbeat(seed, { workPoolName: pool, workerName: "worker-1" });
    await pollWorkQueues(seed, { workPoolName: pool, workQueueNames: ["default"] });
    for (let attempt = 0; attempt < 100; attempt++) {
      const [queue] = await seed.POST("/work_pools/{work_pool_name}/queues/filter", {
        params: { path: { work_pool_name: pool } },
        body: { work_queues: { name: { any_: ["default"] } } },
      });
      if (queue?.last_polled && Date.parse(queue.last_polled) >= before) return;
      await sleep(100);
    }
    throw new Error("Prefect did not record the poll");
  }

  const deploy = (options: Parameters<typeof createDeployment>[1] = {}) =>
    createDeployment(seed, { flowId: flow.id, workPoolName: pool, ...options });
  const diagnose = async (deployment: Deployment, args: Record<string, unknown> = {}) => {
    const result = await tools.call("diagnose_deployment", {
      deployment_id: deployment.id,
      ...args,
    });
    expect(result.isError, result.text).toBeFalsy();
    return result;
  };
  const codes = (result: ToolCallResult) =>
    result.data.causes.map((cause: { code: string }) => cause.code);

  beforeAll(async () => {
    tools = await connectTools();
    await createWorkPool(seed, { name: pool });
    flow = await createFlow(seed);
  });
  beforeEach(keepPoolServed);
  afterAll(() => tools.close());

  it("finds nothing wrong with a scheduled deployment whose runs complete", async () => {
    const deployment = await deploy({ schedules: [{ cron: "0 0 1 1 *" }] });
    for (let count = 0; count < 2; count++) {
      await createFlowRun(seed, { deploymentId: deployment.id, state: "Completed" });
    }
    const result = await diagnose(deployment);
    expect(result.data.causes).toEqual([]);
    expect(result.data.verdict).toMatch(
      new RegExp(
        `^healthy: Deployment "${flow.name}/${deployment.name}" had 2 run\\(s\\) in the last 24 h, none failed, none late\\.$`,
      ),
    );
    expect(result.data.ruled_out).toEqual(
      expect.arrayContaining([
        "deployment_paused",
        "work_pool_paused",
        "work_queue_paused",
        "work_pool_not_ready",
        "work_queue_not_polled",
        "deployment_concurrency_full",
        "work_pool_concurrency_full",
        "work_queue_concurrency_full",
        "global_concurrency_full",
        "tag_concurrency_full",
        "recent_failures",
        "no_active_schedule",
      ]),
    );
    expect(result.data.subject).toMatchObject({
      kind: "deployment",
      id: deployment.id,
      name: deployment.name,
      flow_name: flow.name,
      paused: false,
      work_pool: pool,
      schedules: 1,
      active_schedules: 1,
      health: {
        window_hours: 24,
        runs: 2,
        by_state_type: { COMPLETED: 2 },
        failure_rate: 0,
        late_runs: 0,
      },
    });
    expect(result.data.next_steps).toEqual([]);
  });

  it("lists a paused deployment and a full tag limit on its late run's tag, both", async () => {
    const tag = uniqueName("etl");
    const deployment = await deploy({ paused: true, tags: [tag] });
    const holder = await createFlowRun(seed, { flowId: flow.id, state: "Running" });
    const task = await createTaskRun(seed, { flowRunId: holder.id, state: "Running", tags: [tag] });
    await createTagConcurrencyLimit(seed, { tag, limit: 1, occupiedBy: [task.id] });
    const late = await createFlowRun(seed, {
      deploymentId: deployment.id,
      state: { name: "Late", scheduledTime: new Date(Date.now() - 10 * 60_000) },
    });

    const result = await diagnose(deployment);
    expect(codes(result)).toEqual(["deployment_paused", "tag_concurrency_full"]);
    expect(result.data.verdict).toMatch(
      /: 1 run\(s\) late \(oldest by (9|10) min\); top cause: deployment_paused \(\+1 more\)\.$/,
    );
    expect(result.data.subject.health).toMatchObject({ late_runs: 1, late_run_ids: [late.id] });
    expect(result.data.subject.health.most_late_by_seconds).toBeGreaterThanOrEqual(599);
    expect(result.data.causes[1].evidence).toMatchObject({
      ids: { holding_task_runs: [task.id] },
      values: { tags: [{ tag, limit: 1, active_slots: 1 }] },
    });
    expect(result.text).toContain("1. [deployment_paused]");
    expect(result.text).toContain("2. [tag_concurrency_full]");
    expect(result.text).toContain(
      `prefect api POST /deployments/${deployment.id}/resume_deployment --data '{}'`,
    );
    expect(result.text).toContain(`prefect concurrency-limit create "${tag}" 2`);
    expect(result.text.length).toBeLessThan(1_200);
  });

  it("finds a high failure rate, with the failed runs and the call that explains the latest", async () => {
    const deployment = await deploy();
    await createFlowRun(seed, { deploymentId: deployment.id, state: "Completed" });
    const failed = [];
    for (let count = 0; count < 3; count++) {
      failed.push(
        await createFlowRun(seed, {
          deploymentId: deployment.id,
          state: { name: "Failed", message: `invoice ${count} has no customer\nTraceback …` },
        }),
      );
    }
    const result = await diagnose(deployment);
    expect(codes(result)).toEqual(["recent_failures"]);
    const [cause] = result.data.causes;
    expect(cause.summary).toMatch(
      /^3 of 4 finished runs in the last 24 h failed or crashed \(75%\); the latest, ".*", ended Failed: invoice 2 has no customer\.$/,
    );
    expect([...cause.evidence.ids.failed_runs].sort()).toEqual(failed.map((run) => run.id).sort());
    expect(cause.evidence.values).toMatchObject({ failure_rate: 0.75, threshold: 0.25 });
    expect(result.data.next_steps).toEqual([`diagnose_flow_run(flow_run_id="${failed[2]?.id}")`]);
  });

  it("rules out failures below a quarter of finished runs", async () => {
    const deployment = await deploy();
    await createFlowRun(seed, { deploymentId: deployment.id, state: "Failed" });
    for (let count = 0; count < 4; count++) {
      await createFlowRun(seed, { deploymentId: deployment.id, state: "Completed" });
    }
    const result = await diagnose(deployment);
    expect(result.data.causes).toEqual([]);
    expect(result.data.ruled_out).toContain("recent_failures");
    expect(result.data.verdict).toMatch(
      /had 5 run\(s\) in the last 24 h, 1 failed \(below the threshold\), none late/,
    );
  });

  it("finds schedules that are all inactive, with the command that resumes one", async () => {
    const deployment = await deploy({ schedules: [{ intervalSeconds: 3_600, active: false }] });
    const result = await diagnose(deployment);
    expect(codes(result)).toEqual(["no_active_schedule"]);
    expect(result.data.subject).toMatchObject({ schedules: 1, active_schedules: 0 });
    const scheduleId = deployment.schedules?.[0]?.id;
    expect(result.data.next_steps).toEqual([
      `prefect deployment schedule resume "${flow.name}/${deployment.name}" ${scheduleId}`,
    ]);
  });

  it("says when runs are late and none of the known causes applies", async () => {
    const deployment = await deploy();
    const late = await createFlowRun(seed, { deploymentId: deployment.id, state: "Late" });
    const result = await diagnose(deployment);
    expect(result.data.causes).toEqual([]);
    expect(result.data.verdict).toMatch(
      /1 run\(s\) late \(oldest by .*\), but none of the checked causes applies/,
    );
    expect(result.data.next_steps).toEqual([`diagnose_flow_run(flow_run_id="${late.id}")`]);
  });

  it("names deployment_id and get_deployments for an unknown deployment", async () => {
    const result = await tools.call("diagnose_deployment", {
      deployment_id: "00000000-0000-4000-8000-000000000000",
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/deployment_id: there is no deployment .*get_deployments/);
  });

  it("keeps its description within 400 characters", async () => {
    const { tools: listed } = await tools.client.listTools();
    const tool = listed.find((item) => item.name === "diagnose_deployment");
    expect(tool?.description?.length).toBeLessThanOrEqual(400);
  });
});
