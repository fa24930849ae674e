import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import {
  builtBin,
  connectStdioMcp,
  createSeedClient,
  isolatedEnv,
  type McpConnection,
} from "@prefect-mcp/testing";
import type { Frame } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type BrowserHost, openBrowserHost } from "./browser/browser-host.js";
import {
  readDashboard,
  readDiagnosis,
  readFlowRun,
  type ShownLimit,
  sortLimits,
  viewBackground,
  visibleLogLevels,
} from "./browser/read-view.js";
import {
  FAILED_RUN_LOG_LINES,
  seedViewsScenario,
  type ViewsScenario,
} from "./browser/seed-views.js";

// The views in a real browser: headless Chromium runs a test host page that embeds each view the
// way an MCP Apps host does (sandboxed iframe, AppBridge over postMessage), fed by the built stdio
// server against the real Prefect server of this run.

interface Dashboard {
  flow_runs: { total: number; by_state_name: Record<string, number> };
  problem_runs: Record<"late" | "failed" | "crashed", { runs?: { id: string }[] }>;
  work_pools: { pools: { name: string; online_workers?: number }[] };
  concurrency_limits?: Record<string, { name: string; limit: number; active_slots: number }[]>;
  notes?: string[];
}

interface Diagnosis {
  verdict: string;
  causes: { code: string; summary: string }[];
}

interface ToolCall<T> {
  result: CallToolResult;
  data: T;
}

const apiUrl = inject("prefectApiUrl");
let mcp: McpConnection;
let host: BrowserHost;
let scenario: ViewsScenario;

/** Calls a tool on the same server the host uses, as the model's turn would. */
async function call<T>(name: string, args: Record<string, unknown>): Promise<ToolCall<T>> {
  const result = (await mcp.client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, `${name} failed: ${JSON.stringify(result.content)}`).toBeFalsy();
  return { result, data: result.structuredContent as T };
}

beforeAll(async () => {
  if (!apiUrl) {
    throw new Error(
      "The browser tests need the run's Prefect server: vitest.config.ts must use packageTestConfig({ prefectServer: true }).",
    );
  }
  [scenario, mcp] = await Promise.all([
    seedViewsScenario(createSeedClient({ apiUrl })),
    connectStdioMcp({
      command: process.execPath,
      args: [builtBin("prefect-mcp"), "--no-docs"],
      env: isolatedEnv({ PREFECT_API_URL: apiUrl }),
    }),
  ]);
  host = await openBrowserHost(mcp.client);
});

afterAll(async () => {
  await host?.close();
  await mcp?.close();
});

afterEach(() => {
  if (!host) return;
  // The view runs with an opaque origin and no network: everything goes through the bridge.
  expect(host.unexpectedRequests()).toEqual([]);
  expect(host.errors).toEqual([]);
});

describe("the dashboard view", () => {
  it("shows get_dashboard's counts, problem runs, pools and limits, and diagnoses a late run on click", async () => {
    const dashboard = await call<Dashboard>("get_dashboard", {});
    const view = await host.show("get_dashboard", {}, dashboard.result);
    const shown = await readDashboard(view);
    const { data } = dashboard;

    // The model's call had no intervals: the view asked for the same window split into bars.
    expect(await host.appToolCalls()).toContainEqual({
      name: "get_dashboard",
      arguments: { window_hours: 24, intervals: 24 },
    });
    expect(shown.total).toBe(data.flow_runs.total);
    expect(shown.stateCounts).toEqual(data.flow_runs.by_state_name);
    for (const kind of ["late", "failed", "crashed"] as const) {
      expect(shown.problemRuns[kind], kind).toEqual(
        (data.problem_runs[kind].runs ?? []).map((run) => run.id),
      );
    }
    expect(shown.problemRuns.late).toContain(scenario.lateRun.id);
    expect(shown.problemRuns.failed).toContain(scenario.failedRun.id);
    expect(shown.problemRuns.crashed).toContain(scenario.crashedRun.id);

    expect(shown.pools.map(({ name, onlineWorkers }) => ({ name, onlineWorkers }))).toEqual(
      data.work_pools.pools.map((pool) => ({
        name: pool.name,
        onlineWorkers: pool.online_workers ?? null,
      })),
    );
    const healthy = shown.pools.find((pool) => pool.name === scenario.names.pool);
    expect(healthy?.onlineWorkers).toBe(1);
    expect(healthy?.freshness).toBeTruthy();

    const expectedLimits = sortLimits(
      Object.entries(data.concurrency_limits ?? {}).flatMap(([kind, limits]) =>
        limits.map(
          (limit): ShownLimit => ({
            kind,
            name: limit.name,
            activeSlots: limit.active_slots,
            limit: limit.limit,
          }),
        ),
      ),
    );
    expect(shown.limits).toEqual(expectedLimits);
    expect(shown.limits).toEqual(
      expect.arrayContaining([
        { kind: "global", name: scenario.names.globalLimit, activeSlots: 2, limit: 5 },
        { kind: "tag", name: scenario.names.tag, activeSlots: 1, limit: 3 },
        { kind: "deployment", name: scenario.names.deployment, activeSlots: 0, limit: 2 },
        { kind: "work_pool", name: scenario.names.pool, activeSlots: 0, limit: 4 },
        { kind: "work_queue", name: scenario.names.queue, activeSlots: 0, limit: 2 },
      ]),
    );
    for (const note of data.notes ?? []) expect(shown.notes).toContain(note);
    await host.screenshot("dashboard", { docs: true });

    await view.click(`[data-testid="late-run"][data-run-id="${scenario.lateRun.id}"]`);
    await view.waitForSelector('[data-testid="diagnosis"] [data-testid="verdict"]');
    expect(await host.appToolCalls()).toContainEqual({
      name: "diagnose_flow_run",
      arguments: { flow_run_id: scenario.lateRun.id },
    });
    const direct = await call<Diagnosis>("diagnose_flow_run", {
      flow_run_id: scenario.lateRun.id,
    });
    expect(direct.data.causes.map((cause) => cause.code)).toContain("work_pool_paused");
    await expectDiagnosis(await readDiagnosis(view, '[data-testid="diagnosis"]'), direct.data);
    await host.screenshot("dashboard-diagnosis");

    // From the keyboard alone: focus the failed run's button and press Enter.
    await view.focus(`[data-testid="failed-run"][data-run-id="${scenario.failedRun.id}"]`);
    await view.page().keyboard.press("Enter");
    const failed = await call<Diagnosis>("diagnose_flow_run", {
      flow_run_id: scenario.failedRun.id,
    });
    await expect
      .poll(async () => (await readDiagnosis(view, '[data-testid="diagnosis"]')).verdict)
      .toBe(failed.data.verdict);
    await expectChartsDescribed(view);
  });
});

