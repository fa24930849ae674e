import { createFlow, createFlowRun, createLogs, runFixtureFlow } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUrl, connectTools, seed } from "./mcp-harness.js";

describe("get_flow_run_logs", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  let failedRunId: string;
  let seededRunId: string;
  let noisyRunId: string;

  beforeAll(async () => {
    tools = await connectTools();
    const failing = runFixtureFlow("failing-task", { apiUrl });
    const flow = await createFlow(seed);
    seededRunId = (await createFlowRun(seed, { flowId: flow.id, name: "nightly-load" })).id;
    const start = Date.parse("2025-01-31T12:00:00Z");
    await createLogs(seed, [
      { flowRunId: seededRunId, message: "starting", timestamp: new Date(start) },
      { flowRunId: seededRunId, message: "loaded 10 rows", timestamp: new Date(start + 1_000) },
      {
        flowRunId: seededRunId,
        message: "slow source",
        level: "WARNING",
        timestamp: new Date(start + 2_000),
      },
      {
        flowRunId: seededRunId,
        message: `Traceback (most recent call last):\n${"  frame\n".repeat(2_000)}KeyError: 'customer'`,
        level: "ERROR",
        logger: "prefect.task_runs",
        timestamp: new Date(start + 3_000),
      },
      { flowRunId: seededRunId, message: "finished", timestamp: new Date(start + 4_000) },
    ]);
    noisyRunId = (await createFlowRun(seed, { flowId: flow.id })).id;
    await createLogs(
      seed,
      Array.from({ length: 60 }, (_, index) => ({
        flowRunId: noisyRunId,
        message: `${index} ${"x".repeat(1_900)}`,
        timestamp: new Date(start + index * 1_000),
      })),
    );
    failedRunId = (await failing).flowRunId;
  });
  afterAll(() => tools.close());

  it("shows the failing task's error in a real failed run's logs", async () => {
    const result = await tools.call("get_flow_run_logs", { flow_run_id: failedRunId });
    expect(result.isError).toBeFalsy();
    expect(result.data.flow_run).toMatchObject({ id: failedRunId, state: "Failed" });
    const messages = result.data.logs.map((log: { message: string }) => log.message).join("\n");
    expect(messages).toContain("invoice 42 has no customer");
    expect(result.data.logs.some((log: { level: string }) => log.level === "INFO")).toBe(true);
  });

  it("keeps only errors with min_level=ERROR", async () => {
    const result = await tools.call("get_flow_run_logs", {
      flow_run_id: failedRunId,
      min_level: "ERROR",
    });
    expect(result.data.count).toBeGreaterThan(0);
    for (const log of result.data.logs) expect(["ERROR", "CRITICAL"]).toContain(log.level);
    expect(result.text).toContain("invoice 42 has no customer");
  });

  it("renders one line per log: time, level, logger and message", async () => {
    const result = await tools.call("get_flow_run_logs", { flow_run_id: seededRunId, limit: 3 });
    const lines = result.text.split("\n");
    expect(lines[0]).toBe("3 logs of flow run nightly-load (Pending); more with offset=3");
    expect(lines.slice(1)).toEqual([
      "2025-01-31T12:00:00Z INFO prefect.flow_runs: starting",
      "2025-01-31T12:00:01Z INFO prefect.flow_runs: loaded 10 rows",
      "2025-01-31T12:00:02Z WARNING prefect.flow_runs: slow source",
    ]);
  });

  it("pages oldest first by default and newest first with order=desc", async () => {
    const first = await tools.call("get_flow_run_logs", { flow_run_id: seededRunId, limit: 2 });
    expect(first.data).toMatchObject({ count: 2, has_more: true, next_offset: 2 });
    expect(first.data.logs[0].message).toBe("starting");
    const last = await tools.call("get_flow_run_logs", {
      flow_run_id: seededRunId,
      limit: 2,
      offset: 4,
    });
    expect(last.data).toMatchObject({ count: 1, has_more: false });
    expect(last.data.logs[0].message).toBe("finished");

    const newest = await tools.call("get_flow_run_logs", {
      flow_run_id: seededRunId,
      order: "desc",
      limit: 1,
    });
    expect(newest.data.logs[0].message).toBe("finished");
  });

  it("cuts a huge message in the middle, keeping the traceback's last line, and says so", async () => {
    const result = await tools.call("get_flow_run_logs", {
      flow_run_id: seededRunId,
      min_level: "WARNING",
    });
    const error = result.data.logs.find((log: { level: string }) => log.level === "ERROR");
    expect(error.message.length).toBeLessThanOrEqual(2_000);
    expect(error.message).toMatch(/^Traceback \(most recent call last\):/);
    expect(error.message).toMatch(/characters cut\] …\n[\s\S]*KeyError: 'customer'$/);
    expect(result.data.truncated_messages).toBe(1);
    expect(result.text).toContain("1 long messages cut in the middle");
  });

  it("stops before the answer grows too big and says where to continue", async () => {
    const result = await tools.call("get_flow_run_logs", { flow_run_id: noisyRunId, limit: 250 });
    expect(result.isError).toBeFalsy();
    expect(result.data.count).toBeLessThan(60);
    expect(result.data).toMatchObject({ has_more: true, next_offset: result.data.count });
    expect(result.data.note).toMatch(/Stopped after \d+ logs .* offset=\d+/);
    const rest = await tools.call("get_flow_run_logs", {
      flow_run_id: noisyRunId,
      limit: 250,
      offset: result.data.next_offset,
    });
    expect(result.data.count + rest.data.count).toBe(60);
    expect(rest.data.has_more).toBe(false);
  });

  it("says there is no such flow run and where to find ids", async () => {
    const result = await tools.call("get_flow_run_logs", {
      flow_run_id: "068adce4-aeec-7e9b-8000-97b7feeb70fa",
    });
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      "flow_run_id: there is no flow run 068adce4-aeec-7e9b-8000-97b7feeb70fa. Find flow run ids with get_flow_runs.",
    );
  });

  it("rejects a flow_run_id that is not a UUID", async () => {
    const result = await tools.call("get_flow_run_logs", { flow_run_id: "nightly-load" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/flow_run_id must be a full UUID .*not its name/);
  });

  it("lists the levels when min_level is not one", async () => {
    const result = await tools.call("get_flow_run_logs", {
      flow_run_id: seededRunId,
      min_level: "VERBOSE",
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/min_level must be one of: DEBUG, INFO, WARNING, ERROR, CRITICAL/);
  });

  it("rejects an out-of-range limit naming the bound", async () => {
    const result = await tools.call("get_flow_run_logs", {
      flow_run_id: seededRunId,
      limit: 5_000,
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit must be at most 1000/);
  });
});
