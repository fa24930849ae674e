import { dataTable } from "../shared/charts.js";
import { h, section } from "../shared/dom.js";
import { formatDuration, formatTime } from "../shared/format.js";
import { list, type WorkPool } from "./dashboard-data.js";
import { type Freshness, STALE_AFTER_SECONDS, workerFreshness } from "./worker-freshness.js";

/**
 * Work pools: status, paused, online workers and how fresh their heartbeats were when the
 * dashboard was read (`asOf`), so a result shown again later keeps its meaning.
 */
export function workPoolsSection(
  workPools: { has_more?: boolean; pools?: WorkPool[] } | undefined,
  asOf: number,
): HTMLElement {
  const pools = list(workPools?.pools);
  if (!pools.length) {
    return section("pools", "Work pools", h("p", { class: "muted" }, "No work pools."));
  }
  const rows = pools.map((pool) => {
    const name = pool.name ?? "?";
    const freshness = workerFreshness(pool, asOf);
    return h(
      "tr",
      { "data-testid": "work-pool", "data-pool-name": name },
      h("th", { scope: "row" }, name),
      h("td", {}, pool.type ?? "—"),
      h("td", {}, pool.status ?? "—"),
      h("td", {}, pool.paused ? "paused" : "no"),
      h(
        "td",
        { class: "number", "data-testid": "online-workers" },
        typeof pool.online_workers === "number" ? pool.online_workers : "—",
      ),
      h(
        "td",
        {
          "data-testid": "worker-freshness",
          "data-freshness": freshness.kind,
          title: pool.last_heartbeat ? `last heartbeat ${pool.last_heartbeat}` : "",
        },
        freshnessText(freshness),
      ),
    );
  });
  return section(
    "pools",
    "Work pools",
    h(
      "div",
      { class: "table-scroll" },
      dataTable(
        "Work pools and their workers",
        ["Pool", "Type", "Status", "Paused", "Online workers", "Workers"],
        rows,
      ),
    ),
    h(
      "p",
      { class: "muted" },
      `Workers are stale after ${STALE_AFTER_SECONDS} s without a heartbeat; ages as of ${formatTime(
        new Date(asOf).toISOString(),
      )}.`,
    ),
    workPools?.has_more
      ? h("p", { class: "muted" }, "More pools exist; call get_work_pools for the rest.")
      : null,
  );
}

export function freshnessText(freshness: Freshness): string {
  switch (freshness.kind) {
    case "fresh":
      return `fresh, ${formatDuration(freshness.ageSeconds)} ago`;
    case "stale":
      return `stale, ${formatDuration(freshness.ageSeconds)} ago`;
    case "no-workers":
      return "no workers";
    case "unknown":
      return "not read";
  }
}