describe("the flow run view", () => {
  it("shows a failed run's diagnosis, task runs, state events and logs that filter and page", async () => {
    const input = { flow_run_id: scenario.failedRun.id };
    const diagnosis = await call<Diagnosis>("diagnose_flow_run", input);
    const view = await host.show("diagnose_flow_run", input, diagnosis.result);

    await expectDiagnosis(await readDiagnosis(view), diagnosis.data);
    expect(diagnosis.data.causes.map((cause) => cause.code)).toContain("task_failed");
    // The task-run table may sit in a collapsed section: present is enough.
    for (const testId of ["task-run", "log-line", "state-event"]) {
      await view.waitForSelector(`[data-testid="${testId}"]`, { state: "attached" });
    }
    const shown = await readFlowRun(view);
    expect(shown.name).toContain(scenario.failedRun.name);
    expect(shown.state).toContain("Failed");

    const taskRuns = await call<{ task_runs: { id: string; state_name?: string }[] }>(
      "get_task_runs",
      { filter: { flow_run_id: { any_: [scenario.failedRun.id] } }, limit: 200 },
    );
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...shown.taskRuns].sort(byId)).toEqual(
      taskRuns.data.task_runs
        .map((run) => ({ id: run.id, stateName: run.state_name ?? "" }))
        .sort(byId),
    );
    expect(shown.taskRuns.map((run) => run.stateName).sort()).toEqual([
      "Completed",
      "Completed",
      "Failed",
      "Pending",
    ]);
    expect(shown.stateEvents).toEqual(expect.arrayContaining(["Pending", "Running", "Failed"]));
    expect(await host.appToolCalls()).toContainEqual({
      name: "read_events",
      arguments: expect.objectContaining({
        resource_id: `prefect.flow-run.${scenario.failedRun.id}`,
      }),
    });

    // The first page of logs is what get_flow_run_logs answers to the view's own request.
    const logCalls = (await host.appToolCalls()).filter(
      (made) =>
        made.name === "get_flow_run_logs" && made.arguments.flow_run_id === scenario.failedRun.id,
    );
    expect(logCalls).toHaveLength(1);
    const firstPage = await call<{ logs: { level: string }[] }>(
      "get_flow_run_logs",
      logCalls[0]?.arguments ?? {},
    );
    expect(firstPage.data.logs).toHaveLength(50);
    expect(await visibleLogLevels(view)).toEqual(firstPage.data.logs.map((log) => log.level));
    await host.screenshot("flow-run", { docs: true });

    await view.selectOption('[data-testid="log-level"]', "ERROR");
    await expect.poll(() => visibleLogLevels(view)).not.toContain("INFO");
    const errorsOnly = await visibleLogLevels(view);
    expect(errorsOnly.length).toBeGreaterThan(0);
    expect(new Set(errorsOnly)).toEqual(new Set(["ERROR"]));

    await view.selectOption('[data-testid="log-level"]', "all");
    await view.click('[data-testid="more-logs"]');
    await expect.poll(async () => (await visibleLogLevels(view)).length).toBe(FAILED_RUN_LOG_LINES);
    await expectChartsDescribed(view);
    expect(await host.appToolCalls()).toContainEqual({
      name: "get_flow_run_logs",
      arguments: expect.objectContaining({ flow_run_id: scenario.failedRun.id, offset: 50 }),
    });
  });

  it("shows a single run from get_flow_runs with its diagnosis", async () => {
    const input = { filter: { id: { any_: [scenario.crashedRun.id] } } };
    const runs = await call<{ flow_runs: { id: string }[] }>("get_flow_runs", input);
    const view = await host.show("get_flow_runs", input, runs.result);

    await view.waitForSelector('[data-testid="cause"]');
    const shown = await readFlowRun(view);
    expect(shown.name).toContain(scenario.crashedRun.name);
    expect(shown.state).toContain("Crashed");
    expect(await host.appToolCalls()).toContainEqual({
      name: "diagnose_flow_run",
      arguments: { flow_run_id: scenario.crashedRun.id },
    });
    const direct = await call<Diagnosis>("diagnose_flow_run", {
      flow_run_id: scenario.crashedRun.id,
    });
    expect(direct.data.causes.map((cause) => cause.code)).toContain("infrastructure_crash");
    await expectDiagnosis(await readDiagnosis(view), direct.data);
  });

  it("lets the user pick one of several runs from get_flow_runs and shows it", async () => {
    const ids = [scenario.failedRun.id, scenario.crashedRun.id, scenario.completedRun.id];
    const input = { filter: { id: { any_: ids } } };
    const runs = await call<{ flow_runs: { id: string }[] }>("get_flow_runs", input);
    const view = await host.show("get_flow_runs", input, runs.result);

    const choices = view.locator('[data-testid="run-choice"]');
    expect(
      await choices.evaluateAll((elements) =>
        elements.map((element) => (element as HTMLElement).dataset.runId),
      ),
    ).toEqual(runs.data.flow_runs.map((run) => run.id));

    await view.click(`[data-testid="run-choice"][data-run-id="${scenario.completedRun.id}"]`);
    await expect
      .poll(async () => (await view.locator('[data-testid="run-name"]').textContent()) ?? "")
      .toContain(scenario.completedRun.name);
    await view.waitForSelector("body[data-status=ready]");
    expect((await readFlowRun(view)).state).toContain("Completed");
  });
});

