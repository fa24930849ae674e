import type { PrefectClient } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { validatedFilter } from "../filter-validation.js";
import { fetchPage, inChunks, listOutput, listResult } from "../list-page.js";
import { filterParam, jmespathParam, limitParam, offsetParam } from "../params.js";
import { flowNames, latestRunPerDeployment, partReader } from "../tool-support.js";

const DAY_MS = 86_400_000;
/** Runs counted per call, newest first; past this the counts cover a shorter window and say so. */
const MAX_COUNTED_RUNS = 1_000;
const MAX_AUTOMATIONS = 1_000;
/** Prefect answers at most 50 events per request. */
const MAX_EVENTS = 50;
const EVENT_NAMES_SHOWN = 5;
const PLATFORM_EVENT_PREFIXES = ["prefect.", "prefect-cloud."];
const OUTCOMES = {
  COMPLETED: "completed",
  FAILED: "failed",
  CRASHED: "crashed",
  CANCELLED: "cancelled",
} as const;

interface RunCounts {
  total: number;
  completed: number;
  failed: number;
  crashed: number;
  cancelled: number;
}

// Lean on purpose (every tools/list carries it): run counts, last run, last completed time,
// automations and output events pass through undeclared; a field that could not be read is null.
const activity = z.object({ id: z.string(), name: z.string() }).loose();

type Activity = z.input<typeof activity>;

export const getDeploymentActivity = defineTool({
  name: "get_deployment_activity",
  title: "Deployment activity",
  description: `Per deployment, over the last window_days: runs started, by outcome; last run; last completed time; run_by_automations (enabled automations that run it); output_events (its runs' non-prefect.* events). Unreadable fields are null, explained in notes. Finds deployments that fail often, stopped, or are unused. Next: diagnose_deployment.

filter is a DeploymentFilter (id, name, flow_or_deployment_name, tags, paused). E.g.
- get_deployment_activity()
- get_deployment_activity(window_days=7, filter={"tags": {"all_": ["prod"]}})`,
  inputSchema: z.object({
    window_days: z
      .number()
      .int()
      .min(1)
      .max(365, { error: "must be at most 365" })
      .default(30)
      .describe("Days back from now (1–365)"),
    limit: limitParam(50, 200),
    offset: offsetParam,
    filter: filterParam("deployment"),
    jmespath: jmespathParam,
  }),
  outputSchema: listOutput("deployments", activity).extend({
    window_start: z.string(),
    window_end: z.string(),
    notes: z.array(z.string()).optional(),
  }),
  annotations: READ_ONLY,
  async handler({ window_days, limit, offset, filter }, { client, now }) {
    const deployments = validatedFilter("DeploymentFilter", filter);
    const until = now();
    const window = {
      since: new Date(until.getTime() - window_days * DAY_MS).toISOString(),
      until: until.toISOString(),
    };
    const page = await fetchPage(limit, offset, (pageLimit, pageOffset) =>
      client.POST("/deployments/filter", {
        body: { deployments, sort: "NAME_ASC", limit: pageLimit, offset: pageOffset },
      }),
    );
    const ids = page.items.map((item) => item.id);

    // Each field is read for the whole page at once, and one that fails leaves the others.
    const notes: string[] = [];
    const readPart = partReader(notes);
    const attempt = <T>(field: string, read: () => Promise<T>) =>
      ids.length === 0 ? Promise.resolve(null) : readPart(field, read);
    const [flows, counts, lastRuns, lastCompleted, automations, events] = await Promise.all([
      attempt("flow_name", () =>
        flowNames(
          client,
          page.items.map((item) => item.flow_id),
        ),
      ),
      attempt("runs", () => countRuns(client, ids, window)),
      attempt("last_run", () =>
        latestRunPerDeployment(client, ids, { expected_start_time: { before_: window.until } }),
      ),
      attempt("last_completed_time", () =>
        latestRunPerDeployment(client, ids, { state: { type: { any_: ["COMPLETED"] } } }),
      ),
      attempt("run_by_automations", () => automationTargets(client)),
      attempt("output_events", () => outputEvents(client, ids, window)),
    ]);
    notes.push(
      ...[counts?.note, automations?.note, events?.note].filter((note) => note !== undefined),
    );
    for (const [field, lookup] of [
      ["last_run", lastRuns],
      ["last_completed_time", lastCompleted],
    ] as const) {
      if (lookup?.unresolved.length) {
        notes.push(
          `${field} is null for ${lookup.unresolved.length} deployment(s) whose runs are crowded out by busier ones; get_flow_runs with their deployment_id finds it.`,
        );
      }
    }

    const items = page.items.map((item): Activity => {
      const lastRun = lastRuns?.byDeployment.get(item.id);
      const completed = lastCompleted?.byDeployment.get(item.id);
      const summary: Activity = compact({
        id: item.id,
        name: item.name,
        flow_name: flows?.get(item.flow_id),
        paused: item.paused,
        has_active_schedule: (item.schedules ?? []).some((schedule) => schedule.active ?? true),
        runs: counts?.byDeployment.get(item.id) ?? (counts ? emptyCounts() : undefined),
        last_run: lastRun && {
          id: lastRun.id,
          state: lastRun.state_name ?? undefined,
          time: lastRun.start_time ?? lastRun.expected_start_time ?? undefined,
        },
        last_completed_time: completed && (completed.end_time ?? completed.start_time),
        run_by_automations: automations ? (automations.targets.get(item.id) ?? 0) : undefined,
        output_events: events ? (events.byDeployment.get(item.id) ?? { count: 0 }) : undefined,
      });
      // What could not be read is null, not absent: absent means there is none.
      if (!flows) summary.flow_name = null;
      if (!counts) summary.runs = null;
      if (!lastRuns || lastRuns.unresolved.includes(item.id)) summary.last_run = null;
      if (!lastCompleted || lastCompleted.unresolved.includes(item.id)) {
        summary.last_completed_time = null;
      }
      if (!automations) summary.run_by_automations = null;
      if (!events) summary.output_events = null;
      return summary;
    });

    return {
      window_start: window.since,
      window_end: window.until,
      ...listResult("deployments", { ...page, items }),
      ...(notes.length ? { notes } : {}),
    };
  },
});

