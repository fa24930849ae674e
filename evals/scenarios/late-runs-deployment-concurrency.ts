import {
  createDeployment,
  createFlow,
  createFlowRun,
  createTagConcurrencyLimit,
  createWorkPool,
  uniqueName,
} from "@prefect-mcp/testing";
import { namesCause } from "../src/checks.js";
import { diagnoseDeploymentByName, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createLateRuns, proposeStart, startHealthyWorker } from "../src/late-runs.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  deploymentName: string;
  deploymentId: string;
}

/**
 * A deployment at its concurrency limit of 1: one run holds the slot, Prefect itself sends the
 * next to AwaitingConcurrencySlot, and more are late. Tag limits with free slots are noise.
 */
export default defineScenario<Facts>({
  name: "late-runs-deployment-concurrency",
  async seed({ seed }) {
    await createTagConcurrencyLimit(seed, { tag: uniqueName("api"), limit: 5 });
    await createTagConcurrencyLimit(seed, { tag: uniqueName("database"), limit: 10 });
    const { workPool } = await createWorkPool(seed, { name: uniqueName("process-pool") });
    const flow = await createFlow(seed, { name: uniqueName("sync-crm") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("crm-sync"),
      workPoolName: workPool.name,
      concurrencyLimit: 1,
    });
    const holder = await createFlowRun(seed, {
      deploymentId: deployment.id,
      state: { name: "Scheduled", scheduledTime: new Date() },
    });
    const waiter = await createFlowRun(seed, {
      deploymentId: deployment.id,
      state: { name: "Scheduled", scheduledTime: new Date() },
    });
    const held = await proposeStart(seed, holder.id);
    const waits = await proposeStart(seed, waiter.id);
    if (held !== "Running" || waits !== "AwaitingConcurrencySlot") {
      throw new Error(`expected Running and AwaitingConcurrencySlot, got ${held} and ${waits}`);
    }
    await createLateRuns(seed, deployment.id);
    await startHealthyWorker(seed, workPool.name);
    return { deploymentName: deployment.name, deploymentId: deployment.id };
  },
  question: (facts) =>
    `Why are recent runs of my deployment '${facts.deploymentName}' taking so long to start?`,
  plan: (facts) => diagnoseDeploymentByName(facts.deploymentName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("deployment_concurrency_full", "deployment", (facts) => [
      facts.deploymentName,
      facts.deploymentId,
    ]),
  ],
});
