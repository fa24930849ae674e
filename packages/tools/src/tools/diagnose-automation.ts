import type { PrefectClient, Schema } from "@prefect-mcp/client";
import { z } from "zod";
import { defineTool, READ_ONLY } from "../define-tool.js";
import {
  type AnalysisWindow,
  analyzeEventTrigger,
  type EventTrigger,
  globMatches,
  orList,
  type SeenEvent,
  type TriggerAnalysis,
} from "../diagnosis/automation-checks.js";
import {
  type Cause,
  type Diagnosis,
  diagnosisOutputSchema,
  Findings,
  renderDiagnosis,
} from "../diagnosis/diagnosis.js";
import { InputError } from "../errors.js";
import { uuidParam } from "../params.js";

const HOUR_MS = 3_600_000;
/** Prefect serves at most 50 events per request. */
const EVENTS_PER_PAGE = 50;
/** Pages of candidate events read at most: 500 events. */
const MAX_EVENT_PAGES = 10;

interface CompositeTrigger {
  type: "compound" | "sequence";
  require?: number | string;
  within?: number | null;
  triggers: Trigger[];
}
type Trigger = EventTrigger | CompositeTrigger | { type: string };
type Action = Record<string, unknown> & { type: string };

export const diagnoseAutomation = defineTool({
  name: "diagnose_automation",
  title: "Diagnose automation",
  description: `Why an automation did or did not fire: disabled, expected events missing (typos), match/match_related labels (expected vs seen), threshold, proactive posture, last firing, missing or paused action targets. Ids: get_automations.`,
  inputSchema: z.object({
    automation_id: uuidParam("automation"),
    window_hours: z.number().int().min(1).max(168).default(24).describe("Hours back"),
  }),
  outputSchema: diagnosisOutputSchema,
  annotations: READ_ONLY,
  async handler({ automation_id, window_hours }, { client, now }) {
    const until = now();
    const since = new Date(until.getTime() - window_hours * HOUR_MS);
    const [automation] = await client.POST("/automations/filter", {
      body: { automations: { id: { any_: [automation_id] } }, limit: 1 },
    });
    if (!automation) {
      throw new InputError(
        `automation_id: there is no automation ${automation_id}. Find automation ids with get_automations.`,
      );
    }
    const trigger = automation.trigger as Trigger;
    const eventTriggers = flattenTriggers(trigger);
    const created = automation.created ? new Date(automation.created) : since;
    const start = created > since ? created : since;
    const targets = actionTargets(automation);

    const [candidates, firing, targetState] = await Promise.all([
      eventTriggers.length ? readCandidateEvents(client, eventTriggers, start, until) : undefined,
      readFiring(client, automation.id, since, until),
      readTargets(client, targets),
    ]);

    const findings = new Findings();
    findings.check(
      "automation_disabled",
      automation.enabled === false
        ? {
            summary: `Automation "${automation.name}" is disabled, so Prefect does not evaluate its trigger.`,
            evidence: { ids: { automation: automation.id }, values: { enabled: false } },
          }
        : undefined,
      `prefect automation resume --id ${automation.id}`,
    );

    const window: AnalysisWindow = {
      start,
      until,
      automationId: automation.id,
      fromCreation: created > since,
      ...(candidates?.cut ? { cut: candidates.cut } : {}),
    };
    const analyses = eventTriggers.map(({ path, trigger: each }) => ({
      path,
      trigger: each,
      analysis: analyzeEventTrigger(each, candidates?.events ?? [], window),
    }));
    const fired = firing.triggered.length > 0;
    await recordTriggerChecks(client, analyses, fired, window, findings);
    checkActionTargets(automation.id, targets, targetState, findings);

    const unchecked = notChecked(trigger, allActions(automation));
    return {
      subject: {
        kind: "automation",
        id: automation.id,
        name: automation.name,
        enabled: automation.enabled ?? true,
        trigger_type: trigger.type,
        ...("posture" in trigger && trigger.posture ? { posture: trigger.posture } : {}),
        ...(firing.triggered[0] ? { last_fired: firing.triggered[0].occurred } : {}),
      },
      verdict: verdict(
        automation,
        window_hours,
        firing,
        findings.causes,
        analyses,
        unchecked,
        candidates?.cut,
      ),
      causes: findings.causes,
      ruled_out: findings.ruledOut,
      next_steps: findings.nextSteps,
    } satisfies Diagnosis;
  },
  // The schema's inferred output loses the subject's fields; the handler's result is a Diagnosis.
  render: renderDiagnosis as never,
});

