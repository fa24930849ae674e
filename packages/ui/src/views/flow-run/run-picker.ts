import type { ToolCaller } from "../shared/bridge.js";
import { h, section } from "../shared/dom.js";
import { formatTime } from "../shared/format.js";
import { stateBadge } from "../shared/state-badge.js";
import type { RunInfo } from "./flow-run-data.js";
import { showRun } from "./run-details.js";

/** Several runs: a button each; the chosen one is shown below the list. */
export function runPicker(runs: RunInfo[], tools: ToolCaller, hasMore: boolean): HTMLElement {
  const details = h("div", { class: "run-details" });
  const buttons = runs.map((run) => {
    const button = h(
      "button",
      {
        type: "button",
        class: "run-choice",
        "data-testid": "run-choice",
        "data-run-id": run.id,
        "aria-pressed": "false",
        onclick: () => {
          for (const other of buttons) other.setAttribute("aria-pressed", "false");
          button.setAttribute("aria-pressed", "true");
          void showRun(details, { run, complete: true }, tools);
        },
      },
      h("strong", {}, run.name ?? run.id),
      stateBadge({ name: run.state_name, type: run.state_type }),
      h(
        "span",
        { class: "muted" },
        [run.flow_name, formatTime(run.start_time ?? run.expected_start_time)]
          .filter(Boolean)
          .join(" · "),
      ),
    );
    return button;
  });
  return h(
    "div",
    {},
    section(
      "runs",
      `${runs.length}${hasMore ? "+" : ""} flow runs: choose one`,
      h("ul", { class: "plain run-choices" }, ...buttons.map((button) => h("li", {}, button))),
      hasMore
        ? h("p", { class: "muted" }, "More runs matched; narrow the filter to see them.")
        : null,
    ),
    details,
  );
}
