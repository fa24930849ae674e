import {
  createDeployment,
  createFlow,
  createFlowRun,
  createGlobalConcurrencyLimit,
  createWorkPool,
  uniqueName,
} from "@prefect-mcp/testing";
import { namesCause } from "../src/checks.js";
import { diagnoseDeploymentByName, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { startHealthyWorker } from "../src/late-runs.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  deploymentName: string;
  limitName: string;
  limitId: string;
}

/**
 * Runs wait in AwaitingConcurrencySlot while their deployment has no limit of its own, and a
 * global concurrency limit has every slot taken.
 */
export default defineScenario<Facts>({
  name: "late-runs-global-concurrency",
  async seed({ seed }) {
    const limit = await createGlobalConcurrencyLimit(seed, {
      name: uniqueName("warehouse-connections"),
      limit: 2,
      activeSlots: 2,
    });
    const { workPool } = await createWorkPool(seed, { name: uniqueName("batch-pool") });
    const flow = await createFlow(seed, { name: uniqueName("export-ledger") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("ledger-export"),
      workPoolName: workPool.name,
    });
    for (const minutes of [20, 10]) {
      await createFlowRun(seed, {
        deploymentId: deployment.id,
        state: {
          name: "AwaitingConcurrencySlot",
          scheduledTime: new Date(Date.now() - minutes * 60_000),
        },
      });
    }
    await startHealthyWorker(seed, workPool.name);
    return { deploymentName: deployment.name, limitName: limit.name, limitId: limit.id };
  },
  question: (facts) =>
    `Runs of my deployment '${facts.deploymentName}' are stuck waiting and never start. Why?`,
  plan: (facts) => diagnoseDeploymentByName(facts.deploymentName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("global_concurrency_full", "global concurrency limit", (facts) => [
      facts.limitName,
      facts.limitId,
    ]),
  ],
});