type Window = { since: string; until: string };

function emptyCounts(): RunCounts {
  return { total: 0, completed: 0, failed: 0, crashed: 0, cancelled: 0 };
}

/**
 * Counts the page's runs that started in the window, by deployment and outcome, from the runs
 * themselves (Prefect has no count grouped by deployment): newest first, at most 1 000.
 */
async function countRuns(client: PrefectClient, ids: string[], window: Window) {
  const runs = await inChunks((limit, offset) =>
    client.POST("/flow_runs/filter", {
      body: {
        flow_runs: {
          deployment_id: { any_: ids },
          start_time: { after_: window.since, before_: window.until },
        },
        sort: "START_TIME_DESC",
        limit,
        offset,
      },
    }),
  )(MAX_COUNTED_RUNS, 0);
  const byDeployment = new Map<string, RunCounts>();
  for (const run of runs) {
    if (!run.deployment_id) continue;
    const counts = byDeployment.get(run.deployment_id) ?? emptyCounts();
    byDeployment.set(run.deployment_id, counts);
    counts.total++;
    const outcome = OUTCOMES[run.state_type as keyof typeof OUTCOMES];
    if (outcome) counts[outcome]++;
  }
  const oldest = runs.at(-1)?.start_time;
  const note =
    runs.length >= MAX_COUNTED_RUNS && oldest
      ? `runs counts cover only runs started since ${oldest} (the newest ${MAX_COUNTED_RUNS}), not the whole window; ask for fewer deployments or fewer window_days for exact counts.`
      : undefined;
  return { byDeployment, note };
}

/** How many enabled automations run each deployment (run-deployment actions naming it). */
async function automationTargets(client: PrefectClient) {
  const automations = await inChunks((limit, offset) =>
    client.POST("/automations/filter", { body: { limit, offset } }),
  )(MAX_AUTOMATIONS, 0);
  const targets = new Map<string, number>();
  for (const automation of automations) {
    if (automation.enabled === false) continue;
    const actions = [
      ...automation.actions,
      ...(automation.actions_on_trigger ?? []),
      ...(automation.actions_on_resolve ?? []),
    ];
    const deploymentIds = new Set(
      actions.flatMap((action) =>
        action.type === "run-deployment" && "deployment_id" in action && action.deployment_id
          ? [action.deployment_id]
          : [],
      ),
    );
    for (const id of deploymentIds) targets.set(id, (targets.get(id) ?? 0) + 1);
  }
  const note =
    automations.length >= MAX_AUTOMATIONS
      ? `run_by_automations looked at the first ${MAX_AUTOMATIONS} automations only.`
      : undefined;
  return { targets, note };
}

/**
 * Events outside Prefect's own namespaces whose related resources include one of the deployments
 * (a run's custom events carry its deployment), in one request of at most 50 events.
 */
async function outputEvents(client: PrefectClient, ids: string[], window: Window) {
  const page = await client.POST("/events/filter", {
    body: {
      filter: {
        occurred: window,
        event: { exclude_prefix: PLATFORM_EVENT_PREFIXES },
        related: {
          resources_in_roles: ids.map((id): [string, string] => [
            `prefect.deployment.${id}`,
            "deployment",
          ]),
        },
      },
      limit: MAX_EVENTS,
    },
  });
  const wanted = new Set(ids);
  const namesByDeployment = new Map<string, Map<string, number>>();
  for (const event of page.events) {
    for (const related of event.related ?? []) {
      const id = related["prefect.resource.id"]?.replace(/^prefect\.deployment\./, "");
      if (related["prefect.resource.role"] !== "deployment" || !id || !wanted.has(id)) continue;
      const names = namesByDeployment.get(id) ?? new Map<string, number>();
      namesByDeployment.set(id, names);
      names.set(event.event, (names.get(event.event) ?? 0) + 1);
    }
  }
  const byDeployment = new Map<string, { count: number; names: string[] }>();
  for (const [id, names] of namesByDeployment) {
    const frequent = [...names].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
    byDeployment.set(id, {
      count: frequent.reduce((sum, [, count]) => sum + count, 0),
      names: frequent.slice(0, EVENT_NAMES_SHOWN).map(([name]) => name),
    });
  }
  const complete = page.events.length >= page.total;
  const only = ids.length === 1 ? byDeployment.get(ids[0] as string) : undefined;
  if (!complete && only) only.count = page.total;
  const note =
    complete || ids.length === 1
      ? undefined
      : `output_events counts are from the newest ${page.events.length} of ${page.total} matching events, so they are lower bounds; ask for one deployment (filter by id) for its exact count.`;
  return { byDeployment, note };
}
