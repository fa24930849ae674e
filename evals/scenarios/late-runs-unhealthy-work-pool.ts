import { createDeployment, createFlow, createWorkPool, uniqueName } from "@prefect-mcp/testing";
import { givesCommand, namesCause } from "../src/checks.js";
import { diagnoseLateRunOf, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createLateRuns } from "../src/late-runs.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  deploymentName: string;
  poolName: string;
  poolId: string;
}

/** Late runs in a work pool no worker has ever polled: the pool is NOT_READY. */
export default defineScenario<Facts>({
  name: "late-runs-unhealthy-work-pool",
  async seed({ seed }) {
    const { workPool } = await createWorkPool(seed, { name: uniqueName("k8s-pool") });
    const flow = await createFlow(seed, { name: uniqueName("load-warehouse") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("warehouse-load"),
      workPoolName: workPool.name,
    });
    await createLateRuns(seed, deployment.id);
    return { deploymentName: deployment.name, poolName: workPool.name, poolId: workPool.id };
  },
  question: (facts) =>
    `Why are the runs of my deployment '${facts.deploymentName}' taking so long to start? They have been scheduled for a while but haven't begun.`,
  plan: (facts) => diagnoseLateRunOf(facts.deploymentName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("work_pool_not_ready", "work pool", (facts) => [facts.poolName, facts.poolId]),
    givesCommand("prefect worker start", "work pool", (facts) => facts.poolName),
  ],
});
