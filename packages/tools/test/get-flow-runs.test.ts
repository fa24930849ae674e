import {
  createDeployment,
  createFlow,
  createFlowRun,
  createWorkPool,
  type Deployment,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

describe("get_flow_runs", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  const tag = uniqueName("billing-runs");
  const busyTag = uniqueName("busy");
  const poolName = uniqueName("pool");
  let deployments: Deployment[];
  let lateRunId: string;
  let failedRunId: string;

  beforeAll(async () => {
    tools = await connectTools();
    await createWorkPool(seed, { name: poolName, queues: [{ name: "critical" }] });
    const flow = await createFlow(seed, { name: uniqueName("billing") });
    deployments = [];
    for (const name of ["nightly", "hourly", "adhoc"]) {
      deployments.push(
        await createDeployment(seed, {
          flowId: flow.id,
          name: uniqueName(name),
          workPoolName: poolName,
          workQueueName: "critical",
        }),
      );
    }
    const [nightly, hourly] = deployments as [Deployment, Deployment, Deployment];
    lateRunId = (
      await createFlowRun(seed, { deploymentId: nightly.id, state: "Late", tags: [tag] })
    ).id;
    failedRunId = (
      await createFlowRun(seed, {
        deploymentId: hourly.id,
        state: { name: "Failed", message: "Flow run encountered an exception: KeyError('id')" },
        tags: [tag],
        parameters: { day: "2025-01-31" },
      })
    ).id;
    // 20 runs spread over the three deployments, for the batching check. One at a time: Prefect's
    // SQLite answers 503 to concurrent writes.
    for (let index = 0; index < 20; index++) {
      const deployment = deployments[index % 3] as Deployment;
      await createFlowRun(seed, { deploymentId: deployment.id, tags: [busyTag] });
    }
  });
  afterAll(() => tools.close());

  it("shows a Late run's lateness with its flow, deployment, work pool and queue names", async () => {
    const result = await tools.call("get_flow_runs", {
      filter: { tags: { all_: [tag] }, state: { name: { any_: ["Late"] } } },
    });
    expect(result.isError).toBeFalsy();
    expect(result.data.count).toBe(1);
    const run = result.data.flow_runs[0];
    expect(run).toMatchObject({
      id: lateRunId,
      state_type: "SCHEDULED",
      state_name: "Late",
      flow_name: expect.stringMatching(/^billing-/),
      deployment_id: deployments[0]?.id,
      deployment_name: deployments[0]?.name,
      work_pool_name: poolName,
      work_queue_name: "critical",
    });
    // Seeded 10 minutes behind schedule.
    expect(run.lateness_seconds).toBeGreaterThan(590);
    expect(run.lateness_seconds).toBeLessThan(900);
    expect(run.start_time).toBeUndefined();
  });

  it("finds failed runs by state type, with the state message, times and parameters", async () => {
    const result = await tools.call("get_flow_runs", {
      filter: { tags: { all_: [tag] }, state: { type: { any_: ["FAILED"] } } },
    });
    expect(result.data.flow_runs).toHaveLength(1);
    const run = result.data.flow_runs[0];
    expect(run).toMatchObject({
      id: failedRunId,
      state_name: "Failed",
      state_message: "Flow run encountered an exception: KeyError('id')",
      parameters: { day: "2025-01-31" },
      run_count: 1,
      deployment_name: deployments[1]?.name,
    });
    expect(Date.parse(run.end_time)).toBeGreaterThanOrEqual(Date.parse(run.start_time));
    expect(run.duration_seconds).toBeGreaterThanOrEqual(0);
  });

  it("resolves names for 20 runs of 3 deployments in 3 requests: runs, flows, deployments", async () => {
    let requests: string[] = [];
    const counting = await connectTools({
      clientOptions: {
        fetch: (request: Request) => {
          requests.push(`${request.method} ${new URL(request.url).pathname}`);
          return globalThis.fetch(request);
        },
      },
    });
    const many = await counting.call("get_flow_runs", { filter: { tags: { all_: [busyTag] } } });
    expect(many.data.count).toBe(20);
    expect(
      new Set(many.data.flow_runs.map((run: { deployment_name: string }) => run.deployment_name)),
    ).toEqual(new Set(deployments.map((deployment) => deployment.name)));
    const forMany = requests;

    requests = [];
    const few = await counting.call("get_flow_runs", {
      filter: { tags: { all_: [busyTag] } },
      limit: 2,
    });
    expect(few.data.count).toBe(2);
    await counting.close();

    expect(forMany).toHaveLength(3);
    expect(forMany.map((request) => request.replace(/^.*\/api/, "")).sort()).toEqual([
      "/deployments/filter",
      "/flow_runs/filter",
      "/flows/filter",
    ]);
    expect(requests).toHaveLength(forMany.length);
  });

  it("pages newest first with has_more and next_offset", async () => {
    const filter = { tags: { all_: [busyTag] } };
    const first = await tools.call("get_flow_runs", { filter, limit: 15 });
    expect(first.data).toMatchObject({ count: 15, has_more: true, next_offset: 15 });
    const rest = await tools.call("get_flow_runs", { filter, limit: 15, offset: 15 });
    expect(rest.data).toMatchObject({ count: 5, has_more: false });
    const ids = [...first.data.flow_runs, ...rest.data.flow_runs].map((run) => run.id);
    expect(new Set(ids).size).toBe(20);
  });

  it("accepts limit 200, Prefect's own maximum per request", async () => {
    const result = await tools.call("get_flow_runs", {
      filter: { tags: { all_: [busyTag] } },
      limit: 200,
    });
    expect(result.isError).toBeFalsy();
    expect(result.data).toMatchObject({ count: 20, has_more: false });
  });

  it("applies a jmespath selection", async () => {
    const result = await tools.call("get_flow_runs", {
      filter: { tags: { all_: [tag] } },
      jmespath: "flow_runs[?state_name=='Late'].id",
    });
    expect(result.data.result).toEqual([lateRunId]);
  });

  it("names a misspelt filter key and lists the allowed ones", async () => {
    const result = await tools.call("get_flow_runs", { filter: { staet: {} } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter has an unknown key "staet".*allowed keys:.*state/);
  });

  it("names the bad state type and lists the valid ones", async () => {
    const result = await tools.call("get_flow_runs", {
      filter: { state: { type: { any_: ["BROKEN"] } } },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter\.state\.type\.any_\.0 must be one of: .*FAILED/);
  });

  it("rejects an id in a filter that is not a full UUID", async () => {
    const result = await tools.call("get_flow_runs", { filter: { id: { any_: ["abc123"] } } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter\.id\.any_\.0 must be a uuid \(a full id like/);
  });

  it("rejects an out-of-range limit naming the bound", async () => {
    const result = await tools.call("get_flow_runs", { limit: 500 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit must be at most 200; page with offset/);
  });
});
