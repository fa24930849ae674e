import { runFixtureFlow } from "@prefect-mcp/testing";
import { mentions, namesCause } from "../src/checks.js";
import { diagnosisAnswer } from "../src/diagnosis-answer.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  flowRunId: string;
}

/**
 * "It has retries, why did it still fail?": a real Python flow whose task failed on each of its
 * three attempts. The answer says the retries ran out and quotes the error.
 */
export default defineScenario<Facts>({
  name: "flow-run-retries-exhausted",
  async seed({ apiUrl }) {
    const run = await runFixtureFlow("retrying-task", { apiUrl });
    return { flowRunId: run.flowRunId };
  },
  question: (facts) =>
    `Flow run ${facts.flowRunId} failed even though its task has retries configured. Why?`,
  plan: (facts) => [{ tool: "diagnose_flow_run", args: { flow_run_id: facts.flowRunId } }],
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("retries_exhausted", "task", () => "fetch_exchange_rates"),
    mentions(
      "quotes the error: rates.example.com refused the connection",
      () => "rates.example.com refused the connection",
    ),
  ],
});
