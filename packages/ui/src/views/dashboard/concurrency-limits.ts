import { h, section } from "../shared/dom.js";
import {
  type ConcurrencyLimit,
  type Dashboard,
  LIMIT_KINDS,
  type LimitKind,
  list,
} from "./dashboard-data.js";

const KIND_TITLES: Record<LimitKind, string> = {
  global: "Global",
  tag: "Tag",
  deployment: "Deployment",
  work_pool: "Work pool",
  work_queue: "Work queue",
};

/** Every kind of concurrency limit, each limit a gauge of slots in use; an empty kind says so. */
export function concurrencyLimitsSection(limits: Dashboard["concurrency_limits"]): HTMLElement {
  return section(
    "limits",
    "Concurrency limits",
    h(
      "div",
      { class: "limit-kinds" },
      ...LIMIT_KINDS.map((kind) => {
        const kindLimits = list(limits?.[kind]);
        return h(
          "div",
          { class: "limit-kind", "data-kind": kind },
          h("h3", {}, KIND_TITLES[kind]),
          kindLimits.length
            ? h(
                "ul",
                { class: "plain limits" },
                ...kindLimits.map((limit) => limitGauge(kind, limit)),
              )
            : h("p", { class: "muted", "data-testid": "no-limits" }, "none"),
        );
      }),
    ),
  );
}

function limitGauge(kind: LimitKind, limit: ConcurrencyLimit): HTMLElement {
  const name = limit.name ?? limit.id ?? "?";
  const max = typeof limit.limit === "number" ? limit.limit : 0;
  const used = typeof limit.active_slots === "number" ? limit.active_slots : 0;
  const usage = max === 0 ? `${used} / 0 slots: blocks every run` : `${used} / ${max} slots in use`;
  const extras = [
    limit.work_pool ? `pool ${limit.work_pool}` : "",
    limit.active === false ? "inactive" : "",
    limit.slot_decay_per_second ? `frees ${limit.slot_decay_per_second} slots/s` : "",
  ].filter(Boolean);
  const labelId = `limit-${kind}-${cssId(name)}`;
  return h(
    "li",
    { class: "limit", "data-testid": "limit", "data-kind": kind, "data-name": name },
    h(
      "div",
      { class: "limit-label" },
      h(
        "span",
        { id: labelId },
        h("strong", {}, name),
        extras.length ? ` (${extras.join(", ")})` : "",
      ),
      h("span", { class: "muted" }, usage),
    ),
    h("meter", {
      min: 0,
      max,
      value: used,
      // Lower is better: green below half, amber to 90 %, red beyond.
      low: max * 0.5,
      high: max * 0.9,
      optimum: 0,
      "aria-labelledby": labelId,
      "aria-valuetext": usage,
    }),
  );
}

function cssId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_");
}
