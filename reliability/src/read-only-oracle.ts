import type { ProxiedRequest, SeedClient } from "@prefect-mcp/testing";

/**
 * A second opinion on "prefect-mcp only reads", written from Prefect 3.9.1's OpenAPI spec
 * (packages/client/openapi/prefect-3.9.1.json) without looking at the client's own guard: if both
 * were derived from one list, one mistake would pass both.
 *
 * Reads are every GET, and the POSTs whose last path segment is one of Prefect's query verbs:
 * `filter`, `count`, `history`, `paginate`, `lateness`, and the UI's `counts`, `next-runs`,
 * `count-task-runs`, `count-deployments`, plus `/events/count-by/{countable}`. Left out on purpose:
 * `get_scheduled_flow_runs` and `/work_queues/{id}/get_runs`, which read runs but record a poll
 * (they set last_polled and a deployment's or queue's status), `concurrency_status` and the
 * `validate` routes, which no tool needs, and every create, set_state, increment, pause, delete.
 */
const QUERY_VERBS = new Set([
  "filter",
  "count",
  "history",
  "paginate",
  "lateness",
  "counts",
  "next-runs",
  "count-task-runs",
  "count-deployments",
]);

/** Why a request Prefect received was not a read, or undefined if it was one. */
export function notARead(request: Pick<ProxiedRequest, "method" | "path">): string | undefined {
  const { method, path } = request;
  if (method === "GET") return undefined;
  if (method !== "POST") return `${method} is never a read`;
  const segments = path.split("/").filter(Boolean);
  const verb = segments.at(-1) ?? "";
  if (QUERY_VERBS.has(verb)) return undefined;
  if (segments.at(-2) === "count-by" && segments.at(-3) === "events") return undefined;
  return `POST ${path} is not one of Prefect's query routes`;
}

/** Prefect's objects as counts and (id, updated) fingerprints, to compare before and after. */
export type PrefectSnapshot = Record<string, unknown>;

const COUNTED = [
  "flows",
  "flow_runs",
  "task_runs",
  "deployments",
  "automations",
  "work_pools",
  "variables",
  "block_documents",
  "artifacts",
] as const;

const LISTED = [
  "flows",
  "flow_runs",
  "task_runs",
  "deployments",
  "automations",
  "work_pools",
  "work_queues",
  "concurrency_limits",
  "v2/concurrency_limits",
  "variables",
  "block_documents",
  "logs",
  "saved_searches",
] as const;

type Row = { id?: string; updated?: string | null };

/**
 * Counts every kind of object a write could create or delete, and fingerprints each listed object
 * by id and `updated`, which any write to it changes. Reads Prefect directly (not through the
 * proxy, so the snapshot is not among the requests under test).
 */
export async function snapshotPrefect(seed: SeedClient): Promise<PrefectSnapshot> {
  // The seed client is typed per route; these are plain reads over many routes at once.
  const post = seed.POST as unknown as (path: string, init: { body: object }) => Promise<unknown>;
  const counts = await Promise.all(
    COUNTED.map(async (kind) => [`${kind} count`, await post(`/${kind}/count`, { body: {} })]),
  );
  const listed = await Promise.all(
    LISTED.map(async (kind) => {
      const rows = (await post(`/${kind}/filter`, { body: { limit: 200 } })) as Row[];
      const fingerprint = rows.map((row) => `${row.id}@${row.updated ?? ""}`).sort();
      return [kind, fingerprint];
    }),
  );
  return Object.fromEntries([...counts, ...listed]);
}
