import {
  createDeployment,
  createFlow,
  createFlowRun,
  createWorkPool,
  uniqueName,
} from "@prefect-mcp/testing";
import { namesCause } from "../src/checks.js";
import { diagnoseDeploymentByName, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createLateRuns, startHealthyWorker } from "../src/late-runs.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  deploymentName: string;
  poolName: string;
  queueName: string;
}

/** Late runs in a work queue whose concurrency limit of 1 is taken; the pool itself is free. */
export default defineScenario<Facts>({
  name: "late-runs-work-queue-concurrency",
  async seed({ seed }) {
    const queueName = uniqueName("reports-queue");
    const { workPool } = await createWorkPool(seed, {
      name: uniqueName("docker-pool"),
      queues: [{ name: queueName, concurrencyLimit: 1 }],
    });
    const flow = await createFlow(seed, { name: uniqueName("build-reports") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("report-build"),
      workPoolName: workPool.name,
      workQueueName: queueName,
    });
    await createFlowRun(seed, { deploymentId: deployment.id, state: "Running" });
    await createLateRuns(seed, deployment.id);
    await startHealthyWorker(seed, workPool.name);
    return { deploymentName: deployment.name, poolName: workPool.name, queueName };
  },
  question: (facts) =>
    `Why are runs of my deployment '${facts.deploymentName}' late? They were scheduled a while ago and haven't begun.`,
  plan: (facts) => diagnoseDeploymentByName(facts.deploymentName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [namesCause("work_queue_concurrency_full", "work queue", (facts) => facts.queueName)],
});
