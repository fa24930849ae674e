import { createDeployment, createFlow, createWorkPool, uniqueName } from "@prefect-mcp/testing";
import { commandFixes, namesCause } from "../src/checks.js";
import { diagnoseDeploymentByName, diagnosisAnswer } from "../src/diagnosis-answer.js";
import { startHealthyWorker } from "../src/late-runs.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  deploymentName: string;
  deploymentId: string;
}

/**
 * An hourly deployment that was paused: Prefect's scheduler makes no runs for it, so nothing
 * starts although a worker is healthy.
 */
export default defineScenario<Facts>({
  name: "late-runs-paused-deployment",
  async seed({ seed }) {
    const { workPool } = await createWorkPool(seed, { name: uniqueName("prod-pool") });
    const flow = await createFlow(seed, { name: uniqueName("refresh-forecast") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("hourly-forecast"),
      workPoolName: workPool.name,
      schedules: [{ intervalSeconds: 3600 }],
      paused: true,
    });
    await startHealthyWorker(seed, workPool.name);
    return { deploymentName: deployment.name, deploymentId: deployment.id };
  },
  question: (facts) =>
    `My deployment '${facts.deploymentName}' should run every hour, but no runs have started for hours. Why?`,
  plan: (facts) => diagnoseDeploymentByName(facts.deploymentName),
  answer: (results) => diagnosisAnswer(results.at(-1)),
  checks: [
    namesCause("deployment_paused", "deployment", (facts) => [
      facts.deploymentName,
      facts.deploymentId,
    ]),
    commandFixes(
      // Prefect 3.9.1's CLI has no `deployment resume`: its generic API command does it.
      "prefect api",
      "resumes the deployment",
      (facts) => facts.deploymentId,
      async (facts, { seed }) => {
        const deployment = await seed.GET("/deployments/{id}", {
          params: { path: { id: facts.deploymentId } },
        });
        return deployment.paused === false;
      },
    ),
  ],
});
