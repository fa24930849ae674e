import {
  createAutomation,
  createDeployment,
  createFlow,
  createFlowRun,
  type Deployment,
  emitEvents,
  type RunStateName,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

type Item = Record<string, unknown> & { name: string };

describe("get_deployment_activity", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  const tag = uniqueName("activity");
  const flowName = uniqueName("ledger");
  let busy: Deployment;
  let idle: Deployment;
  let lastRunId: string;
  const filter = () => ({ tags: { all_: [tag] } });
  const byName = (items: Item[]) => Object.fromEntries(items.map((item) => [item.name, item]));

  beforeAll(async () => {
    tools = await connectTools();
    const flow = await createFlow(seed, { name: flowName });
    busy = await createDeployment(seed, {
      flowId: flow.id,
      name: "a-busy",
      tags: [tag],
      schedules: [{ cron: "0 3 * * *" }],
      paused: true,
    });
    idle = await createDeployment(seed, { flowId: flow.id, name: "b-idle", tags: [tag] });
    const outcomes: RunStateName[] = ["Completed", "Completed", "Failed", "Crashed", "Cancelled"];
    for (const state of outcomes) {
      lastRunId = (await createFlowRun(seed, { deploymentId: busy.id, state })).id;
    }
    // An automation that would run the busy deployment (on an event that never comes), and a
    // disabled one that does not count.
    for (const enabled of [true, false]) {
      await createAutomation(seed, {
        enabled,
        trigger: { expect: ["acme.never"], match: { "prefect.resource.id": "acme.nothing" } },
        actions: [{ type: "run-deployment", source: "selected", deployment_id: busy.id }],
      });
    }
    const related = [
      {
        "prefect.resource.id": `prefect.deployment.${busy.id}`,
        "prefect.resource.role": "deployment",
      },
    ];
    await emitEvents(seed, [
      { event: "acme.invoice.sent", resourceId: "acme.invoice.1", related },
      { event: "acme.invoice.sent", resourceId: "acme.invoice.2", related },
      { event: "acme.report.published", resourceId: "acme.report.1", related },
      // Prefect's own events are not output.
      { event: "prefect.flow-run.Completed", resourceId: `prefect.flow-run.${lastRunId}`, related },
    ]);
  });
  afterAll(() => tools.close());

  it("counts runs by outcome, the last run, automations and output events per deployment", async () => {
    const result = await tools.call("get_deployment_activity", { filter: filter() });
    expect(result.isError).toBeFalsy();
    expect(result.data.notes).toBeUndefined();
    expect(result.data.count).toBe(2);
    const { "a-busy": first, "b-idle": second } = byName(result.data.deployments);
    expect(first).toEqual({
      id: busy.id,
      name: "a-busy",
      flow_name: flowName,
      paused: true,
      has_active_schedule: true,
      runs: { total: 5, completed: 2, failed: 1, crashed: 1, cancelled: 1 },
      last_run: { id: lastRunId, state: "Cancelled", time: expect.any(String) },
      last_completed_time: expect.any(String),
      run_by_automations: 1,
      output_events: { count: 3, names: ["acme.invoice.sent", "acme.report.published"] },
    });
    expect(second).toEqual({
      id: idle.id,
      name: "b-idle",
      flow_name: flowName,
      paused: false,
      has_active_schedule: false,
      runs: { total: 0, completed: 0, failed: 0, crashed: 0, cancelled: 0 },
      run_by_automations: 0,
      output_events: { count: 0 },
    });
    const days =
      (Date.parse(result.data.window_end) - Date.parse(result.data.window_start)) / 864e5;
    expect(days).toBe(30);
  });

  it("counts only runs that started in the window, but still shows the last run", async () => {
    const later = new Date(Date.now() + 10 * 86_400_000);
    const future = await connectTools({ now: () => later });
    const result = await future.call("get_deployment_activity", {
      filter: filter(),
      window_days: 7,
    });
    await future.close();
    const busyActivity = byName(result.data.deployments)["a-busy"];
    expect(busyActivity?.runs).toEqual({
      total: 0,
      completed: 0,
      failed: 0,
      crashed: 0,
      cancelled: 0,
    });
    expect(busyActivity?.last_run).toMatchObject({ id: lastRunId });
    expect(busyActivity?.output_events).toEqual({ count: 0 });
  });

  it("reads a page with a fixed number of requests, none per deployment", async () => {
    const requests: string[] = [];
    const counting = await connectTools({
      clientOptions: {
        fetch: (request: Request) => {
          requests.push(new URL(request.url).pathname.replace(/^.*\/api/, ""));
          return globalThis.fetch(request);
        },
      },
    });
    await counting.call("get_deployment_activity", { filter: filter() });
    await counting.close();
    expect(requests.sort()).toEqual([
      "/automations/filter",
      "/deployments/filter",
      "/events/filter",
      "/flow_runs/filter",
      "/flow_runs/filter",
      "/flow_runs/filter",
      "/flows/filter",
    ]);
  });

  it("leaves a field it cannot read null, says why, and keeps the rest", async () => {
    const degraded = await connectTools({
      clientOptions: {
        fetch: (request: Request) =>
          new URL(request.url).pathname.endsWith("/events/filter")
            ? Promise.resolve(
                Response.json({ detail: "event storage is unavailable" }, { status: 500 }),
              )
            : globalThis.fetch(request),
      },
    });
    const result = await degraded.call("get_deployment_activity", { filter: filter() });
    await degraded.close();
    expect(result.isError).toBeFalsy();
    const first = byName(result.data.deployments)["a-busy"];
    expect(first?.output_events).toBeNull();
    expect(first?.runs).toMatchObject({ total: 5, failed: 1 });
    expect(first?.run_by_automations).toBe(1);
    expect(result.data.notes).toEqual([
      expect.stringMatching(/^output_events unavailable: .*HTTP 500.*event storage is unavailable/),
    ]);
  });

  it("rejects window_days outside 1–365", async () => {
    const result = await tools.call("get_deployment_activity", { window_days: 400 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/window_days must be at most 365/);
  });

  it("names a misspelt filter key and lists the allowed ones", async () => {
    const result = await tools.call("get_deployment_activity", { filter: { tag: {} } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter has an unknown key "tag".*allowed keys:.*tags/);
  });

  it("rejects a deployment id in a filter that is not a full UUID", async () => {
    const result = await tools.call("get_deployment_activity", {
      filter: { id: { any_: ["a-busy"] } },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter\.id\.any_\.0 must be a uuid/);
  });

  it("rejects an out-of-range limit naming the bound", async () => {
    const result = await tools.call("get_deployment_activity", { limit: 1_000 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit must be at most 200/);
  });
});
