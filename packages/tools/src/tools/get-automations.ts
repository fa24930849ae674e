import type { Schema } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import type { ResourceSpec, Trigger } from "../diagnosis/automation-checks.js";
import { validatedFilter } from "../filter-validation.js";
import { fetchPage, listOutput, listResult } from "../list-page.js";
import { filterParam, jmespathParam, limitParam, offsetParam } from "../params.js";

type Automation = Schema<"Automation">;
type Action = Record<string, unknown> & { type: string };

// Lean on purpose (every tools/list carries it): trigger, actions and the rest pass through.
const automation = z
  .object({ id: z.string(), name: z.string(), enabled: z.boolean(), summary: z.string() })
  .loose();

export const getAutomations = defineTool({
  name: "get_automations",
  title: "Automations",
  description: `Automations by name: a one-line summary (e.g. "Reactive: when ≥1 prefect.flow-run.Failed within 0s → cancel-flow-run"), the trigger (posture, expect, after, threshold, within, match, nested triggers) and action targets.

filter is an AutomationFilter: id, name (any_), tags, created. E.g. get_automations(filter={"name": {"any_": ["retry-failed"]}})
Next: diagnose_automation for why one did not fire.`,
  inputSchema: z.object({
    filter: filterParam("automation"),
    limit: limitParam(50, 200),
    offset: offsetParam,
    jmespath: jmespathParam,
  }),
  outputSchema: listOutput("automations", automation),
  annotations: READ_ONLY,
  async handler({ filter, limit, offset }, { client }) {
    const automations = validatedFilter("AutomationFilter", filter);
    const page = await fetchPage(limit, offset, (pageLimit, pageOffset) =>
      client.POST("/automations/filter", {
        body: { automations, limit: pageLimit, offset: pageOffset, sort: "NAME_ASC" },
      }),
    );
    return listResult("automations", { ...page, items: page.items.map(describeAutomation) });
  },
});

function describeAutomation(item: Automation) {
  const trigger = item.trigger as Trigger;
  const actions = item.actions as Action[];
  const onTrigger = item.actions_on_trigger as Action[];
  const onResolve = item.actions_on_resolve as Action[];
  return compact({
    id: item.id,
    name: item.name,
    enabled: item.enabled ?? true,
    description: item.description,
    tags: item.tags,
    summary: automationSummary(item.enabled ?? true, trigger, actions, onTrigger, onResolve),
    trigger: readableTrigger(trigger),
    actions: actions.map(actionTarget),
    actions_on_trigger: onTrigger.map(actionTarget),
    actions_on_resolve: onResolve.map(actionTarget),
  });
}

/** One line: "Reactive: when ≥1 prefect.flow-run.Failed within 0s for … → cancel-flow-run". */
function automationSummary(
  enabled: boolean,
  trigger: Trigger,
  actions: Action[],
  onTrigger: Action[] = [],
  onResolve: Action[] = [],
): string {
  const act = (list: Action[]) => list.map(actionText).join(", ");
  return [
    enabled ? "" : "Disabled. ",
    triggerText(trigger),
    ` → ${actions.length ? act(actions) : "no actions"}`,
    onTrigger.length ? `; on trigger → ${act(onTrigger)}` : "",
    onResolve.length ? `; on resolve → ${act(onResolve)}` : "",
  ].join("");
}

function triggerText(trigger: Trigger): string {
  const within = trigger.within == null ? "" : ` within ${seconds(trigger.within)}`;
  const parts = (trigger.triggers ?? []).map(triggerText);
  if (trigger.type === "compound") {
    const require = trigger.require === undefined ? "all" : String(trigger.require);
    return `Compound (${require} of ${parts.length}${within}): [${parts.join("; ")}]`;
  }
  if (trigger.type === "sequence") return `Sequence${within}: [${parts.join("; then ")}]`;
  if (trigger.type !== "event") return `${trigger.type ?? "unknown"} trigger`;

  const proactive = trigger.posture === "Proactive";
  const expected = trigger.expect?.length ? trigger.expect.join(" or ") : "any event";
  const words = [
    `${trigger.posture ?? "Reactive"}: when ${proactive ? "<" : "≥"}${trigger.threshold ?? 1} ${expected}${within}`,
  ];
  if (trigger.after?.length) words.push(`after ${trigger.after.join(" or ")}`);
  const match = specStrings(trigger.match);
  if (match.length) words.push(`for ${match.join(", ")}`);
  const related = relatedStrings(trigger.match_related);
  if (related.length) words.push(`related to ${related.join("; ")}`);
  const perResource =
    trigger.for_each?.length === 1 && trigger.for_each[0] === "prefect.resource.id";
  if (trigger.for_each?.length && !perResource) words.push(`per ${trigger.for_each.join(", ")}`);
  return words.join(" ");
}

/** The trigger as a model reads it best: labels as `key=value` strings, nested triggers kept. */
function readableTrigger(trigger: Trigger): Record<string, unknown> {
  if (trigger.type === "compound" || trigger.type === "sequence") {
    return compact({
      type: trigger.type,
      require: trigger.require,
      within_seconds: trigger.within,
      triggers: (trigger.triggers ?? []).map(readableTrigger),
    });
  }
  return compact({
    type: trigger.type,
    posture: trigger.posture,
    expect: trigger.expect,
    after: trigger.after,
    threshold: trigger.threshold,
    within_seconds: trigger.within,
    match: specStrings(trigger.match),
    match_related: relatedStrings(trigger.match_related),
    for_each: trigger.for_each,
  });
}

function specStrings(spec: ResourceSpec | undefined): string[] {
  return Object.entries(spec ?? {}).map(
    ([key, value]) => `${key}=${Array.isArray(value) ? value.join("|") : value}`,
  );
}

/** One string per related-resource spec (a spec's labels joined by " & "). */
function relatedStrings(related: ResourceSpec | ResourceSpec[] | undefined): string[] {
  const specs = Array.isArray(related) ? related : related ? [related] : [];
  return specs.map((spec) => specStrings(spec).join(" & ")).filter(Boolean);
}

const TARGET_FIELDS = [
  "source",
  "deployment_id",
  "work_queue_id",
  "work_pool_id",
  "automation_id",
  "state",
  "name",
  "block_document_id",
  "subject",
] as const;

/** An action's type and what it acts on, without bodies and parameters. */
function actionTarget(action: Action): Record<string, unknown> {
  return compact(
    Object.fromEntries([
      ["type", action.type],
      ...TARGET_FIELDS.map((field) => [field, action[field]]),
    ]),
  );
}

function actionText(action: Action): string {
  const target =
    action.deployment_id ??
    action.work_queue_id ??
    action.work_pool_id ??
    action.automation_id ??
    action.state ??
    (action.source === "inferred" ? "inferred" : undefined);
  return target ? `${action.type}(${String(target)})` : action.type;
}

function seconds(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}s`;
}
