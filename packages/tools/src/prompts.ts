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
                ...(flow_run_id
                  ? []
                  : ([
                      [
                        "get_flow_runs",
                        `Find the run: get_flow_runs with filter {"state": {"type": {"any_": ["FAILED", "CRASHED"]}}} (or {"state": {"name": {"any_": ["Late"]}}}).`,
                      ],
                    ] as [string, string][])),
                [
                  "diagnose_flow_run",
                  `Call diagnose_flow_run(flow_run_id="${flow_run_id ?? "<id>"}"): it checks every known cause (failing task and its exception, retries, upstream failures, crashes, cancellations; for late runs paused deployments, pools and queues, missing workers, full concurrency limits) and returns the causes with evidence and next steps.`,
                ],
                [
                  "get_flow_run_logs",
                  'Only if the diagnosis needs more: get_flow_run_logs(min_level="ERROR") for the full traceback.',
                ],
                [
                  "get_task_runs",
                  "Only if the diagnosis needs more: get_task_runs for the run's tasks and their inputs.",
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
                  "diagnose_deployment",
                  `Call diagnose_deployment(deployment_id="${deployment_id}"): recent failure rate and lateness, schedules, and every reason its runs would not start (paused deployment, pool or queue, missing workers, full concurrency limits), with evidence and next steps.`,
                ],
                [
                  "diagnose_flow_run",
                  "For a failed run it names, call diagnose_flow_run for the failing task and its exception.",
                ],
                [
                  "get_deployment_activity",
                  "Only if needed: get_deployment_activity for outcomes over a longer window.",
                ],
                ["get_automations", "Only if needed: get_automations to see which act on it."],
              ],
            )}\n\nAnswer with the cause, the evidence and the exact \`prefect\` CLI command to fix it.`,
          },
        },
      ],
    }),
  );
}
