import "../shared/base.css";
import "./flow-run.css";
import { fatal, startView } from "../shared/bridge.js";
import { h, loadingMessage, setStatus } from "../shared/dom.js";
import { isRecord } from "../shared/evidence.js";
import { toolOutcome } from "../shared/tool-result.js";
import { type RunInfo, runFromListItem, runFromSubject } from "./flow-run-data.js";
import { showRun } from "./run-details.js";
import { runPicker } from "./run-picker.js";

const root = document.getElementById("app") ?? document.body;
let resultSeen = false;

startView({
  name: "flow-run",
  root,
  onInput(args) {
    // Only a placeholder: never over a result already shown.
    if (!resultSeen && typeof args.flow_run_id === "string") {
      root.replaceChildren(loadingMessage(`Diagnosing flow run ${args.flow_run_id}…`));
    }
  },
  onResult(result, tools) {
    resultSeen = true;
    // Either tool may open this view: diagnose_flow_run (a diagnosis) or get_flow_runs (a list).
    const outcome = toolOutcome(result, "the tool");
    if (!outcome.ok) return fatal(root, outcome.message);
    const data = outcome.data;
    try {
      if (Array.isArray(data.flow_runs)) {
        const runs = data.flow_runs.flatMap((item) => runFromListItem(item) ?? []);
        showRuns(runs, data.has_more === true, tools);
        return;
      }
      const run = isRecord(data.subject) ? runFromSubject(data.subject) : undefined;
      if (!run) return fatal(root, "This result names no flow run, so there is nothing to show.");
      void showRun(root, { run, complete: false, diagnosis: data }, tools).catch(failed);
    } catch (error) {
      failed(error);
    }
  },
});

function showRuns(runs: RunInfo[], hasMore: boolean, tools: Parameters<typeof showRun>[2]) {
  const [only] = runs;
  if (!runs.length) {
    root.replaceChildren(h("p", {}, "No flow run matched."));
    setStatus("ready");
  } else if (runs.length === 1 && only) {
    void showRun(root, { run: only, complete: true }, tools).catch(failed);
  } else {
    root.replaceChildren(runPicker(runs, tools, hasMore));
    setStatus("ready");
  }
}

function failed(error: unknown) {
  fatal(root, `The flow run could not be shown: ${String(error)}`);
}
