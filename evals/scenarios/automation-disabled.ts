import { createAutomation, uniqueName } from "@prefect-mcp/testing";
import { commandFixes, namesCause } from "../src/checks.js";
import { diagnoseAutomationByName, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createFailingFlow, failRun } from "../src/failures.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  automationName: string;
  automationId: string;
  runName: string;
}

/** The right event happened, but the automation is disabled. */
export default defineScenario<Facts>({
  name: "automation-disabled",
  async seed({ seed }) {
    const { flow, responder } = await createFailingFlow(seed, "ship-orders");
    const automation = await createAutomation(seed, {
      name: uniqueName("alert-on-shipping-failure"),
      enabled: false,
      trigger: {
        expect: ["prefect.flow-run.Failed"],
        matchRelated: { "prefect.resource.id": `prefect.flow.${flow.id}` },
      },
      actions: [{ type: "run-deployment", source: "selected", deployment_id: responder.id }],
    });
    const runName = await failRun(seed, flow);
    return { automationName: automation.name, automationId: automation.id, runName };
  },
  question: (facts) =>
    `Why didn't my automation '${facts.automationName}' fire when '${facts.runName}' failed?`,
  plan: (facts) => diagnoseAutomationByName(facts.automationName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("automation_disabled", "automation", (facts) => [
      facts.automationName,
      facts.automationId,
    ]),
    commandFixes(
      "prefect automation",
      "enables it again",
      (facts) => facts.automationId,
      async (facts, { seed }) => {
        const automation = await seed.GET("/automations/{id}", {
          params: { path: { id: facts.automationId } },
        });
        return automation.enabled === true;
      },
    ),
  ],
});
