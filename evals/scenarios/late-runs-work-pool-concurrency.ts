import {
  createDeployment,
  createFlow,
  createFlowRun,
  createWorkPool,
  uniqueName,
} from "@prefect-mcp/testing";
import { namesCause } from "../src/checks.js";
import { diagnoseLateRunOf, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createLateRuns, startHealthyWorker } from "../src/late-runs.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  deploymentName: string;
  poolName: string;
  poolId: string;
  /** The run holding the pool's only slot. */
  runningRunId: string;
}

/** Late runs behind a work pool whose concurrency limit of 1 is taken by a running run. */
export default defineScenario<Facts>({
  name: "late-runs-work-pool-concurrency",
  async seed({ seed }) {
    const { workPool } = await createWorkPool(seed, {
      name: uniqueName("ecs-pool"),
      concurrencyLimit: 1,
    });
    const flow = await createFlow(seed, { name: uniqueName("resize-images") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("image-resize"),
      workPoolName: workPool.name,
    });
    const running = await createFlowRun(seed, { deploymentId: deployment.id, state: "Running" });
    await createLateRuns(seed, deployment.id);
    await startHealthyWorker(seed, workPool.name);
    return {
      deploymentName: deployment.name,
      poolName: workPool.name,
      poolId: workPool.id,
      runningRunId: running.id,
    };
  },
  question: (facts) =>
    `Runs of my deployment '${facts.deploymentName}' are late: scheduled a while ago, still not started. Why exactly?`,
  plan: (facts) => diagnoseLateRunOf(facts.deploymentName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("work_pool_concurrency_full", "work pool", (facts) => [
      facts.poolName,
      facts.poolId,
    ]),
    {
      name: "names the running run that holds the pool's slot",
      pass: (answer, _results, facts) => answer.includes(facts.runningRunId),
    },
  ],
});
