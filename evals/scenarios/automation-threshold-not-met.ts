import { createAutomation, uniqueName } from "@prefect-mcp/testing";
import { namesCause } from "../src/checks.js";
import { diagnoseAutomationByName, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createFailingFlow, failRun } from "../src/failures.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  automationName: string;
  automationId: string;
  runName: string;
}

/**
 * "It should have fired when my run failed": the automation wants 3 failures of the flow within
 * 5 minutes, and there was 1.
 */
export default defineScenario<Facts>({
  name: "automation-threshold-not-met",
  async seed({ seed }) {
    const { flow, responder } = await createFailingFlow(seed, "charge-cards");
    const automation = await createAutomation(seed, {
      name: uniqueName("page-on-card-failures"),
      description: "Pages on-call when card charging fails",
      trigger: {
        expect: ["prefect.flow-run.Failed"],
        match: { "prefect.resource.id": "prefect.flow-run.*" },
        matchRelated: { "prefect.resource.id": `prefect.flow.${flow.id}` },
        // Failures of the flow are counted together, and it takes three.
        forEach: [],
        threshold: 3,
        withinSeconds: 300,
      },
      actions: [{ type: "run-deployment", source: "selected", deployment_id: responder.id }],
    });
    const runName = await failRun(seed, flow);
    return { automationName: automation.name, automationId: automation.id, runName };
  },
  question: (facts) =>
    `I expected the automation '${facts.automationName}' to trigger when the flow run '${facts.runName}' failed, but it didn't. Why didn't it fire? Be specific about the root cause.`,
  plan: (facts) => diagnoseAutomationByName(facts.automationName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("threshold_not_reached", "automation", (facts) => [
      facts.automationName,
      facts.automationId,
    ]),
  ],
});
