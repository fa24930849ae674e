import { runFixtureFlow } from "@prefect-mcp/testing";
import { mentions } from "../src/checks.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  flowRunName: string;
}

/**
 * "Flow run X failed: why?": a real Python flow whose task raised. The answer names the task and
 * quotes the exception, not just "it failed".
 */
export default defineScenario<Facts>({
  name: "flow-run-failure-reason",
  async seed({ apiUrl, seed }) {
    const run = await runFixtureFlow("failing-task", { apiUrl });
    const flowRun = await seed.GET("/flow_runs/{id}", { params: { path: { id: run.flowRunId } } });
    if (!flowRun.name) throw new Error(`flow run ${run.flowRunId} has no name`);
    return { flowRunName: flowRun.name };
  },
  question: (facts) =>
    `The Prefect flow run named '${facts.flowRunName}' failed. What was the direct cause? Keep it short.`,
  plan: (facts) => [
    { tool: "get_flow_runs", args: { filter: { name: { any_: [facts.flowRunName] } }, limit: 5 } },
    ([runs]) => ({
      tool: "get_task_runs",
      args: {
        filter: {
          flow_run_id: { any_: [runs?.data?.flow_runs[0].id] },
          state: { type: { any_: ["FAILED", "CRASHED"] } },
        },
      },
    }),
    ([runs]) => ({
      tool: "get_flow_run_logs",
      args: { flow_run_id: runs?.data?.flow_runs[0].id, min_level: "ERROR", limit: 20 },
    }),
  ],
  answer([runs, taskRuns, logs]) {
    const run = runs?.data?.flow_runs[0];
    const task = taskRuns?.data?.task_runs[0];
    // The last line of the first traceback is the exception as Python printed it.
    const traceback: string = logs?.data?.logs.find((log: { message: string }) =>
      log.message.includes("Traceback"),
    )?.message;
    const raised = traceback?.trimEnd().split("\n").at(-1) ?? task?.state_message;
    return [
      `Flow run ${run.name} (${run.id}) of flow ${run.flow_name} ended ${run.state_name}: its task ${task.name} failed.`,
      `Direct cause: ${raised}`,
      `Flow run message: ${run.state_message}`,
    ].join("\n");
  },
  checks: [
    mentions("quotes the exception: ValueError: invoice 42 has no customer", () => [
      "ValueError",
      "invoice 42 has no customer",
    ]),
    mentions("names the failing task charge_invoice", () => "charge_invoice"),
  ],
});