interface PathTrigger {
  /** Where it sits in a compound or sequence trigger, e.g. `triggers[1]`; empty at the top. */
  path: string;
  trigger: EventTrigger;
}

function flattenTriggers(trigger: Trigger, path = ""): PathTrigger[] {
  if (trigger.type === "event") return [{ path, trigger: trigger as EventTrigger }];
  if (trigger.type === "compound" || trigger.type === "sequence") {
    return (trigger as CompositeTrigger).triggers.flatMap((child, index) =>
      flattenTriggers(child, `${path ? `${path}.` : ""}triggers[${index}]`),
    );
  }
  return [];
}

/**
 * The events that could count for any of the triggers: one query by the literal prefixes of the
 * names in `expect` and `after` (all events when a trigger expects any), newest first, paged a
 * bounded number of times. Labels are matched here, with Prefect's rules, not by the server.
 */
async function readCandidateEvents(
  client: PrefectClient,
  triggers: PathTrigger[],
  start: Date,
  until: Date,
): Promise<{ events: SeenEvent[]; cut?: string }> {
  const names = triggers.flatMap(({ trigger }) =>
    trigger.expect?.length ? [...trigger.expect, ...(trigger.after ?? [])] : [""],
  );
  const prefixes = [...new Set(names.map(literalPrefix))];
  const page = await readEventPages(client, {
    occurred: { since: start.toISOString(), until: until.toISOString() },
    ...(prefixes.includes("") ? {} : { event: { prefix: prefixes } }),
    order: "DESC",
  });
  const events = page.events.map(seenEvent);
  if (!page.more) return { events };
  return {
    events,
    cut: `counted the newest ${events.length} of ${page.total} candidate events; narrow window_hours for the rest`,
  };
}

