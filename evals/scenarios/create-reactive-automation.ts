import { setTimeout as sleep } from "node:timers/promises";
import { createDeployment, createFlow, createFlowRun, uniqueName } from "@prefect-mcp/testing";
import { draftAutomation } from "../src/automation-draft.js";
import { eventTrigger, withAnswerAutomation } from "../src/automation-proof.js";
import { defineScenario } from "../src/scenario.js";
import { poll, waitForEvent } from "../src/wait.js";

interface Facts {
  flowName: string;
  deploymentName: string;
  deploymentId: string;
}

/**
 * "Run deployment D whenever any flow run fails": the answer drafts automation JSON from
 * get_object_schema; Prefect accepts it, and once created it fires on a real failure and runs D.
 */
export default defineScenario<Facts>({
  name: "create-reactive-automation",
  async seed({ seed }) {
    const flow = await createFlow(seed, { name: uniqueName("triage-failures") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("open-incident"),
    });
    return { flowName: flow.name, deploymentName: deployment.name, deploymentId: deployment.id };
  },
  question: (facts) =>
    `Create an automation that runs the deployment named ${facts.deploymentName} for the flow named ${facts.flowName} whenever any flow run fails. Give me the JSON for \`prefect automation create\`.`,
  plan: (facts) => [
    { tool: "get_object_schema", args: { object_type: "automation" } },
    { tool: "get_deployments", args: { filter: { name: { any_: [facts.deploymentName] } } } },
  ],
  answer([schema, deployments]) {
    const deployment = deployments?.data?.deployments[0];
    const draft = draftAutomation(schema?.data?.schema, {
      name: `run ${deployment.name} on any flow run failure`,
      description: `Runs ${deployment.flow_name}/${deployment.name} whenever a flow run fails.`,
      trigger: {
        posture: "Reactive",
        expect: ["prefect.flow-run.Failed"],
        match: { "prefect.resource.id": "prefect.flow-run.*" },
        for_each: ["prefect.resource.id"],
        threshold: 1,
        within: 0,
      },
      action: { type: "run-deployment", source: "selected", deployment_id: deployment.id },
    });
    return [
      `This automation runs ${deployment.flow_name}/${deployment.name} (${deployment.id}) each time any flow run enters Failed (checked against Prefect's automation schema):`,
      "```json",
      JSON.stringify(draft, null, 2),
      "```",
      "Save it as automation.json and create it with:",
      "```sh",
      "prefect automation create --from-file automation.json",
      "```",
    ].join("\n");
  },
  checks: [
    {
      name: "Prefect accepts the drafted JSON: reactive on prefect.flow-run.Failed, threshold 1, run-deployment of the deployment",
      pass: (answer, _results, facts, { seed }) =>
        withAnswerAutomation(seed, answer, async (automation) => {
          const trigger = eventTrigger(automation);
          const [action] = automation.actions as { type: string; deployment_id?: string }[];
          return (
            automation.enabled !== false &&
            trigger.posture === "Reactive" &&
            JSON.stringify(trigger.expect) === JSON.stringify(["prefect.flow-run.Failed"]) &&
            (trigger.threshold ?? 1) === 1 &&
            action?.type === "run-deployment" &&
            action.deployment_id === facts.deploymentId
          );
        }),
    },
    {
      name: "once created, it fires when a flow run fails (prefect.automation.triggered) and runs the deployment",
      pass: (answer, _results, facts, { seed }) =>
        withAnswerAutomation(seed, answer, async (automation) => {
          // Prefect starts evaluating a new automation after it reloads its triggers.
          await sleep(1_000);
          const since = new Date();
          const flow = await createFlow(seed, { name: uniqueName("flaky-job") });
          await createFlowRun(seed, { flowId: flow.id, state: "Failed" });
          const fired = await waitForEvent(seed, {
            event: "prefect.automation.triggered",
            resourceId: `prefect.automation.${automation.id}`,
            since,
          });
          const run = await poll(async () => {
            const runs = await seed.POST("/flow_runs/filter", {
              body: { deployments: { id: { any_: [facts.deploymentId] } } },
            });
            return runs[0];
          });
          if (!fired || !run) {
            throw new Error(
              `triggered event seen: ${fired}; a run of the deployment: ${Boolean(run)}`,
            );
          }
          return true;
        }),
    },
  ],
});
