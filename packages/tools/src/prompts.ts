import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { AnyTool } from "./define-tool.js";

/** The investigation prompts, naming only tools that this server actually serves. */
export function registerPrompts(server: McpServer, tools: readonly AnyTool[]): void {
  const served = new Set(tools.map((tool) => tool.name));
  const steps = (lines: [tool: string, text: string][]) =>
    lines
      .filter(([tool]) => served.has(tool))
      .map(([, text], index) => `${index + 1}. ${text}`)
      .join("\n");

  server.registerPrompt(
    "debug_flow_run",
    {
      title: "Debug a flow run",
      description: "Find out why a flow run failed, crashed, is late or is stuck.",
      argsSchema: { flow_run_id: z.string().optional().describe("The flow run's UUID, if known") },
    },
    ({ flow_run_id }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: `Investigate ${flow_run_id ? `flow run ${flow_run_id}` : "the most recent failed or late flow run"} in Prefect and tell me the concrete cause and the fix.\n\n${steps(
              [
                [
                  "get_flow_runs",
                  flow_run_id
                    ? `Call get_flow_runs with filter {"id": {"any_": ["${flow_run_id}"]}} for its state, message, deployment and work pool.`
                    : `Call get_flow_runs with filter {"state": {"type": {"any_": ["FAILED", "CRASHED"]}}} (or {"state": {"name": {"any_": ["Late"]}}}) to find the run.`,
                ],
                [
                  "get_flow_run_logs",
                  "Call get_flow_run_logs for the run; read the ERROR lines and the traceback.",
                ],
                [
                  "get_task_runs",
                  `Call get_task_runs with filter {"flow_run_id": {"any_": ["<id>"]}} to find the failing task and whether retries ran out.`,
                ],
                [
                  "get_work_pools",
                  "If the run is Late, Scheduled or Pending: call get_work_pools for paused pools or queues, missing workers and full concurrency.",
                ],
                [
                  "get_dashboard",
                  "Check get_dashboard's concurrency limits if runs wait for slots.",
                ],
              ],
            )}\n\nAnswer with the cause, the evidence (ids, messages, times) and the exact \`prefect\` CLI command to fix it.`,
          },
        },
      ],
    }),
  );

  server.registerPrompt(
    "debug_deployment",
    {
      title: "Debug a deployment",
      description: "Find out why a deployment's runs fail, are late, or do not start.",
      argsSchema: { deployment_id: z.string().describe("The deployment's UUID") },
    },
    ({ deployment_id }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: `Investigate deployment ${deployment_id} in Prefect and tell me what is wrong and how to fix it.\n\n${steps(
              [
                [
                  "get_deployments",
                  `Call get_deployments with filter {"id": {"any_": ["${deployment_id}"]}}: paused? schedules active? work pool and queue? concurrency limit?`,
                ],
                [
                  "get_deployment_activity",
                  "Call get_deployment_activity for its recent outcomes and last completed run.",
                ],
                [
                  "get_flow_runs",
                  `Call get_flow_runs with filter {"deployment_id": {"any_": ["${deployment_id}"]}} for recent failed and late runs.`,
                ],
                [
                  "get_work_pools",
                  "Call get_work_pools for its pool: status, paused queues, workers' last heartbeats.",
                ],
                ["get_automations", "Call get_automations to see which automations act on it."],
              ],
            )}\n\nAnswer with the cause, the evidence and the exact \`prefect\` CLI command to fix it.`,
          },
        },
      ],
    }),
  );
}
