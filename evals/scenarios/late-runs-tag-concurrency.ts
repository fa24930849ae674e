import {
  createDeployment,
  createFlow,
  createFlowRun,
  createTagConcurrencyLimit,
  createTaskRun,
  createWorkPool,
  uniqueName,
} from "@prefect-mcp/testing";
import { namesCause } from "../src/checks.js";
import { diagnoseLateRunOf, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { createLateRuns, startHealthyWorker } from "../src/late-runs.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  deploymentName: string;
  tag: string;
}

/**
 * Runs tagged with a tag whose concurrency limit of 1 is held by a running task run; other tag
 * limits have room (noise).
 */
export default defineScenario<Facts>({
  name: "late-runs-tag-concurrency",
  async seed({ seed }) {
    const tag = uniqueName("database");
    await createTagConcurrencyLimit(seed, { tag: uniqueName("api"), limit: 5 });
    await createTagConcurrencyLimit(seed, { tag: uniqueName("etl"), limit: 10 });
    const { workPool } = await createWorkPool(seed, { name: uniqueName("docker-pool") });
    const flow = await createFlow(seed, { name: uniqueName("migrate-tables") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("table-migration"),
      workPoolName: workPool.name,
      tags: [tag],
    });
    // A run of the deployment is busy with a task that holds the tag's only slot.
    const busy = await createFlowRun(seed, { deploymentId: deployment.id, state: "Running" });
    const task = await createTaskRun(seed, {
      flowRunId: busy.id,
      name: "copy_table",
      state: "Running",
      tags: [tag],
    });
    await createTagConcurrencyLimit(seed, { tag, limit: 1, occupiedBy: [task.id] });
    await createLateRuns(seed, deployment.id);
    await startHealthyWorker(seed, workPool.name);
    return { deploymentName: deployment.name, tag };
  },
  question: (facts) =>
    `Why exactly are the runs of my deployment '${facts.deploymentName}' taking so long to start?`,
  plan: (facts) => diagnoseLateRunOf(facts.deploymentName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [namesCause("tag_concurrency_full", "tag", (facts) => facts.tag)],
});
