import type { PlanStep, ToolOutput } from "./scenario.js";

interface Cause {
  code: string;
  summary: string;
  evidence?: { ids?: Record<string, string | string[]>; values?: Record<string, unknown> };
}

interface Diagnosis {
  subject: { kind: string; id: string; name?: string };
  verdict: string;
  causes: Cause[];
  next_steps: string[];
}

/** The diagnosis in a diagnose_* tool's answer; throws with the tool's text when it has none. */
export function diagnosisIn(output: ToolOutput | undefined): Diagnosis {
  const data = output?.data as Diagnosis | undefined;
  if (!output || output.isError || !data?.causes) {
    throw new Error(`${output?.tool ?? "the diagnose call"} gave no diagnosis: ${output?.text}`);
  }
  return data;
}

/**
 * What an assistant writes from a diagnosis: the verdict, each cause with its code and the ids
 * behind it, and the next steps as commands to copy.
 */
export function diagnosisAnswer(output: ToolOutput | undefined): string {
  const diagnosis = diagnosisIn(output);
  const lines = [diagnosis.verdict];
  for (const cause of diagnosis.causes) {
    const ids = Object.entries(cause.evidence?.ids ?? {})
      .map(([kind, id]) => `${kind} ${Array.isArray(id) ? id.join(", ") : id}`)
      .join("; ");
    lines.push(`- [${cause.code}] ${cause.summary}${ids ? ` (${ids})` : ""}`);
  }
  if (diagnosis.next_steps.length) {
    lines.push("Next steps:", ...diagnosis.next_steps.map((step) => `- \`${step}\``));
  }
  return lines.join("\n");
}

/** Find a deployment by the name the user gave, then diagnose it. */
export function diagnoseDeploymentByName(deploymentName: string): PlanStep[] {
  return [
    { tool: "get_deployments", args: { filter: { name: { any_: [deploymentName] } } } },
    ([deployments]) => ({
      tool: "diagnose_deployment",
      args: { deployment_id: deployments?.data?.deployments[0].id },
    }),
  ];
}

/** Find a deployment by name, list its late runs, then diagnose the oldest one. */
export function diagnoseLateRunOf(deploymentName: string): PlanStep[] {
  return [
    { tool: "get_deployments", args: { filter: { name: { any_: [deploymentName] } } } },
    ([deployments]) => ({
      tool: "get_flow_runs",
      args: {
        filter: {
          deployment_id: { any_: [deployments?.data?.deployments[0].id] },
          state: { name: { any_: ["Late"] } },
        },
        limit: 10,
      },
    }),
    ([, late]) => ({
      tool: "diagnose_flow_run",
      // Newest first: the last one has waited longest.
      args: { flow_run_id: late?.data?.flow_runs.at(-1).id },
    }),
  ];
}

/** Find an automation by the name the user gave, then diagnose why it did not fire. */
export function diagnoseAutomationByName(automationName: string): PlanStep[] {
  return [
    { tool: "get_automations", args: { filter: { name: { any_: [automationName] } } } },
    ([automations]) => ({
      tool: "diagnose_automation",
      args: { automation_id: automations?.data?.automations[0].id, window_hours: 1 },
    }),
  ];
}
