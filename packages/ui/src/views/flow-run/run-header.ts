import { h } from "../shared/dom.js";
import { formatDuration, formatTime } from "../shared/format.js";
import { stateBadge } from "../shared/state-badge.js";
import type { RunInfo } from "./flow-run-data.js";

/** Name, flow, state badge, and the run's facts as a definition list. */
export function runHeader(run: RunInfo): HTMLElement {
  const facts: [string, string | undefined][] = [
    ["Flow run id", run.id],
    ["Deployment", run.deployment_name ?? run.deployment_id],
    ["Work pool", joinDefined([run.work_pool_name, run.work_queue_name], " / queue ")],
    ["Expected start", run.expected_start_time && formatTime(run.expected_start_time)],
    ["Started", run.start_time && formatTime(run.start_time)],
    ["Ended", run.end_time && formatTime(run.end_time)],
    ["Duration", numberText(run.duration_seconds, formatDuration)],
    ["Late by", numberText(run.lateness_seconds, formatDuration)],
    ["Run count", numberText(run.run_count, String)],
    ["Tags", run.tags?.length ? run.tags.join(", ") : undefined],
  ];
  return h(
    "header",
    { class: "card run-header" },
    h(
      "div",
      { class: "run-heading" },
      h("h1", { "data-testid": "run-name" }, run.name ?? run.id),
      stateBadge(
        { name: run.state_name ?? run.state_type, type: run.state_type },
        { "data-testid": "run-state" },
      ),
    ),
    run.flow_name ? h("p", { class: "muted" }, `Flow ${run.flow_name}`) : null,
    run.state_message ? h("p", { class: "state-message" }, run.state_message) : null,
    h(
      "dl",
      { class: "facts" },
      ...facts.flatMap(([term, value]) =>
        value ? [h("div", {}, h("dt", {}, term), h("dd", {}, value))] : [],
      ),
    ),
  );
}

function joinDefined(parts: (string | undefined)[], separator: string): string | undefined {
  const defined = parts.filter(Boolean);
  return defined.length ? defined.join(separator) : undefined;
}

function numberText(value: number | undefined, format: (value: number) => string) {
  return typeof value === "number" ? format(value) : undefined;
}
