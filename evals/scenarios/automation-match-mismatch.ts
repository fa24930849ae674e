import { createAutomation, uniqueName } from "@prefect-mcp/testing";
import { namesCause } from "../src/checks.js";
import { diagnoseAutomationByName, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createFailingFlow, failRun } from "../src/failures.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  automationName: string;
  automationId: string;
  flowName: string;
  runName: string;
}

/**
 * The automation matches `prefect.resource.name` against the flow's name, but a flow run event's
 * resource is the run, named after the run: the failure never matches.
 */
export default defineScenario<Facts>({
  name: "automation-match-mismatch",
  async seed({ seed }) {
    const { flow, responder } = await createFailingFlow(seed, "settle-payments");
    const automation = await createAutomation(seed, {
      name: uniqueName("rerun-settlement"),
      trigger: {
        expect: ["prefect.flow-run.Failed"],
        match: { "prefect.resource.name": flow.name },
      },
      actions: [{ type: "run-deployment", source: "selected", deployment_id: responder.id }],
    });
    const runName = await failRun(seed, flow);
    return {
      automationName: automation.name,
      automationId: automation.id,
      flowName: flow.name,
      runName,
    };
  },
  question: (facts) =>
    `My automation '${facts.automationName}' is supposed to fire when a run of the flow '${facts.flowName}' fails. One just failed ('${facts.runName}') and nothing happened. Why?`,
  plan: (facts) => diagnoseAutomationByName(facts.automationName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("match_mismatch", "automation", (facts) => [
      facts.automationName,
      facts.automationId,
    ]),
    {
      name: "names the label that did not match, prefect.resource.name",
      pass: (answer) => answer.includes("prefect.resource.name"),
    },
  ],
});
