import { createDeployment, createFlow, createWorkPool, uniqueName } from "@prefect-mcp/testing";
import { commandFixes, namesCause } from "../src/checks.js";
import { diagnoseLateRunOf, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createLateRuns, startHealthyWorker } from "../src/late-runs.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  deploymentName: string;
  poolName: string;
  queueName: string;
}

/** Late runs in a paused work queue of a healthy pool (the pool's other queues are served). */
export default defineScenario<Facts>({
  name: "late-runs-paused-queue",
  async seed({ seed }) {
    const queueName = uniqueName("backfill");
    const { workPool } = await createWorkPool(seed, {
      name: uniqueName("etl-pool"),
      queues: [{ name: queueName, paused: true }],
    });
    const flow = await createFlow(seed, { name: uniqueName("backfill-events") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("events-backfill"),
      workPoolName: workPool.name,
      workQueueName: queueName,
    });
    await createLateRuns(seed, deployment.id);
    await startHealthyWorker(seed, workPool.name);
    return { deploymentName: deployment.name, poolName: workPool.name, queueName };
  },
  question: (facts) =>
    `Why haven't the late runs of my deployment '${facts.deploymentName}' started yet?`,
  plan: (facts) => diagnoseLateRunOf(facts.deploymentName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("work_queue_paused", "work queue", (facts) => facts.queueName),
    commandFixes(
      "prefect work-queue resume",
      "resumes the queue",
      (facts) => [facts.queueName, facts.poolName],
      async (facts, { seed }) => {
        const queue = await seed.GET("/work_pools/{work_pool_name}/queues/{name}", {
          params: { path: { work_pool_name: facts.poolName, name: facts.queueName } },
        });
        return queue.is_paused === false;
      },
    ),
  ],
});
