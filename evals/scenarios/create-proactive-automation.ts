import { setTimeout as sleep } from "node:timers/promises";
import { createFlow, createFlowRun, setFlowRunState, uniqueName } from "@prefect-mcp/testing";
import { draftAutomation } from "../src/automation-draft.js";
import { eventTrigger, withAnswerAutomation } from "../src/automation-proof.js";
import { defineScenario } from "../src/scenario.js";
import { poll } from "../src/wait.js";

const PENDING = "prefect.flow-run.Pending";
const RUNNING = "prefect.flow-run.Running";

interface Facts {
  /** Left in Pending: the automation should cancel it. */
  stuckRunId: string;
  /** Moves on to Running in time: left alone. */
  startingRunId: string;
}

/**
 * "Cancel runs stuck in Pending for 5 minutes": a proactive trigger (after Pending, expect Running,
 * per flow run, within 300 s) with a cancel-flow-run action. Prefect accepts the draft; its
 * behaviour is shown with the window cut to Prefect's 10 s floor, since 5 minutes is too long to
 * wait for in an eval: a run left Pending is cancelled, a run that started is not.
 */
export default defineScenario<Facts>({
  name: "create-proactive-automation",
  async seed({ seed }) {
    const flow = await createFlow(seed, { name: uniqueName("render-reports") });
    const stuck = await createFlowRun(seed, { flowId: flow.id, state: "Scheduled" });
    const starts = await createFlowRun(seed, { flowId: flow.id, state: "Scheduled" });
    return { stuckRunId: stuck.id, startingRunId: starts.id };
  },
  question: () =>
    "Create an automation that cancels flow runs if they get stuck in Pending for more than 5 minutes. Give me the JSON for `prefect automation create`.",
  plan: () => [{ tool: "get_object_schema", args: { object_type: "automation" } }],
  answer([schema]) {
    const draft = draftAutomation(schema?.data?.schema, {
      name: "cancel runs stuck in Pending",
      description: "Cancels a flow run that has not left Pending 5 minutes after entering it.",
      trigger: {
        posture: "Proactive",
        after: [PENDING],
        // Whatever a run does next once it leaves Pending, as long as it does.
        expect: [RUNNING, "prefect.flow-run.Crashed", "prefect.flow-run.Cancelled"],
        match: { "prefect.resource.id": "prefect.flow-run.*" },
        for_each: ["prefect.resource.id"],
        threshold: 1,
        within: 300,
      },
      action: { type: "cancel-flow-run" },
    });
    return [
      "A proactive trigger fires when an expected event does not come: here, per flow run, when no Running (or Crashed/Cancelled) event follows its Pending event within 300 s. The action cancels that run (checked against Prefect's automation schema):",
      "```json",
      JSON.stringify(draft, null, 2),
      "```",
      "Save it as automation.json and create it with:",
      "```sh",
      "prefect automation create --from-file automation.json",
      "```",
    ].join("\n");
  },
  checks: [
    {
      name: "Prefect accepts the drafted JSON: proactive, after Pending, expects Running, per flow run, within 300 s, cancel-flow-run",
      pass: (answer, _results, _facts, { seed }) =>
        withAnswerAutomation(seed, answer, async (automation) => {
          const trigger = eventTrigger(automation);
          const [action] = automation.actions as { type: string }[];
          return (
            automation.enabled !== false &&
            trigger.posture === "Proactive" &&
            (trigger.after ?? []).includes(PENDING) &&
            (trigger.expect ?? []).includes(RUNNING) &&
            (trigger.for_each ?? []).includes("prefect.resource.id") &&
            Number(trigger.within) === 300 &&
            action?.type === "cancel-flow-run"
          );
        }),
    },
    {
      name: "with its window cut to 10 s (and narrowed to two seeded runs) it cancels the run left Pending, not the one that started",
      pass: (answer, _results, facts, { seed }) =>
        withAnswerAutomation(
          seed,
          answer,
          async () => {
            const read = (id: string) => seed.GET("/flow_runs/{id}", { params: { path: { id } } });
            // Prefect starts evaluating a new automation after it reloads its triggers.
            await sleep(1_000);
            await setFlowRunState(seed, facts.stuckRunId, "Pending");
            await setFlowRunState(seed, facts.startingRunId, "Pending");
            await setFlowRunState(seed, facts.startingRunId, "Running");
            const cancelled = await poll(async () => {
              const run = await read(facts.stuckRunId);
              return run.state_type === "PENDING" ? undefined : run;
            }, 45_000);
            const started = await read(facts.startingRunId);
            if (!cancelled?.state_type?.startsWith("CANCEL") || started.state_type !== "RUNNING") {
              throw new Error(
                `stuck run: ${cancelled?.state_name ?? "still Pending after 45 s"}; started run: ${started.state_name}`,
              );
            }
            return true;
          },
          (draft) => {
            const trigger = draft.trigger as Record<string, unknown>;
            const runs = [facts.stuckRunId, facts.startingRunId];
            return {
              ...draft,
              trigger: {
                ...trigger,
                within: 10,
                match: { "prefect.resource.id": runs.map((id) => `prefect.flow-run.${id}`) },
              },
            };
          },
        ),
    },
  ],
});
