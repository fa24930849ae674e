import { h } from "../shared/dom.js";
import { formatDuration, formatTime } from "../shared/format.js";
import { stateBadge } from "../shared/state-badge.js";
import type { TimelineEntry } from "./state-timeline.js";

/** The state changes as an ordered list: state, when, and how long after the previous one. */
export function timelineContent(
  entries: TimelineEntry[],
  inferred: boolean,
): (HTMLElement | null)[] {
  if (!entries.length) return [h("p", { class: "muted" }, "No state changes are known.")];
  const items = entries.map((entry, index) => {
    const previous = entries[index - 1]?.at;
    const gap =
      previous && entry.at ? (Date.parse(entry.at) - Date.parse(previous)) / 1000 : undefined;
    return h(
      "li",
      { "data-testid": "state-event", "data-state-name": entry.name },
      stateBadge({ name: entry.name, type: entry.type }),
      entry.at
        ? h("time", { datetime: entry.at }, formatTime(entry.at))
        : h("span", { class: "muted" }, "time unknown"),
      gap !== undefined ? h("span", { class: "muted" }, `+${formatDuration(gap)}`) : null,
    );
  });
  return [
    h("ol", { class: "plain timeline" }, ...items),
    inferred
      ? h(
          "p",
          { class: "muted" },
          "No state-change events were found, so these come from the run's own times.",
        )
      : null,
  ];
}