/** The part of an event-name pattern before its first wildcard; empty for a negated one. */
function literalPrefix(pattern: string): string {
  if (pattern.startsWith("!")) return "";
  const wildcard = pattern.search(/[*?[]/);
  return wildcard < 0 ? pattern : pattern.slice(0, wildcard);
}

async function readEventPages(
  client: PrefectClient,
  filter: Schema<"EventFilter">,
  maxPages = MAX_EVENT_PAGES,
) {
  let page = await client.POST("/events/filter", { body: { filter, limit: EVENTS_PER_PAGE } });
  const total = page.total;
  const events = [...page.events];
  for (let read = 1; page.next_page && read < maxPages; read++) {
    page = await client.GET("/events/filter/next", {
      params: { query: { "page-token": pageToken(page.next_page) } },
    });
    events.push(...page.events);
  }
  return { events, total, more: Boolean(page.next_page) };
}

/** Prefect's next_page is a URL ending in `?page-token=…`. */
function pageToken(nextPage: string): string {
  return new URL(nextPage, "http://prefect.invalid").searchParams.get("page-token") ?? nextPage;
}

function seenEvent(event: Schema<"ReceivedEvent">): SeenEvent {
  return {
    id: event.id,
    event: event.event,
    occurred: event.occurred,
    resource: event.resource as Record<string, string>,
    related: (event.related ?? []) as Record<string, string>[],
  };
}

interface Firing {
  /** `prefect.automation.triggered` events, newest first. */
  triggered: SeenEvent[];
  /** Outcomes of the actions (`prefect.automation.action.executed` / `.failed`), newest first. */
  outcomes: { event: string; occurred: string; payload: Record<string, unknown> }[];
  more: boolean;
}

/** What the automation did: Prefect records each firing and each action's outcome as events. */
async function readFiring(
  client: PrefectClient,
  automationId: string,
  since: Date,
  until: Date,
): Promise<Firing> {
  const page = await readEventPages(
    client,
    {
      occurred: { since: since.toISOString(), until: until.toISOString() },
      resource: { id: [`prefect.automation.${automationId}`] },
      event: {
        name: [
          "prefect.automation.triggered",
          "prefect.automation.action.executed",
          "prefect.automation.action.failed",
        ],
      },
      order: "DESC",
    },
    1,
  );
  return {
    triggered: page.events
      .filter((event) => event.event === "prefect.automation.triggered")
      .map(seenEvent),
    outcomes: page.events
      .filter((event) => event.event !== "prefect.automation.triggered")
      .map((event) => ({
        event: event.event,
        occurred: event.occurred,
        payload: event.payload ?? {},
      })),
    more: page.more,
  };
}

type TargetKind = "deployment" | "work_pool" | "work_queue" | "automation";

interface ActionTarget {
  /** e.g. `actions[0]` */
  action: string;
  type: string;
  kind: TargetKind;
  id: string;
}

const TARGET_FIELDS: [string, TargetKind][] = [
  ["deployment_id", "deployment"],
  ["work_pool_id", "work_pool"],
  ["work_queue_id", "work_queue"],
  ["automation_id", "automation"],
];

function actionLists(automation: Schema<"Automation">): [string, Action[]][] {
  return [
    ["actions", automation.actions as Action[]],
    ["actions_on_trigger", (automation.actions_on_trigger ?? []) as Action[]],
    ["actions_on_resolve", (automation.actions_on_resolve ?? []) as Action[]],
  ];
}

function allActions(automation: Schema<"Automation">): Action[] {
  return actionLists(automation).flatMap(([, actions]) => actions);
}

/** The objects the actions name by id (a `selected` source); inferred targets are not known. */
function actionTargets(automation: Schema<"Automation">): ActionTarget[] {
  return actionLists(automation).flatMap(([list, actions]) =>
    actions.flatMap((action, index) =>
      TARGET_FIELDS.flatMap(([field, kind]) =>
        typeof action[field] === "string"
          ? [{ action: `${list}[${index}]`, type: action.type, kind, id: action[field] as string }]
          : [],
      ),
    ),
  );
}

function idsOf(targets: { kind: string; id: string }[], kind: TargetKind): string[] {
  return [...new Set(targets.filter((target) => target.kind === kind).map((target) => target.id))];
}

/** One filter request for all targets of a kind, by id. */
async function readByIds<T extends { id: string }>(
  targets: { kind: string; id: string }[],
  kind: TargetKind,
  read: (ids: string[]) => Promise<T[]>,
): Promise<Map<string, T>> {
  const ids = idsOf(targets, kind);
  if (ids.length === 0) return new Map();
  return new Map((await read(ids)).map((item) => [item.id, item]));
}

/**
 * The objects the actions target, one request per kind: deployments and automations by id, then
 * work pools and queues, by id for pause/resume actions and as those of run-deployment targets.
 */
async function readTargets(client: PrefectClient, targets: ActionTarget[]): Promise<TargetState> {
  const [deployments, automations] = await Promise.all([
    readByIds(targets, "deployment", (ids) =>
      client.POST("/deployments/filter", {
        body: { deployments: { id: { any_: ids } }, limit: ids.length },
      }),
    ),
    readByIds(targets, "automation", (ids) =>
      client.POST("/automations/filter", {
        body: { automations: { id: { any_: ids } }, limit: ids.length },
      }),
    ),
  ]);
  const runTargets = targets
    .filter((target) => target.type === "run-deployment")
    .map((target) => deployments.get(target.id))
    .filter((deployment) => deployment !== undefined);
  const poolNames = runTargets.flatMap((deployment) => deployment.work_pool_name ?? []);
  const queues = runTargets.flatMap((deployment) =>
    deployment.work_queue_id ? [{ kind: "work_queue", id: deployment.work_queue_id }] : [],
  );
  const [pools, queuesById] = await Promise.all([
    readWorkPools(client, idsOf(targets, "work_pool"), poolNames),
    readByIds([...targets, ...queues], "work_queue", (ids) =>
      client.POST("/work_queues/filter", {
        body: { work_queues: { id: { any_: ids } }, limit: ids.length },
      }),
    ),
  ]);
  return { deployments, automations, pools, queues: queuesById };
}

/** The pools actions pause or resume (by id) and the pools run-deployment targets use (by name). */
async function readWorkPools(client: PrefectClient, ids: string[], names: string[]) {
  if (ids.length + names.length === 0) return [];
  return client.POST("/work_pools/filter", {
    body: {
      work_pools: {
        operator: "or_",
        ...(ids.length ? { id: { any_: ids } } : {}),
        ...(names.length ? { name: { any_: [...new Set(names)] } } : {}),
      },
      limit: ids.length + names.length,
    },
  });
}

interface TargetState {
  deployments: Map<string, Schema<"DeploymentResponse">>;
  automations: Map<string, Schema<"Automation">>;
  pools: Schema<"WorkPoolResponse">[];
  queues: Map<string, Schema<"WorkQueueResponse">>;
}

const KIND_NAMES: Record<TargetKind, string> = {
  deployment: "deployment",
  work_pool: "work pool",
  work_queue: "work queue",
  automation: "automation",
};

function checkActionTargets(
  automationId: string,
  targets: ActionTarget[],
  state: TargetState,
  findings: Findings,
) {
  if (targets.length === 0) return;
  const exists = (target: ActionTarget) => {
    if (target.kind === "deployment") return state.deployments.has(target.id);
    if (target.kind === "automation") return state.automations.has(target.id);
    if (target.kind === "work_queue") return state.queues.has(target.id);
    return state.pools.some((pool) => pool.id === target.id);
  };
  let missing = false;
  for (const target of targets.filter((each) => !exists(each))) {
    missing = true;
    findings.found(
      {
        code: "action_target_missing",
        summary: `Action ${target.action} (${target.type}) targets ${KIND_NAMES[target.kind]} ${target.id}, which does not exist, so the action fails when the automation fires.`,
        evidence: {
          ids: { [target.kind]: target.id },
          values: { action: target.action, action_type: target.type },
        },
      },
      target.kind === "deployment"
        ? "get_deployments to find the deployment's current id"
        : "get_work_pools / get_automations to find the current id",
      `prefect automation update --id ${automationId} --from-file automation.yaml`,
    );
  }
  if (!missing) findings.ruleOut("action_target_missing");

  const runs = targets.filter((target) => target.type === "run-deployment" && exists(target));
  if (runs.length === 0) return;
  let paused = false;
  for (const target of runs) {
    const deployment = state.deployments.get(target.id);
    if (!deployment) continue;
    const subject = `Action ${target.action} (run-deployment) targets deployment "${deployment.name}"`;
    const evidence = (extra: Record<string, string>) => ({
      ids: { deployment: deployment.id, ...extra },
      values: { action: target.action, action_type: target.type },
    });
    if (deployment.paused) {
      paused = true;
      findings.found(
        {
          code: "action_target_paused",
          summary: `${subject}, which is paused. Prefect still creates the run when the action fires (pausing stops only the deployment's schedules), so check whether the pause was meant to stop these runs too.`,
          evidence: evidence({}),
        },
        `prefect api POST /deployments/${deployment.id}/resume_deployment --data '{}'`,
      );
    }
    const pool = state.pools.find((each) => each.name === deployment.work_pool_name);
    if (pool?.is_paused) {
      paused = true;
      findings.found(
        {
          code: "action_target_paused",
          summary: `${subject}, whose work pool "${pool.name}" is paused: the runs the action creates wait Scheduled and turn Late.`,
          evidence: evidence({ work_pool: pool.id }),
        },
        `prefect work-pool resume "${pool.name}"`,
      );
    }
    const queue = deployment.work_queue_id ? state.queues.get(deployment.work_queue_id) : undefined;
    if (queue?.is_paused) {
      paused = true;
      findings.found(
        {
          code: "action_target_paused",
          summary: `${subject}, whose work queue "${queue.name}" is paused: the runs the action creates wait Scheduled and turn Late.`,
          evidence: evidence({ work_queue: queue.id }),
        },
        `prefect work-queue resume "${queue.name}"${queue.work_pool_name ? ` --pool "${queue.work_pool_name}"` : ""}`,
      );
    }
  }
  if (!paused) findings.ruleOut("action_target_paused");
}

interface AnalyzedTrigger {
  path: string;
  trigger: EventTrigger;
  analysis: TriggerAnalysis;
}

const TRIGGER_CODES = [
  "no_matching_events",
  "match_mismatch",
  "related_mismatch",
  "threshold_not_reached",
  "proactive_posture",
];

/**
 * The triggers' findings. A code is ruled out only when every trigger was checked for it and none
 * had it. After a recorded firing, what the events seemed to say is moot, so nothing is found.
 */
async function recordTriggerChecks(
  client: PrefectClient,
  analyses: AnalyzedTrigger[],
  fired: boolean,
  window: AnalysisWindow,
  findings: Findings,
) {
  if (analyses.length === 0) return;
  const causes: { cause: Cause; nextSteps: string[] }[] = [];
  for (const { path, trigger, analysis } of analyses) {
    for (const check of analysis.checks) {
      if (!check.cause || fired) continue;
      const where =
        analyses.length > 1 || path ? `Trigger ${path} (${orList(trigger.expect ?? [])}): ` : "";
      causes.push({
        cause: {
          code: check.code,
          summary: `${where}${check.cause.summary}`,
          evidence: path
            ? { ...check.cause.evidence, values: { trigger: path, ...check.cause.evidence.values } }
            : check.cause.evidence,
        },
        nextSteps: check.nextSteps ?? [],
      });
    }
  }
  await addSimilarNames(
    client,
    causes.map(({ cause }) => cause),
    window,
  );
  for (const { cause, nextSteps } of causes) findings.found(cause, ...nextSteps);
  for (const code of TRIGGER_CODES) {
    const everywhere = analyses.every(({ analysis }) =>
      analysis.checks.some((check) => check.code === code && !check.cause),
    );
    if (everywhere) findings.ruleOut(code);
  }
}

/**
 * For each "no matching events" cause, the names of events that did occur in the same family
 * (first segment) and are a few edits away from an expected name: a typo in `expect`.
 */
async function addSimilarNames(client: PrefectClient, causes: Cause[], window: AnalysisWindow) {
  const missing = causes.filter((cause) => cause.code === "no_matching_events");
  const expectedOf = (cause: Cause) => (cause.evidence.values?.expected_events as string[]) ?? [];
  const families = [
    ...new Set(missing.flatMap(expectedOf).map((name) => literalPrefix(name).split(".")[0] ?? "")),
  ].filter(Boolean);
  if (families.length === 0) return;
  const counts = await client.POST("/events/count-by/{countable}", {
    params: { path: { countable: "event" } },
    body: {
      filter: {
        occurred: { since: window.start.toISOString(), until: window.until.toISOString() },
        event: { prefix: families.map((family) => `${family}.`) },
      },
    },
  });
  for (const cause of missing) {
    const expected = expectedOf(cause);
    const similar = counts
      .filter((row) => !expected.some((name) => globMatches(name, row.value)))
      .map((row) => ({
        event: row.value,
        count: row.count,
        distance: closest(expected, row.value),
      }))
      .filter((row) => row.distance <= Math.max(2, Math.floor(row.event.length / 8)))
      .sort((a, b) => a.distance - b.distance || b.count - a.count)
      .slice(0, 5)
      .map(({ event, count }) => ({ event, count }));
    if (similar.length === 0) continue;
    cause.summary += ` Similar names that did occur: ${similar.map((row) => `${row.event} (${row.count})`).join(", ")}.`;
    cause.evidence.values = { ...cause.evidence.values, similar_events: similar };
  }
}

/** The fewest edits from `name` to one of the patterns (to a wildcard's literal prefix). */
function closest(patterns: string[], name: string): number {
  return Math.min(
    ...patterns.map((pattern) => {
      const prefix = literalPrefix(pattern);
      return editDistance(prefix === pattern ? name : name.slice(0, prefix.length), prefix);
    }),
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** What this diagnosis does not look at, said plainly in the verdict. */
function notChecked(trigger: Trigger, actions: Action[]): string[] {
  const unchecked: string[] = [];
  if (trigger.type === "compound" || trigger.type === "sequence") {
    const composite = trigger as CompositeTrigger;
    const rule = trigger.type === "compound" ? `require ${composite.require ?? "all"}` : "in order";
    unchecked.push(
      `whether the ${trigger.type} trigger's parts fired together (${rule}${composite.within ? ` within ${composite.within} s` : ""})`,
    );
  } else if (trigger.type !== "event") {
    unchecked.push(`its ${trigger.type} trigger`);
  }
  if (actions.some((action) => action.source === "inferred")) {
    unchecked.push("inferred action targets (the triggering event names them)");
  }
  return unchecked;
}

const SHORT_REASONS: Record<string, string> = {
  automation_disabled: "it is disabled",
  no_matching_events: "the events it expects did not occur",
  match_mismatch: "the expected events did not match its `match` labels",
  related_mismatch: "the expected events lacked the related resource `match_related` requires",
  threshold_not_reached: "too few matching events occurred to reach its threshold",
};

function verdict(
  automation: Schema<"Automation">,
  windowHours: number,
  firing: Firing,
  causes: Cause[],
  analyses: AnalyzedTrigger[],
  unchecked: string[],
  cut: string | undefined,
): string {
  const name = `Automation "${automation.name}"`;
  const period = `in the last ${windowHours} h`;
  const tail = [
    unchecked.length ? ` Not checked: ${unchecked.join("; ")}.` : "",
    cut ? ` Events: ${cut}.` : "",
  ].join("");
  const last = firing.triggered[0];
  if (last) {
    const times = `${firing.triggered.length}${firing.more ? "+" : ""} time${firing.triggered.length === 1 && !firing.more ? "" : "s"}`;
    return `${name} fired ${times} ${period}, last at ${last.occurred}${actionOutcomes(firing, last.occurred)}.${tail}`;
  }
  const reasons = [
    ...new Set(
      causes.map((cause) =>
        cause.code === "proactive_posture"
          ? analyses.some(({ analysis }) => analysis.shouldHaveFired)
            ? "it is Proactive and the expected events were missing, so it should have fired"
            : "it is Proactive: it fires only when the expected events are missing, and they were not"
          : SHORT_REASONS[cause.code],
      ),
    ),
  ].filter(Boolean);
  if (reasons.length) return `${name} did not fire ${period}: ${reasons.join("; ")}.${tail}`;
  const expected = analyses
    .filter(({ analysis }) => analysis.shouldHaveFired)
    .map(({ analysis }) => analysis.outcome);
  if (expected.length) {
    return `${name} has no recorded firing ${period}, although ${expected.join("; ")}. Its events matched; Prefect counts only events that arrive while it is enabled and loaded, so check the server's triggers service.${tail}`;
  }
  return `${name} did not fire ${period}; no cause was found.${tail}`;
}

/** "; its actions: run-deployment executed, call-webhook failed (reason)" for the last firing. */
function actionOutcomes(firing: Firing, lastFired: string): string {
  const outcomes = firing.outcomes.filter((outcome) => outcome.occurred >= lastFired);
  if (outcomes.length === 0) return "";
  const described = outcomes.reverse().map(({ event, payload }) => {
    const type = String(payload.action_type ?? "action");
    return event.endsWith(".failed")
      ? `${type} failed (${String(payload.reason ?? "no reason given")})`
      : `${type} executed`;
  });
  return `; its actions: ${described.join(", ")}`;
}
