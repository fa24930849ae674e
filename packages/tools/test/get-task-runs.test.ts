import { createFlow, createFlowRun, createTaskRun, runFixtureFlow } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUrl, connectTools, seed } from "./mcp-harness.js";

describe("get_task_runs", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  let retryingRunId: string;
  let pipelineRunId: string;
  let loadId: string;
  let pricesId: string;
  let invoiceId: string;

  beforeAll(async () => {
    tools = await connectTools();
    const retrying = runFixtureFlow("retrying-task", { apiUrl });
    const flow = await createFlow(seed);
    pipelineRunId = (await createFlowRun(seed, { flowId: flow.id, state: "Running" })).id;
    loadId = (
      await createTaskRun(seed, { flowRunId: pipelineRunId, name: "load", state: "Completed" })
    ).id;
    pricesId = (
      await createTaskRun(seed, { flowRunId: pipelineRunId, name: "prices", state: "Completed" })
    ).id;
    invoiceId = (
      await createTaskRun(seed, {
        flowRunId: pipelineRunId,
        name: "invoice",
        taskKey: "billing.invoice",
        state: { name: "Failed", message: "Task run encountered an exception KeyError: 'sku'" },
        upstream: { rows: [loadId], prices: [pricesId, loadId] },
      })
    ).id;
    retryingRunId = (await retrying).flowRunId;
  });
  afterAll(() => tools.close());

  it("shows a real task that retried twice: run_count 3, retries 2, and its error", async () => {
    const result = await tools.call("get_task_runs", {
      filter: { flow_run_id: { any_: [retryingRunId] } },
    });
    expect(result.isError).toBeFalsy();
    expect(result.data.count).toBe(1);
    expect(result.data.task_runs[0]).toMatchObject({
      flow_run_id: retryingRunId,
      task_key: expect.stringContaining("fetch_exchange_rates"),
      state_type: "FAILED",
      state_message: expect.stringContaining("rates.example.com refused the connection"),
      run_count: 3,
      retries: 2,
    });
  });

  it("summarises task_inputs as the upstream task run ids of each parameter", async () => {
    const result = await tools.call("get_task_runs", {
      filter: { flow_run_id: { any_: [pipelineRunId] }, state: { type: { any_: ["FAILED"] } } },
    });
    expect(result.data.task_runs).toHaveLength(1);
    const invoice = result.data.task_runs[0];
    expect(invoice).toMatchObject({
      id: invoiceId,
      name: "invoice",
      task_key: "billing.invoice",
      state_name: "Failed",
      state_message: "Task run encountered an exception KeyError: 'sku'",
      task_inputs: { rows: [loadId], prices: [pricesId, loadId] },
    });
    expect(invoice.duration_seconds).toBeGreaterThanOrEqual(0);
  });

  it("lists a flow run's task runs newest first, without empty task_inputs", async () => {
    const result = await tools.call("get_task_runs", {
      filter: { flow_run_id: { any_: [pipelineRunId] } },
    });
    expect(result.data.task_runs.map((run: { name: string }) => run.name)).toEqual([
      "invoice",
      "prices",
      "load",
    ]);
    expect(result.data.task_runs[2].task_inputs).toBeUndefined();
  });

  it("explains that task_inputs are dependencies, not argument values", async () => {
    const { tools: listed } = await tools.client.listTools();
    const description = listed.find((tool) => tool.name === "get_task_runs")?.description;
    expect(description).toMatch(
      /task_inputs \(per parameter, the ids of the upstream task runs that fed it; not values\)/,
    );
  });

  it("pages with has_more and next_offset", async () => {
    const filter = { flow_run_id: { any_: [pipelineRunId] } };
    const first = await tools.call("get_task_runs", { filter, limit: 2 });
    expect(first.data).toMatchObject({ count: 2, has_more: true, next_offset: 2 });
    const rest = await tools.call("get_task_runs", { filter, limit: 2, offset: 2 });
    expect(rest.data).toMatchObject({ count: 1, has_more: false });
  });

  it("names a misspelt filter key and lists the allowed ones", async () => {
    const result = await tools.call("get_task_runs", { filter: { flow_run: {} } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter has an unknown key "flow_run".*allowed keys:.*flow_run_id/);
  });

  it("rejects a flow run id in a filter that is not a full UUID", async () => {
    const result = await tools.call("get_task_runs", {
      filter: { flow_run_id: { any_: ["keen-whippet"] } },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter\.flow_run_id\.any_\.0 must be a uuid/);
  });

  it("names the bad state type and lists the valid ones", async () => {
    const result = await tools.call("get_task_runs", {
      filter: { state: { type: { any_: ["ERROR"] } } },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter\.state\.type\.any_\.0 must be one of: .*FAILED/);
  });

  it("rejects an out-of-range limit naming the bound", async () => {
    const result = await tools.call("get_task_runs", { limit: 0 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit .*>=1/);
  });
});
