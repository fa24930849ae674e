import type { Schema } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { validatedFilter } from "../filter-validation.js";
import { fetchPage, listOutput, listResult } from "../list-page.js";
import { filterParam, jmespathParam, limitParam, offsetParam } from "../params.js";
import { boundedValues, clip, flowNames, latestRunPerDeployment } from "../tool-support.js";

// Lean on purpose (every tools/list carries it): schedules, parameters, pool, queue and
// concurrency pass through undeclared.
const deployment = z
  .object({
    id: z.string(),
    name: z.string(),
    flow_name: z.string().optional(),
    paused: z.boolean().optional(),
    last_run: z.object({ id: z.string(), state: z.string().optional() }).loose().optional(),
  })
  .loose();

export const getDeployments = defineTool({
  name: "get_deployments",
  title: "Deployments",
  description: `List deployments by name: flow, schedules, paused, parameter defaults, work pool and queue, concurrency limit and collision strategy, last run's state.

Next: diagnose_deployment for why its runs are late or failing; get_deployment_activity for outcomes over time.

filter is a DeploymentFilter (id, name, flow_or_deployment_name, tags, paused, work_queue_name); operators any_, like_, all_, eq_, is_null_. E.g.
- {"id": {"any_": ["<id>"]}}
- {"paused": {"eq_": true}}`,
  inputSchema: z.object({
    filter: filterParam("deployment"),
    limit: limitParam(50, 200),
    offset: offsetParam,
    jmespath: jmespathParam,
  }),
  outputSchema: listOutput("deployments", deployment).extend({
    notes: z.array(z.string()).optional(),
  }),
  annotations: READ_ONLY,
  async handler({ filter, limit, offset }, { client, now }) {
    const deployments = validatedFilter("DeploymentFilter", filter);
    const page = await fetchPage(limit, offset, (pageLimit, pageOffset) =>
      client.POST("/deployments/filter", {
        body: { deployments, sort: "NAME_ASC", limit: pageLimit, offset: pageOffset },
      }),
    );
    const ids = page.items.map((item) => item.id);
    const [flows, lastRuns] = await Promise.all([
      flowNames(
        client,
        page.items.map((item) => item.flow_id),
      ),
      ids.length
        ? latestRunPerDeployment(client, ids, {
            // Runs that started or were due: not the future runs the scheduler has queued.
            expected_start_time: { before_: now().toISOString() },
          })
        : { byDeployment: new Map(), unresolved: [] },
    ]);
    const notes = lastRuns.unresolved.length
      ? [
          `last_run is missing for ${lastRuns.unresolved.length} deployment(s) whose runs are crowded out by busier ones; get_flow_runs with their deployment_id finds it.`,
        ]
      : [];
    return {
      ...listResult("deployments", {
        ...page,
        items: page.items.map((item) => {
          const run = lastRuns.byDeployment.get(item.id);
          return compact({
            id: item.id,
            name: item.name,
            flow_name: flows.get(item.flow_id),
            description: item.description ? clip(item.description, 300) : undefined,
            entrypoint: item.entrypoint,
            paused: item.paused,
            status: item.status,
            tags: item.tags,
            schedules: item.schedules
              ?.map((schedule) => ({ ...schedule, active: schedule.active ?? true }))
              .sort((a, b) => Number(b.active) - Number(a.active))
              .map(
                (schedule) =>
                  `${describeSchedule(schedule.schedule)}${schedule.active ? "" : " [inactive]"}`,
              ),
            parameters: boundedValues(parameterDefaults(item)),
            work_pool_name: item.work_pool_name,
            work_queue_name: item.work_queue_name,
            concurrency: concurrencyOf(item),
            last_run: run
              ? {
                  id: run.id,
                  state: run.state_name ?? undefined,
                  time: run.start_time ?? run.expected_start_time ?? undefined,
                }
              : undefined,
          });
        }),
      }),
      ...(notes.length ? { notes } : {}),
    };
  },
});

/** A schedule as a person reads it: `every 1h`, `cron 0 9 * * 1-5 (Europe/Berlin)`, `rrule …`. */
function describeSchedule(schedule: Schema<"DeploymentSchedule">["schedule"]): string {
  const zone = schedule.timezone ? ` (${schedule.timezone})` : "";
  if ("interval" in schedule) return `every ${describeInterval(schedule.interval)}${zone}`;
  if ("cron" in schedule) {
    return `cron ${schedule.cron}${zone}${schedule.day_or === false ? ", day and weekday both must match" : ""}`;
  }
  return `rrule ${schedule.rrule}${zone}`;
}

function describeInterval(seconds: number): string {
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ];
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("") || `${seconds}s`;
}

/** The flow's parameter defaults (from its schema) with the deployment's own values over them. */
function parameterDefaults(item: Schema<"DeploymentResponse">): Record<string, unknown> {
  const properties = (item.parameter_openapi_schema?.properties ?? {}) as Record<
    string,
    { default?: unknown } | undefined
  >;
  const defaults = Object.fromEntries(
    Object.entries(properties).flatMap(([name, property]) =>
      property && "default" in property ? [[name, property.default]] : [],
    ),
  );
  return { ...defaults, ...item.parameters };
}

/**
 * Prefect 3.9 keeps a deployment's limit as a global (v2) limit named `deployment:<id>` and reads
 * it back in `global_concurrency_limit`; `concurrency_limit` is the older field.
 */
function concurrencyOf(item: Schema<"DeploymentResponse">) {
  const limit = item.global_concurrency_limit?.limit ?? item.concurrency_limit;
  if (limit === null || limit === undefined) return undefined;
  return {
    limit,
    active_slots: item.global_concurrency_limit?.active_slots,
    collision_strategy: item.concurrency_options?.collision_strategy,
  };
}
