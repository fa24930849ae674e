import type { ToolCaller } from "../shared/bridge.js";
import { type DiagnosisLike, diagnosisContent } from "../shared/diagnosis-panel.js";
import { errorMessage, fill, h, loadingMessage, section, setStatus } from "../shared/dom.js";
import type { Outcome } from "../shared/tool-result.js";
import {
  type EventInfo,
  type RunInfo,
  runFromListItem,
  type TaskRunInfo,
} from "./flow-run-data.js";
import { ganttContent } from "./gantt-chart.js";
import { ganttRows } from "./gantt-rows.js";
import { logsPanel } from "./logs-panel.js";
import { runHeader } from "./run-header.js";
import { eventWindow, stateTimeline } from "./state-timeline.js";
import { timelineContent } from "./timeline-section.js";

const TASK_RUNS_READ = 200;
const EVENTS_READ = 50;

let shownRun = 0;

export interface RunSource {
  run: RunInfo;
  /** True when `run` has get_flow_runs' fields (times…), false for a diagnosis subject. */
  complete: boolean;
  /** Already known when the view was opened by diagnose_flow_run. */
  diagnosis?: DiagnosisLike;
}

/**
 * Shows one flow run in `container`: what is known at once, then the diagnosis, state timeline,
 * task runs and logs as their calls through the host answer. The view is ready once all settle.
 */
export async function showRun(container: HTMLElement, source: RunSource, tools: ToolCaller) {
  const current = ++shownRun;
  setStatus("loading");
  const { id } = source.run;
  let header = runHeader(source.run);
  const diagnosis = h("div", {}, loadingMessage("Diagnosing…"));
  const timeline = h("div", {}, loadingMessage("Reading state changes…"));
  const tasks = h("div", {}, loadingMessage("Reading task runs…"));
  const logs = logsPanel(id, tools);
  container.replaceChildren(
    header,
    section("diagnosis", "Diagnosis", diagnosis),
    section("timeline", "State timeline", timeline),
    section("tasks", "Task runs", tasks),
    section("logs", "Logs", logs.element),
  );

  const runInfo = source.complete
    ? Promise.resolve(source.run)
    : tools.call("get_flow_runs", { filter: { id: { any_: [id] } }, limit: 1 }).then((outcome) => {
        const run = outcome.ok ? firstRun(outcome.data) : undefined;
        if (run) {
          const fuller = runHeader({ ...source.run, ...run });
          header.replaceWith(fuller);
          header = fuller;
          return { ...source.run, ...run };
        }
        header.append(
          errorMessage(outcome.ok ? `get_flow_runs found no flow run ${id}.` : outcome.message),
        );
        return source.run;
      });

  const diagnosed = source.diagnosis
    ? Promise.resolve().then(() => fill(diagnosis, ...diagnosisContent(source.diagnosis ?? {})))
    : tools
        .call("diagnose_flow_run", { flow_run_id: id })
        .then((outcome) => fill(diagnosis, ...outcomeContent(outcome, diagnosisContent)));
  const stateChanges = runInfo.then(async (run) => {
    const outcome = await tools.call("read_events", {
      resource_id: `prefect.flow-run.${id}`,
      event_type_prefix: "prefect.flow-run.",
      ...eventWindow(run, Date.now()),
      limit: EVENTS_READ,
    });
    const events = outcome.ok && Array.isArray(outcome.data.events) ? outcome.data.events : [];
    const { entries, inferred } = stateTimeline(events as EventInfo[], run);
    fill(
      timeline,
      ...timelineContent(entries, inferred),
      outcome.ok ? null : errorMessage(outcome.message),
    );
  });
  const taskRuns = tools
    .call("get_task_runs", { filter: { flow_run_id: { any_: [id] } }, limit: TASK_RUNS_READ })
    .then((outcome) =>
      fill(
        tasks,
        ...outcomeContent(outcome, (data) => [
          ...ganttContent(
            ganttRows(
              Array.isArray(data.task_runs) ? (data.task_runs as TaskRunInfo[]) : [],
              Date.now(),
            ),
          ),
          data.has_more
            ? h("p", { class: "muted" }, `Only the newest ${TASK_RUNS_READ} task runs are shown.`)
            : null,
        ]),
      ),
    );

  await Promise.all([
    settle(diagnosis, diagnosed),
    settle(timeline, stateChanges),
    settle(tasks, taskRuns),
    settle(logs.element, logs.load()),
  ]);
  if (current === shownRun) setStatus("ready");
}

/** A section whose rendering failed says so in place; the other sections carry on. */
function settle(element: HTMLElement, work: Promise<unknown>): Promise<void> {
  return work.then(
    () => undefined,
    (error: unknown) => {
      element.append(errorMessage(`This part could not be shown: ${String(error)}`));
    },
  );
}

function outcomeContent(
  outcome: Outcome,
  render: (data: Record<string, unknown>) => (HTMLElement | null)[],
): (HTMLElement | null)[] {
  return outcome.ok ? render(outcome.data) : [errorMessage(outcome.message)];
}

function firstRun(data: Record<string, unknown>): RunInfo | undefined {
  return Array.isArray(data.flow_runs) ? runFromListItem(data.flow_runs[0]) : undefined;
}
