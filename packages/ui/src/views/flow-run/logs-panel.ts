import type { ToolCaller } from "../shared/bridge.js";
import { errorMessage, fill, h, loadingMessage } from "../shared/dom.js";
import { formatClock, plural } from "../shared/format.js";
import type { LogEntry } from "./flow-run-data.js";
import { filterLogs, type LevelFilter, LOG_LEVELS } from "./log-levels.js";

const PAGE_SIZE = 50;

/**
 * The run's logs, a page at a time: a level filter applied to the lines loaded so far, and a
 * "Load more logs" button while the server has more. `load()` reads the first page.
 */
export function logsPanel(
  runId: string,
  tools: ToolCaller,
): { element: HTMLElement; load(): Promise<void> } {
  const logs: LogEntry[] = [];
  let nextOffset: number | undefined;
  let level: LevelFilter = "all";

  const select = h(
    "select",
    {
      id: "log-level",
      "data-testid": "log-level",
      onchange: () => {
        level = select.value as LevelFilter;
        renderLines();
      },
    },
    h("option", { value: "all" }, "All levels"),
    ...LOG_LEVELS.map((name) =>
      h("option", { value: name }, name === "CRITICAL" ? name : `${name} and above`),
    ),
  );
  const count = h("span", { class: "muted", role: "status" });
  const list = h("ol", { class: "plain log-lines", tabindex: 0, "aria-label": "Log lines" });
  const problem = h("div");
  const more = h(
    "button",
    { type: "button", "data-testid": "more-logs", onclick: () => void loadPage() },
    "Load more logs",
  );
  const footer = h("div", { class: "log-footer" });
  const body = h("div", {}, loadingMessage("Loading logs…"));
  const element = h(
    "div",
    { class: "logs" },
    h("div", { class: "log-controls" }, h("label", { for: "log-level" }, "Level "), select, count),
    body,
  );

  function renderLines() {
    const shown = filterLogs(logs, level);
    fill(list, ...shown.map(logLine));
    count.textContent =
      level === "all"
        ? `${plural(logs.length, "line")} loaded`
        : `${shown.length} of ${plural(logs.length, "line")} loaded`;
    if (!logs.length) fill(list, h("li", { class: "muted" }, "No logs."));
  }

  async function loadPage(): Promise<void> {
    const first = nextOffset === undefined;
    more.disabled = true;
    more.textContent = "Loading…";
    fill(problem);
    const outcome = await tools.call("get_flow_run_logs", {
      flow_run_id: runId,
      limit: PAGE_SIZE,
      offset: nextOffset ?? 0,
    });
    more.disabled = false;
    more.textContent = "Load more logs";
    if (!outcome.ok) {
      if (first) fill(body, errorMessage(outcome.message));
      else fill(problem, errorMessage(outcome.message));
      return;
    }
    const page = outcome.data;
    if (Array.isArray(page.logs)) logs.push(...(page.logs as LogEntry[]));
    const hasMore = page.has_more === true && typeof page.next_offset === "number";
    nextOffset = hasMore ? (page.next_offset as number) : logs.length;
    const hadFocus = document.activeElement === more;
    fill(footer, hasMore ? more : null, problem);
    if (first) fill(body, list, footer);
    renderLines();
    // The button goes away with the last page: keep keyboard focus in the logs (it scrolls).
    if (hadFocus && !hasMore) list.focus();
  }

  return { element, load: loadPage };
}

function logLine(log: LogEntry): HTMLElement {
  const level = log.level ?? "UNKNOWN";
  const at = log.timestamp ? Date.parse(log.timestamp) : Number.NaN;
  return h(
    "li",
    { class: "log-line", "data-testid": "log-line", "data-level": level },
    h(
      "span",
      { class: "log-meta" },
      Number.isNaN(at) ? null : h("time", { datetime: log.timestamp ?? "" }, formatClock(at)),
      h("span", { class: `log-level level-${level.toLowerCase()}` }, level),
      log.logger ? h("span", { class: "muted" }, log.logger) : null,
    ),
    h("pre", { class: "log-message" }, log.message ?? ""),
  );
}
