import { createDeployment, createFlow, uniqueName } from "@prefect-mcp/testing";
import { commandsIn, runPrefectCommand, shellWords } from "../src/prefect-cli.js";
import { defineScenario } from "../src/scenario.js";

const RUN = "prefect deployment run";

interface Facts {
  flowName: string;
  deploymentName: string;
  deploymentId: string;
}

/**
 * "Trigger the data sync deployment": the answer is the exact `prefect deployment run` command for
 * the right deployment, and running it creates a run of that deployment.
 */
export default defineScenario<Facts>({
  name: "trigger-deployment-run",
  async seed({ seed }) {
    const flow = await createFlow(seed, { name: uniqueName("sync-data") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("data-sync"),
    });
    // A neighbour with a different job, so "data sync" has to be matched, not guessed.
    await createDeployment(seed, { flowId: flow.id, name: uniqueName("data-export") });
    return { flowName: flow.name, deploymentName: deployment.name, deploymentId: deployment.id };
  },
  question: () =>
    "Trigger a run of the data sync deployment for me and don't wait for it to finish. What's the exact command?",
  plan: () => [{ tool: "get_deployments", args: { filter: { name: { like_: "%data-sync%" } } } }],
  answer([deployments]) {
    const deployment = deployments?.data?.deployments[0];
    return [
      `The data sync deployment is ${deployment.flow_name}/${deployment.name} (${deployment.id}). Start a run without waiting for it:`,
      "```sh",
      `${RUN} '${deployment.flow_name}/${deployment.name}'`,
      "```",
      "The CLI prints the new flow run's id; a worker of its pool picks it up.",
    ].join("\n");
  },
  checks: [
    {
      name: `gives \`${RUN} '<flow>/<deployment>'\` (or --id) for the data sync deployment`,
      pass: (answer, _results, facts) =>
        commandsIn(answer, RUN).some((command) => {
          const words = shellWords(command);
          return (
            words.includes(`${facts.flowName}/${facts.deploymentName}`) ||
            words.includes(facts.deploymentId)
          );
        }),
    },
    {
      name: "that command, run with the pinned prefect CLI, creates a new run of the deployment",
      async pass(answer, _results, facts, { apiUrl, seed }) {
        const command = commandsIn(answer, RUN)[0];
        if (!command) throw new Error(`no \`${RUN}\` command in the answer`);
        const runsOfDeployment = () =>
          seed.POST("/flow_runs/filter", {
            body: { deployments: { id: { any_: [facts.deploymentId] } } },
          });
        const before = (await runsOfDeployment()).length;
        const { stdout } = await runPrefectCommand(command, apiUrl);
        const after = await runsOfDeployment();
        const printedId = stdout.match(/UUID: ([0-9a-f-]{36})/)?.[1];
        if (after.length !== before + 1 || !after.some((run) => run.id === printedId)) {
          throw new Error(`${before} runs before, ${after.length} after; the CLI said:\n${stdout}`);
        }
        return true;
      },
    },
  ],
});
