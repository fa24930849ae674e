import { readBuiltView, viewFileUrl } from "./view-files.js";

/** One MCP Apps view: a self-contained HTML file served as a `ui://` resource. */
export interface UiView {
  /** File name under `dist/views/` (without `.html`). */
  name: "dashboard" | "flow-run";
  /** The `ui://` resource URI a tool names in `_meta.ui.resourceUri`. */
  uri: string;
  title: string;
  description: string;
}

export const DASHBOARD_VIEW: UiView = {
  name: "dashboard",
  uri: "ui://prefect/dashboard",
  title: "Prefect dashboard",
  description:
    "Flow runs by state over the window, late, failed and crashed runs (each diagnosable in place), work pools with worker freshness, and concurrency limits as gauges. Renders get_dashboard.",
};

export const FLOW_RUN_VIEW: UiView = {
  name: "flow-run",
  uri: "ui://prefect/flow-run",
  title: "Prefect flow run",
  description:
    "One flow run: state badge, state timeline, task runs as a Gantt chart, the diagnosis (verdict, causes with evidence, next steps) and its logs with a level filter. Renders diagnose_flow_run or get_flow_runs.",
};

export const UI_VIEWS: readonly UiView[] = Object.freeze([DASHBOARD_VIEW, FLOW_RUN_VIEW]);

const cache = new Map<string, Promise<string>>();

/** The view's self-contained HTML, read once from dist/views and cached. */
export function readViewHtml(view: UiView): Promise<string> {
  let html = cache.get(view.name);
  if (!html) {
    html = readBuiltView(viewFileUrl(view.name));
    cache.set(view.name, html);
    // A failed read is not kept: building the package afterwards must be enough.
    html.catch(() => cache.delete(view.name));
  }
  return html;
}