describe("theming", () => {
  it("follows the host's light and dark themes, also when the host switches", async () => {
    const dashboard = await call<Dashboard>("get_dashboard", {});
    const light = await viewBackground(await host.show("get_dashboard", {}, dashboard.result));

    await host.setTheme("dark");
    const view = await host.view();
    await expect.poll(() => viewBackground(view)).not.toBe(light);
    const switched = await viewBackground(view);

    const dark = await viewBackground(
      await host.show("get_dashboard", {}, dashboard.result, "dark"),
    );
    expect(dark).not.toBe(light);
    expect(dark).toBe(switched);
    await host.screenshot("dashboard-dark");

    const input = { flow_run_id: scenario.failedRun.id };
    const diagnosis = await call<Diagnosis>("diagnose_flow_run", input);
    await host.show("diagnose_flow_run", input, diagnosis.result, "dark");
    await (await host.view()).waitForSelector('[data-testid="log-line"]', { state: "attached" });
    await host.screenshot("flow-run-dark");
  });
});

/** Every chart is an image with a spoken summary, and its data is also in a table. */
async function expectChartsDescribed(view: Frame): Promise<void> {
  const charts = await view.locator("canvas").evaluateAll((canvases) =>
    canvases.map((canvas) => ({
      role: canvas.getAttribute("role"),
      label: canvas.getAttribute("aria-label") ?? "",
      table: Boolean(canvas.closest("section")?.querySelector("table")),
    })),
  );
  expect(charts.length).toBeGreaterThan(0);
  for (const chart of charts) {
    expect(chart.role).toBe("img");
    expect(chart.label.length).toBeGreaterThan(10);
    expect(chart.table).toBe(true);
  }
}

/** The diagnosis shown equals diagnose_flow_run's: its verdict, and its causes in order. */
async function expectDiagnosis(
  shown: Awaited<ReturnType<typeof readDiagnosis>>,
  expected: Diagnosis,
): Promise<void> {
  expect(shown.verdict).toBe(expected.verdict);
  expect(shown.causes.map((cause) => cause.code)).toEqual(
    expected.causes.map((cause) => cause.code),
  );
  shown.causes.forEach((cause, index) => {
    expect(cause.text).toContain(expected.causes[index]?.summary);
  });
}
