import { createFlow, createFlowRun, uniqueName } from "@prefect-mcp/testing";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  lastFailure: { id: string; name: string; flowName: string };
}

/**
 * "What was the last run that failed?": seeded between an older failure and newer successful and
 * running runs, the newest failed run is the one to name, with its flow.
 */
export default defineScenario<Facts>({
  name: "last-failing-flow-run",
  async seed({ seed }) {
    const etl = await createFlow(seed, { name: uniqueName("nightly-etl") });
    const report = await createFlow(seed, { name: uniqueName("weekly-report") });
    await createFlowRun(seed, {
      flowId: etl.id,
      state: { name: "Failed", message: "Flow run encountered an exception: KeyError: 'region'" },
    });
    await createFlowRun(seed, { flowId: report.id, state: "Completed" });
    const name = uniqueName("weekly-report-run");
    const lastFailure = await createFlowRun(seed, {
      flowId: report.id,
      name,
      state: {
        name: "Failed",
        message: "Flow run encountered an exception: TimeoutError: warehouse query timed out",
      },
    });
    await createFlowRun(seed, { flowId: etl.id, state: "Completed" });
    await createFlowRun(seed, { flowId: etl.id, state: "Running" });
    return {
      lastFailure: { id: lastFailure.id, name, flowName: report.name },
    };
  },
  question: () => "What is the name of the last failing flow run?",
  plan: () => [
    {
      tool: "get_flow_runs",
      args: { filter: { state: { type: { any_: ["FAILED", "CRASHED"] } } }, limit: 5 },
    },
  ],
  answer([failed]) {
    const run = failed?.data?.flow_runs[0];
    return `The last failing flow run is ${run.name} (${run.id}) of flow ${run.flow_name}: ${run.state_name} at ${run.end_time}. ${run.state_message ?? ""}`.trim();
  },
  checks: [
    {
      name: "names the newest failed run and its flow",
      pass: (answer, _results, facts) =>
        answer.includes(facts.lastFailure.name) && answer.includes(facts.lastFailure.flowName),
    },
  ],
});
