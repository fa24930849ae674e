import { setTimeout as sleep } from "node:timers/promises";
import type { Schema } from "@prefect-mcp/client";
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

/**
 * Creates `count` runs of a deployment, 100 per request. The bulk route reports runs it could not
 * create (SQLite is busy while other test files write) instead of failing, so those are retried.
 */
async function createRunsInBulk(
  deploymentId: string,
  count: number,
  state: Schema<"StateCreate">,
): Promise<void> {
  let created = 0;
  for (let attempt = 0; created < count; attempt++) {
    if (attempt === 20) throw new Error(`created only ${created} of ${count} runs`);
    const { results = [] } = await seed.POST("/deployments/{id}/create_flow_run/bulk", {
      params: { path: { id: deploymentId } },
      body: Array.from({ length: Math.min(100, count - created) }, () => ({ state })),
    });
    const ok = results.filter((result) => result.status === "CREATED").length;
    created += ok;
    if (ok === 0) await sleep(250);
  }
}

describe("get_deployments", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  const tag = uniqueName("invoicing");
  const flowName = uniqueName("send-invoices");
  const poolName = uniqueName("pool");
  let billing: Deployment;
  let idle: Deployment;
  let failedRunId: string;

  beforeAll(async () => {
    tools = await connectTools();
    await createWorkPool(seed, { name: poolName, queues: [{ name: "batch" }] });
    const flow = await createFlow(seed, { name: flowName });
    billing = await createDeployment(seed, {
      flowId: flow.id,
      name: "a-billing",
      tags: [tag],
      paused: true,
      description: "Sends the month's invoices",
      schedules: [
        { cron: "0 9 * * 1-5", timezone: "Europe/Berlin" },
        { intervalSeconds: 5_400, active: false },
      ],
      parameters: { region: "eu" },
      concurrencyLimit: 2,
      collisionStrategy: "CANCEL_NEW",
      workPoolName: poolName,
      workQueueName: "batch",
    });
    // The flow's signature, as `prefect deploy` records it: defaults for region and days.
    await seed.PATCH("/deployments/{id}", {
      params: { path: { id: billing.id } },
      body: {
        parameter_openapi_schema: {
          type: "object",
          properties: {
            region: { type: "string", default: "us" },
            days: { type: "integer", default: 7 },
            dry_run: { type: "boolean" },
          },
          required: ["dry_run"],
        },
      },
    });
    idle = await createDeployment(seed, { flowId: flow.id, name: "b-idle", tags: [tag] });
    await createFlowRun(seed, { deploymentId: billing.id, state: "Completed" });
    failedRunId = (await createFlowRun(seed, { deploymentId: billing.id, state: "Failed" })).id;
    // Queued for the future: not the last run.
    await createFlowRun(seed, { deploymentId: billing.id, state: "Scheduled" });
  });
  afterAll(() => tools.close());

  it("shows schedules, paused, parameter defaults, pool, concurrency and the last run", async () => {
    const result = await tools.call("get_deployments", { filter: { tags: { all_: [tag] } } });
    expect(result.isError).toBeFalsy();
    expect(result.data.count).toBe(2);
    const [first, second] = result.data.deployments;
    expect(first).toEqual({
      id: billing.id,
      name: "a-billing",
      flow_name: flowName,
      description: "Sends the month's invoices",
      paused: true,
      status: "NOT_READY",
      tags: [tag],
      schedules: ["cron 0 9 * * 1-5 (Europe/Berlin)", "every 1h30m (UTC) [inactive]"],
      parameters: { region: "eu", days: 7 },
      work_pool_name: poolName,
      work_queue_name: "batch",
      concurrency: { limit: 2, active_slots: 0, collision_strategy: "CANCEL_NEW" },
      last_run: { id: failedRunId, state: "Failed", time: expect.any(String) },
    });
    expect(second).toMatchObject({ id: idle.id, name: "b-idle", paused: false });
    expect(second.last_run).toBeUndefined();
    expect(second.concurrency).toBeUndefined();
  });

  it("reads a page of deployments in 3 requests: deployments, flows, their latest runs", async () => {
    const requests: string[] = [];
    const counting = await connectTools({
      clientOptions: {
        fetch: (request: Request) => {
          requests.push(new URL(request.url).pathname.replace(/^.*\/api/, ""));
          return globalThis.fetch(request);
        },
      },
    });
    const result = await counting.call("get_deployments", { filter: { tags: { all_: [tag] } } });
    await counting.close();
    expect(result.data.count).toBe(2);
    expect(requests.sort()).toEqual(["/deployments/filter", "/flow_runs/filter", "/flows/filter"]);
  });

  it("finds the last run of a quiet deployment behind a busy one's 200 newer runs", async () => {
    const busyTag = uniqueName("busy");
    const flow = await createFlow(seed);
    const quiet = await createDeployment(seed, { flowId: flow.id, name: "quiet", tags: [busyTag] });
    const busy = await createDeployment(seed, { flowId: flow.id, name: "busy", tags: [busyTag] });
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    const quietRun = await createFlowRun(seed, {
      deploymentId: quiet.id,
      state: { name: "Late", scheduledTime: twoHoursAgo },
    });
    const due: Schema<"StateCreate"> = {
      type: "SCHEDULED",
      name: "Scheduled",
      state_details: { scheduled_time: new Date(Date.now() - 60_000).toISOString() },
    };
    await createRunsInBulk(busy.id, 201, due);

    const requests: string[] = [];
    const counting = await connectTools({
      clientOptions: {
        fetch: (request: Request) => {
          requests.push(new URL(request.url).pathname.replace(/^.*\/api/, ""));
          return globalThis.fetch(request);
        },
      },
    });
    const result = await counting.call("get_deployments", {
      filter: { tags: { all_: [busyTag] } },
    });
    await counting.close();
    const byName = Object.fromEntries(
      result.data.deployments.map((item: { name: string }) => [item.name, item]),
    );
    expect(byName.quiet.last_run).toMatchObject({ id: quietRun.id, state: "Late" });
    expect(byName.busy.last_run).toBeDefined();
    expect(result.data.notes).toBeUndefined();
    // A second runs request, for the quiet deployment alone.
    expect(requests.filter((path) => path === "/flow_runs/filter")).toHaveLength(2);
  });

  it("finds a deployment by id and pages with has_more", async () => {
    const byId = await tools.call("get_deployments", { filter: { id: { any_: [idle.id] } } });
    expect(byId.data.deployments.map((item: { name: string }) => item.name)).toEqual(["b-idle"]);
    const first = await tools.call("get_deployments", {
      filter: { tags: { all_: [tag] } },
      limit: 1,
    });
    expect(first.data).toMatchObject({ count: 1, has_more: true, next_offset: 1 });
  });

  it("names a misspelt filter key and lists the allowed ones", async () => {
    const result = await tools.call("get_deployments", { filter: { flow_name: { like_: "x" } } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /filter has an unknown key "flow_name".*allowed keys:.*flow_or_deployment_name/,
    );
  });

  it("says which type a filter value must have", async () => {
    const result = await tools.call("get_deployments", { filter: { paused: { eq_: "yes" } } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter\.paused\.eq_ must be boolean/);
  });

  it("rejects a deployment id in a filter that is not a full UUID", async () => {
    const result = await tools.call("get_deployments", { filter: { id: { any_: ["a-billing"] } } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter\.id\.any_\.0 must be a uuid/);
  });

  it("rejects an out-of-range limit naming the bound", async () => {
    const result = await tools.call("get_deployments", { limit: 201 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit must be at most 200/);
  });
});
