import "../shared/base.css";
import "./dashboard.css";
import { fatal, startView, type ToolCaller } from "../shared/bridge.js";
import { h, setStatus } from "../shared/dom.js";
import { toolOutcome } from "../shared/tool-result.js";
import { concurrencyLimitsSection } from "./concurrency-limits.js";
import type { Dashboard } from "./dashboard-data.js";
import { dashboardHeader, notesSection } from "./header.js";
import { problemRunsSection } from "./problem-runs.js";
import { runsSection } from "./runs-chart.js";
import { windowHoursOf } from "./window-hours.js";
import { workPoolsSection } from "./work-pools.js";

/** Bars in the runs chart when the view asks for them itself. */
const CHART_INTERVALS = 24;

const root = document.getElementById("app") ?? document.body;
let askedWindowHours: unknown;

startView({
  name: "dashboard",
  root,
  onInput(args) {
    askedWindowHours = args.window_hours;
  },
  async onResult(result, tools) {
    const outcome = toolOutcome(result, "get_dashboard");
    if (!outcome.ok) return fatal(root, outcome.message);
    const dashboard = outcome.data as Dashboard;
    if (!render(dashboard, tools)) return;
    // The model's call rarely asks for intervals; the chart needs them, so the view asks for the
    // same window split into bars and shows that answer (one consistent snapshot).
    if (!Array.isArray(dashboard.flow_runs?.intervals)) {
      const window_hours = windowHoursOf(askedWindowHours, dashboard.window);
      const split = await tools.call("get_dashboard", { window_hours, intervals: CHART_INTERVALS });
      if (split.ok) {
        if (!render(split.data as Dashboard, tools)) return;
      } else {
        root.append(
          h("p", { class: "muted" }, `Runs per interval could not be read: ${split.message}`),
        );
      }
    }
    setStatus("ready");
  },
});

/** Renders the whole dashboard; false (after showing why) when it could not. */
function render(dashboard: Dashboard, tools: ToolCaller): boolean {
  try {
    const end = Date.parse(dashboard.window?.end ?? "");
    root.replaceChildren(
      dashboardHeader(dashboard),
      runsSection(dashboard),
      problemRunsSection(dashboard.problem_runs, tools),
      h(
        "div",
        { class: "grid wide" },
        workPoolsSection(dashboard.work_pools, Number.isNaN(end) ? Date.now() : end),
        concurrencyLimitsSection(dashboard.concurrency_limits),
      ),
      notesSection(dashboard.notes),
    );
    return true;
  } catch (error) {
    fatal(root, `The dashboard could not be shown: ${String(error)}`);
    return false;
  }
}
