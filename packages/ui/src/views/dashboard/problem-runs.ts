import type { ToolCaller } from "../shared/bridge.js";
import { diagnosisContent } from "../shared/diagnosis-panel.js";
import { errorMessage, fill, h, loadingMessage, section } from "../shared/dom.js";
import { formatDuration, formatTime } from "../shared/format.js";
import { stateBadge } from "../shared/state-badge.js";
import { list, type ProblemGroup, type ProblemRun } from "./dashboard-data.js";

type ProblemKind = "late" | "failed" | "crashed";

const TITLES: Record<ProblemKind, string> = {
  late: "Late runs",
  failed: "Failed runs",
  crashed: "Crashed runs",
};

/**
 * Late, failed and crashed runs, each a button; choosing one diagnoses it (diagnose_flow_run,
 * through the host) into the panel beside the lists.
 */
export function problemRunsSection(
  problemRuns: Partial<Record<ProblemKind, ProblemGroup>> | undefined,
  tools: ToolCaller,
): HTMLElement {
  const panel = h(
    "section",
    {
      id: "diagnosis",
      class: "card diagnosis",
      "data-testid": "diagnosis",
      "aria-live": "polite",
      "aria-labelledby": "diagnosis-title",
    },
    h("h2", { id: "diagnosis-title" }, "Diagnosis"),
    h("p", { class: "muted" }, "Choose a run above to see why it is late, failed or crashed."),
  );
  let latest = 0;

  const choose = async (run: ProblemRun & { id: string }, button: HTMLButtonElement) => {
    const request = ++latest;
    for (const pressed of document.querySelectorAll('button[aria-pressed="true"]')) {
      pressed.setAttribute("aria-pressed", "false");
    }
    button.setAttribute("aria-pressed", "true");
    const title = h("h2", { id: "diagnosis-title" }, `Diagnosis of ${run.name ?? run.id}`);
    fill(panel, title, loadingMessage("Diagnosing…"));
    panel.setAttribute("aria-busy", "true");
    const outcome = await tools.call("diagnose_flow_run", { flow_run_id: run.id });
    // A later choice wins, whatever order the answers arrive in.
    if (request !== latest) return;
    panel.setAttribute("aria-busy", "false");
    fill(
      panel,
      title,
      ...(outcome.ok ? diagnosisContent(outcome.data) : [errorMessage(outcome.message)]),
    );
  };

  const groups = (["late", "failed", "crashed"] as const).map((kind) =>
    problemGroup(kind, problemRuns?.[kind], choose),
  );
  return h(
    "div",
    { class: "stack" },
    section("problems", "Problem runs", h("div", { class: "grid" }, ...groups)),
    panel,
  );
}

function problemGroup(
  kind: ProblemKind,
  group: ProblemGroup | undefined,
  choose: (run: ProblemRun & { id: string }, button: HTMLButtonElement) => void,
): HTMLElement {
  const runs = list(group?.runs);
  const total = typeof group?.total === "number" ? group.total : runs.length;
  const count = group?.has_more && total <= runs.length ? `${runs.length}+` : String(total);
  const shown = runs.length < total || group?.has_more ? ` (${runs.length} shown)` : "";
  return h(
    "div",
    { class: "problem-group", "data-kind": kind },
    h("h3", {}, `${TITLES[kind]}: ${count}${shown}`),
    runs.length
      ? h(
          "ul",
          { class: "plain run-list" },
          ...runs.map((run) => h("li", {}, runButton(kind, run, choose))),
        )
      : h("p", { class: "muted" }, "None."),
  );
}

function runButton(
  kind: ProblemKind,
  run: ProblemRun,
  choose: (run: ProblemRun & { id: string }, button: HTMLButtonElement) => void,
): HTMLElement {
  const content = [
    h(
      "span",
      { class: "run-title" },
      h("strong", {}, run.name ?? run.id ?? "Unnamed run"),
      run.state_name ? stateBadge({ name: run.state_name }) : null,
    ),
    h("span", { class: "run-detail muted" }, runDetail(kind, run)),
    run.message ? h("span", { class: "run-message" }, run.message) : null,
  ];
  const { id } = run;
  if (!id) return h("div", { class: "run-button" }, ...content);
  const button = h(
    "button",
    {
      type: "button",
      class: "run-button",
      "data-testid": `${kind}-run`,
      "data-run-id": id,
      "aria-pressed": "false",
      "aria-controls": "diagnosis",
      onclick: () => choose({ ...run, id }, button),
    },
    ...content,
  );
  return button;
}

function runDetail(kind: ProblemKind, run: ProblemRun): string {
  const parts: string[] = [];
  if (kind === "late") {
    if (typeof run.late_by_seconds === "number") {
      parts.push(`late by ${formatDuration(run.late_by_seconds)}`);
    }
    if (run.expected_start_time) parts.push(`expected ${formatTime(run.expected_start_time)}`);
  } else if (run.end_time) {
    parts.push(`ended ${formatTime(run.end_time)}`);
  }
  if (run.work_pool) parts.push(`pool ${run.work_pool}`);
  return parts.join(" · ") || "Diagnose";
}
