import {
  createAutomation,
  createDeployment,
  createFlow,
  createFlowRun,
  createLogs,
  createTaskRun,
  createWorkPool,
  emitEvents,
  type FixtureFlowRun,
  runFixtureFlow,
  sendWorkerHeartbeat,
  type ToolCallResult,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUrl, connectTools, seed } from "./mcp-harness.js";

interface Cause {
  code: string;
  summary: string;
  evidence: { ids?: Record<string, unknown>; values?: Record<string, unknown> };
}

const OOM_MESSAGE =
  "Flow run infrastructure exited with non-zero status code 137. Process was killed, likely due to an out-of-memory (OOM) condition.";

describe("diagnose_flow_run", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  let failing: FixtureFlowRun;
  let retrying: FixtureFlowRun;
  let upstream: FixtureFlowRun;
  let timingOut: FixtureFlowRun;
  let completedRunId: string;
  let flowFailedRunId: string;
  let retriesLeftRunId: string;
  let crashedRunId: string;
  let crashPool: string;
  let crashWorker: string;
  let automation: { id: string; name: string };
  let automationCancelledRunId: string;
  let silentlyCancelledRunId: string;
  let runningRunId: string;
  let lateRunId: string;

  /** Calls the tool, checks the answer any caller relies on, and returns its causes by code. */
  async function diagnose(flowRunId: string) {
    const result = await tools.call("diagnose_flow_run", { flow_run_id: flowRunId });
    expect(result.isError, result.text).toBeFalsy();
    expectCompactText(result);
    const causes = result.data.causes as Cause[];
    return {
      result,
      data: result.data,
      byCode: new Map(causes.map((cause) => [cause.code, cause])),
    };
  }

  beforeAll(async () => {
    tools = await connectTools();
    const flows = Promise.all([
      runFixtureFlow("failing-task", { apiUrl }),
      runFixtureFlow("retrying-task", { apiUrl }),
      runFixtureFlow("upstream-failure", { apiUrl }),
      runFixtureFlow("timing-out", { apiUrl }),
    ]);
    const flow = await createFlow(seed);

    completedRunId = (await createFlowRun(seed, { flowId: flow.id, state: "Completed" })).id;
    await createTaskRun(seed, { flowRunId: completedRunId, name: "extract", state: "Completed" });

    flowFailedRunId = (
      await createFlowRun(seed, {
        flowId: flow.id,
        state: {
          name: "Failed",
          message: "Flow run encountered an exception: RuntimeError: config missing key 'bucket'",
        },
      })
    ).id;
    await createTaskRun(seed, { flowRunId: flowFailedRunId, name: "extract", state: "Completed" });
    await createLogs(seed, [
      {
        flowRunId: flowFailedRunId,
        level: "ERROR",
        message: `Encountered exception during execution: RuntimeError("config missing key 'bucket'")\nTraceback (most recent call last):\n  File "flows/etl.py", line 12, in etl\n    raise RuntimeError("config missing key 'bucket'")\nRuntimeError: config missing key 'bucket'`,
      },
    ]);

    retriesLeftRunId = (
      await createFlowRun(seed, {
        flowId: flow.id,
        state: { name: "Failed", message: "1/1 states failed." },
      })
    ).id;
    await createTaskRun(seed, {
      flowRunId: retriesLeftRunId,
      name: "upload",
      retries: 3,
      state: {
        name: "Failed",
        message: "Task run encountered an exception PermissionError: bucket is read-only",
      },
    });

    const { workPool } = await createWorkPool(seed, { type: "process" });
    crashPool = workPool.name;
    crashWorker = uniqueName("worker");
    await sendWorkerHeartbeat(seed, { workPoolName: crashPool, workerName: crashWorker });
    crashedRunId = (
      await createFlowRun(seed, {
        flowId: flow.id,
        workPoolName: crashPool,
        state: { name: "Crashed", message: OOM_MESSAGE },
      })
    ).id;

    automation = await createAutomation(seed, {
      name: uniqueName("cancel-stuck-runs"),
      enabled: false,
    });
    automationCancelledRunId = (
      await createFlowRun(seed, {
        flowId: flow.id,
        state: { name: "Cancelled", message: `Cancelled by Automation ${automation.id}` },
      })
    ).id;
    silentlyCancelledRunId = (await createFlowRun(seed, { flowId: flow.id, state: "Cancelled" }))
      .id;
    // What a worker and an automation announce when they run or cancel a flow run.
    await emitEvents(seed, [
      {
        event: "prefect.worker.executed-flow-run",
        resourceId: `prefect.worker.process.${crashWorker}`,
        resourceLabels: { "prefect.resource.name": crashWorker, "prefect.worker-type": "process" },
        related: [
          {
            "prefect.resource.id": `prefect.flow-run.${crashedRunId}`,
            "prefect.resource.role": "flow-run",
            "prefect.infrastructure.status-code": "137",
          },
          {
            "prefect.resource.id": `prefect.work-pool.${workPool.id}`,
            "prefect.resource.role": "work-pool",
          },
        ],
      },
      {
        event: "prefect.automation.action.executed",
        resourceId: `prefect.automation.${automation.id}`,
        resourceLabels: {
          "prefect.resource.name": automation.name,
          "prefect.trigger-type": "event",
        },
        related: [
          {
            "prefect.resource.id": `prefect.flow-run.${automationCancelledRunId}`,
            "prefect.resource.role": "target",
          },
        ],
        payload: { action_index: 0, action_type: "cancel-flow-run", status_code: 201 },
      },
    ]);

    runningRunId = (
      await createFlowRun(seed, { flowId: flow.id, workPoolName: crashPool, state: "Running" })
    ).id;
    // A worker labels each run it submits with its name.
    await seed.PATCH("/flow_runs/{id}/labels", {
      params: { path: { id: runningRunId } },
      body: { "prefect.worker.name": crashWorker },
    });

    const { workPool: pausedPool } = await createWorkPool(seed, { paused: true });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      workPoolName: pausedPool.name,
    });
    lateRunId = (await createFlowRun(seed, { deploymentId: deployment.id, state: "Late" })).id;

    [failing, retrying, upstream, timingOut] = await flows;
  });
  afterAll(() => tools.close());

  it("names the failing task and its exception in a real failed run", async () => {
    const { data, byCode, result } = await diagnose(failing.flowRunId);
    expect(data.subject).toMatchObject({
      kind: "flow_run",
      id: failing.flowRunId,
      flow_name: failing.flowName,
      state_name: "Failed",
    });
    expect(data.causes[0].code).toBe("task_failed");
    const taskFailed = byCode.get("task_failed");
    expect(taskFailed?.summary).toMatch(/^Task "charge_invoice-[^"]+" \([0-9a-f-]{36}\) failed: /);
    expect(taskFailed?.summary).toContain("ValueError: invoice 42 has no customer");
    expect(taskFailed?.evidence.values?.exception).toBe("ValueError: invoice 42 has no customer");
    expect(data.verdict).toMatch(
      /^Flow run "[^"]+" failed at \S+: task "charge_invoice-[^"]+" failed\.$/,
    );
    // No retries configured, nothing blocked downstream, and the task raised, not the flow.
    expect(data.ruled_out).toEqual(
      expect.arrayContaining([
        "retries_exhausted",
        "upstream_task_failed",
        "flow_failed",
        "timed_out",
      ]),
    );
    expect(data.next_steps).toContain(
      `get_flow_run_logs(flow_run_id="${failing.flowRunId}", min_level="ERROR")`,
    );
    expect(result.text).toContain("ValueError: invoice 42 has no customer");
  });

  it("says a real task used up its retries, with run_count against retries", async () => {
    const { data, byCode } = await diagnose(retrying.flowRunId);
    expect(data.causes.map((cause: Cause) => cause.code)).toEqual([
      "task_failed",
      "retries_exhausted",
    ]);
    expect(byCode.get("task_failed")?.summary).toContain(
      "ConnectionError: rates.example.com refused the connection",
    );
    const retries = byCode.get("retries_exhausted");
    expect(retries?.summary).toMatch(
      /^Task "fetch_exchange_rates-[^"]+" failed on all 3 attempts \(retries=2\)\.$/,
    );
    expect(retries?.evidence.values).toEqual({ run_count: 3, retries: 2 });
    expect(data.verdict).toContain("failed on all 3 attempts");
  });

  it("rules out retries_exhausted when a failed task still had retries left", async () => {
    const { data, byCode } = await diagnose(retriesLeftRunId);
    expect(byCode.get("task_failed")?.summary).toContain("PermissionError: bucket is read-only");
    expect(byCode.has("retries_exhausted")).toBe(false);
    expect(data.ruled_out).toContain("retries_exhausted");
  });

  it("follows task_inputs past NotReady tasks to the upstream task that really failed", async () => {
    const { data, byCode } = await diagnose(upstream.flowRunId);
    expect(data.causes.map((cause: Cause) => cause.code)).toEqual([
      "task_failed",
      "upstream_task_failed",
    ]);
    expect(byCode.get("task_failed")?.summary).toMatch(
      /^Task "load_orders-[^"]+" .*KeyError: 'orders.csv'/,
    );
    const blocked = byCode.get("upstream_task_failed");
    // publish waits on total, which waits on load_orders: the root is load_orders, not total.
    expect(blocked?.summary).toMatch(
      /^2 task runs never ran because upstream task "load_orders-[^"]+" \([0-9a-f-]{36}\) failed: /,
    );
    expect(blocked?.summary).toMatch(/total-\w+/);
    expect(blocked?.summary).toMatch(/publish-\w+/);
    const rootId = byCode.get("task_failed")?.evidence.ids?.task_run;
    expect(blocked?.evidence.ids?.upstream_task_run).toBe(rootId);
    expect(blocked?.evidence.ids?.blocked_task_runs).toHaveLength(2);
    expect(blocked?.evidence.values?.upstream_exception).toBe("KeyError: 'orders.csv'");
    expect(data.next_steps).toContain(`prefect task-run logs ${rootId}`);
    expect(data.ruled_out).toContain("flow_failed");
  });

  it("finds a failure in flow code when no task failed", async () => {
    const { data, byCode } = await diagnose(flowFailedRunId);
    expect(data.causes.map((cause: Cause) => cause.code)).toEqual(["flow_failed"]);
    expect(byCode.get("flow_failed")?.summary).toBe(
      "The flow failed in its own code, outside any task: RuntimeError: config missing key 'bucket'.",
    );
    expect(data.ruled_out).toEqual(
      expect.arrayContaining(["task_failed", "upstream_task_failed", "retries_exhausted"]),
    );
  });

  it("tells a real timeout from a task failure or a crash", async () => {
    expect(timingOut.stateName).toBe("TimedOut");
    const { data, byCode } = await diagnose(timingOut.flowRunId);
    expect(data.causes.map((cause: Cause) => cause.code)).toEqual(["timed_out"]);
    expect(byCode.get("timed_out")?.summary).toMatch(
      /^The flow run hit its timeout_seconds: Flow run exceeded timeout of 1(\.0)? second\(s\); it interrupted rebuild_search_index-\w+\.$/,
    );
    expect(data.verdict).toMatch(/^Flow run "[^"]+" timed out at \S+: it hit its timeout/);
    // The task the timeout interrupted reads Crashed; that is the timeout, not a task failure.
    expect(data.ruled_out).toEqual(expect.arrayContaining(["task_failed", "flow_failed"]));
  });

  it("reports an infrastructure crash with its message, work pool and worker", async () => {
    const { data, byCode } = await diagnose(crashedRunId);
    expect(data.causes.map((cause: Cause) => cause.code)).toEqual(["infrastructure_crash"]);
    const crash = byCode.get("infrastructure_crash");
    expect(crash?.summary).toContain("exited with non-zero status code 137");
    expect(crash?.summary).toContain(
      `Ran in work pool "${crashPool}" (process) on worker "${crashWorker}" (ONLINE, last heartbeat `,
    );
    expect(crash?.evidence.values).toMatchObject({
      exit_code: 137,
      work_pool: crashPool,
      work_pool_type: "process",
      worker: crashWorker,
      worker_status: "ONLINE",
    });
    expect(data.verdict).toContain("crashed at");
    expect(data.verdict).toContain("status code 137");
    expect(data.next_steps).toEqual([
      `prefect flow-run logs ${crashedRunId}`,
      `prefect work-pool inspect '${crashPool}'`,
    ]);
  });

  it("names the automation that cancelled a run", async () => {
    const { data, byCode } = await diagnose(automationCancelledRunId);
    expect(data.causes.map((cause: Cause) => cause.code)).toEqual(["cancelled"]);
    expect(byCode.get("cancelled")?.summary).toBe(
      `Cancelled by automation "${automation.name}" (${automation.id}).`,
    );
    expect(data.verdict).toMatch(/was cancelled at \S+ by automation "cancel-stuck-runs-\w+"\.$/);
    expect(data.next_steps).toEqual([`prefect automation inspect --id ${automation.id}`]);
  });

  it("says who cancelled a run is unknown when Prefect recorded no one", async () => {
    const { data, byCode } = await diagnose(silentlyCancelledRunId);
    expect(byCode.get("cancelled")?.summary).toMatch(/^Cancelled by an unknown user or process/);
    expect(byCode.get("cancelled")?.evidence.values?.source).toBe("unknown");
    expect(data.next_steps[0]).toMatch(
      new RegExp(`^read_events\\(resource_id="prefect.flow-run.${silentlyCancelledRunId}"`),
    );
  });

  it("answers plainly for a healthy completed run and rules the failure causes out", async () => {
    const { data } = await diagnose(completedRunId);
    expect(data.verdict).toMatch(/^Flow run "[^"]+" completed at \S+ after [\d.]+ s\.$/);
    expect(data.causes).toEqual([]);
    expect(data.next_steps).toEqual([]);
    expect(data.ruled_out).toEqual(expect.arrayContaining(["task_failed", "retries_exhausted"]));
  });

  it("names the worker of a running run", async () => {
    const { data } = await diagnose(runningRunId);
    expect(data.verdict).toMatch(
      new RegExp(
        `is running since \\S+ on worker "${crashWorker}" in work pool "${crashPool}"\\.$`,
      ),
    );
    expect(data.causes).toEqual([]);
  });

  it("runs the late-run checks for a Late run: its work pool is paused", async () => {
    const { data } = await diagnose(lateRunId);
    expect(data.subject.state_name).toBe("Late");
    expect(data.causes.map((cause: Cause) => cause.code)).toContain("work_pool_paused");
  });

  it("says there is no such flow run and where to find ids", async () => {
    const result = await tools.call("diagnose_flow_run", {
      flow_run_id: "068adce4-aeec-7e9b-8000-97b7feeb70fa",
    });
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      "flow_run_id: there is no flow run 068adce4-aeec-7e9b-8000-97b7feeb70fa. Find flow run ids with get_flow_runs.",
    );
  });
});

/** The text a model reads stays a few hundred characters and names every cause by its code. */
function expectCompactText(result: ToolCallResult) {
  expect(result.text.length).toBeLessThanOrEqual(800);
  for (const cause of result.data.causes as Cause[]) {
    expect(result.text).toContain(`[${cause.code}]`);
  }
}
