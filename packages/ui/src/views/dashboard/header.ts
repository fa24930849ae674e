import { h } from "../shared/dom.js";
import { formatDuration, formatTime, plural } from "../shared/format.js";
import { type Dashboard, list } from "./dashboard-data.js";
import { windowSpanHours } from "./window-hours.js";

export function dashboardHeader(dashboard: Dashboard): HTMLElement {
  const { start, end } = dashboard.window ?? {};
  const hours = windowSpanHours(dashboard.window);
  return h(
    "header",
    { class: "page-header" },
    h("h1", {}, "Prefect dashboard"),
    h(
      "p",
      { class: "muted" },
      Number.isNaN(hours)
        ? "Window not given."
        : `Last ${windowText(hours)}: ${formatTime(start)} – ${formatTime(end)}`,
    ),
  );
}

export function notesSection(notes: string[] | undefined): HTMLElement {
  const items = list(notes).filter((note) => typeof note === "string");
  return h(
    "section",
    { class: "card notes", "data-testid": "notes", "aria-labelledby": "notes-title" },
    h("h2", { id: "notes-title" }, "Notes"),
    items.length
      ? h("ul", {}, ...items.map((note) => h("li", {}, note)))
      : h("p", { class: "muted" }, "Nothing was left out."),
  );
}

/** get_dashboard's window_hours as asked: "24 hours", "7 days" (whole days from two on). */
function windowText(hours: number): string {
  if (Number.isInteger(hours / 24) && hours >= 48) return plural(hours / 24, "day");
  return Number.isInteger(hours) ? plural(hours, "hour") : formatDuration(hours * 3600);
}
