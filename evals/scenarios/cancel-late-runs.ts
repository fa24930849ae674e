import { createDeployment, createFlow, createFlowRun, uniqueName } from "@prefect-mcp/testing";
import { commandsIn, runPrefectCommand } from "../src/prefect-cli.js";
import { defineScenario } from "../src/scenario.js";

const CANCEL = "prefect flow-run cancel";

interface Facts {
  deploymentName: string;
  lateRunIds: string[];
  /** Runs the commands must leave alone: a future run of the deployment, a late run of another. */
  untouchedRunIds: string[];
}

/**
 * "Cancel all late runs of deployment X with the CLI": the server is read-only, so the answer is
 * one exact command per late run; the check runs them and sees exactly those runs cancelled.
 */
export default defineScenario<Facts>({
  name: "cancel-late-runs",
  async seed({ seed }) {
    const flow = await createFlow(seed, { name: uniqueName("refresh-cache") });
    const deployment = await createDeployment(seed, {
      flowId: flow.id,
      name: uniqueName("cache-refresh"),
    });
    const late = [];
    for (const minutes of [50, 35, 20]) {
      late.push(
        await createFlowRun(seed, {
          deploymentId: deployment.id,
          state: { name: "Late", scheduledTime: new Date(Date.now() - minutes * 60_000) },
        }),
      );
    }
    // Runs the user did not ask about: a future run of this deployment, a late run of another.
    const upcoming = await createFlowRun(seed, { deploymentId: deployment.id, state: "Scheduled" });
    const otherDeployment = await createDeployment(seed, { flowId: flow.id });
    const otherLate = await createFlowRun(seed, {
      deploymentId: otherDeployment.id,
      state: "Late",
    });
    return {
      deploymentName: deployment.name,
      lateRunIds: late.map((run) => run.id),
      untouchedRunIds: [upcoming.id, otherLate.id],
    };
  },
  question: (facts) =>
    `My deployment '${facts.deploymentName}' has several late flow runs. Cancel ALL of its late runs using the prefect CLI: give me the exact commands.`,
  plan: (facts) => [
    { tool: "get_deployments", args: { filter: { name: { any_: [facts.deploymentName] } } } },
    ([deployments]) => ({
      tool: "get_flow_runs",
      args: {
        filter: {
          deployment_id: { any_: [deployments?.data?.deployments[0].id] },
          state: { name: { any_: ["Late"] } },
        },
        limit: 100,
      },
    }),
  ],
  answer([deployments, late]) {
    const deployment = deployments?.data?.deployments[0];
    const runs: { id: string; name: string }[] = late?.data?.flow_runs ?? [];
    return [
      `Deployment ${deployment.flow_name}/${deployment.name} has ${runs.length} late runs (${runs.map((run) => run.name).join(", ")}). Cancel them with:`,
      "```sh",
      ...runs.map((run) => `${CANCEL} ${run.id}`),
      "```",
    ].join("\n");
  },
  checks: [
    {
      name: `gives \`${CANCEL} <id>\` for each late run of the deployment, and for no other run`,
      pass(answer, _results, facts) {
        const ids = commandsIn(answer, CANCEL).map((command) => command.split(/\s+/).at(-1));
        return (
          facts.lateRunIds.every((id) => ids.includes(id)) &&
          ids.every((id) => id !== undefined && facts.lateRunIds.includes(id))
        );
      },
    },
    {
      name: "those commands, run with the pinned prefect CLI, cancel the late runs and nothing else",
      async pass(answer, _results, facts, { apiUrl, seed }) {
        const commands = commandsIn(answer, CANCEL);
        if (commands.length === 0) throw new Error(`no \`${CANCEL}\` command in the answer`);
        await Promise.all(commands.map((command) => runPrefectCommand(command, apiUrl)));
        const states = async (ids: string[]) =>
          (
            await seed.POST("/flow_runs/filter", {
              body: { flow_runs: { id: { any_: ids } } },
            })
          ).map((run) => `${run.id}: ${run.state_type}`);
        const cancelled = await states(facts.lateRunIds);
        const untouched = await states(facts.untouchedRunIds);
        const ok =
          cancelled.length === facts.lateRunIds.length &&
          cancelled.every((line) => /: CANCELL(ED|ING)$/.test(line)) &&
          untouched.every((line) => line.endsWith(": SCHEDULED"));
        if (!ok) throw new Error(`after the commands: ${[...cancelled, ...untouched].join("; ")}`);
        return true;
      },
    },
  ],
});
