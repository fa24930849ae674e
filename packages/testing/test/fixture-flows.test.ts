import { createPrefectClient, resolvePrefectSettings } from "@prefect-mcp/client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type FixtureFlowRun, runFixtureFlow } from "../src/index.js";

const apiUrl = inject("prefectApiUrl");
const prefect = createPrefectClient(resolvePrefectSettings({ env: {}, overrides: { apiUrl } }));

describe("fixture flows run for real", () => {
  let failing: FixtureFlowRun;
  let retrying: FixtureFlowRun;

  // Each script spends seconds importing Prefect, so both run once, side by side.
  beforeAll(async () => {
    [failing, retrying] = await Promise.all([
      runFixtureFlow("failing-task", { apiUrl }),
      runFixtureFlow("retrying-task", { apiUrl }),
    ]);
  });

  it("reports the failing flow's run as Failed under its unique flow name", async () => {
    expect(failing).toMatchObject({ stateType: "FAILED", stateName: "Failed" });
    const run = await prefect.GET("/flow_runs/{id}", {
      params: { path: { id: failing.flowRunId } },
    });
    const flow = await prefect.GET("/flows/{id}", { params: { path: { id: run.flow_id } } });
    expect(flow.name).toBe(failing.flowName);
    expect(run.state?.message).toContain("ValueError: invoice 42 has no customer");
  });

  it("keeps the task's exception in the failed run's error logs", async () => {
    // Task runs report through events, which Prefect records a moment after the run ends.
    await expect
      .poll(
        async () => {
          const logs = await prefect.POST("/logs/filter", {
            body: { logs: { flow_run_id: { any_: [failing.flowRunId] }, level: { ge_: 40 } } },
          });
          return logs.filter((log) => log.task_run_id).map((log) => log.message);
        },
        { timeout: 15_000, interval: 250 },
      )
      .toContainEqual(expect.stringContaining("ValueError('invoice 42 has no customer')"));
  });

  it("records three attempts of the retrying task before the run fails", async () => {
    expect(retrying.stateType).toBe("FAILED");
    await expect
      .poll(
        async () => {
          const taskRuns = await prefect.POST("/task_runs/filter", {
            body: { flow_runs: { id: { any_: [retrying.flowRunId] } } },
          });
          return taskRuns.map((taskRun) => ({
            run_count: taskRun.run_count,
            state_type: taskRun.state_type,
            message: taskRun.state?.message,
          }));
        },
        { timeout: 15_000, interval: 250 },
      )
      .toEqual([
        {
          run_count: 3,
          state_type: "FAILED",
          message: expect.stringContaining("rates.example.com refused the connection"),
        },
      ]);
  });
});

it("fails with the script's own error output when Prefect cannot be reached", async () => {
  // Port 9 (discard) is closed on loopback, so the flow's first API call fails.
  await expect(
    runFixtureFlow("failing-task", { apiUrl: "http://127.0.0.1:9/api" }),
  ).rejects.toThrow(
    /fixture flow failing-task exited with 1[\s\S]*Failed to reach API at http:\/\/127\.0\.0\.1:9\/api/,
  );
});
