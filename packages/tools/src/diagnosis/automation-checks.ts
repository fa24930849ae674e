import type { Cause } from "./diagnosis.js";

// How Prefect 3.9's trigger service decides whether an event counts for an event trigger, and
// whether the counted events fire it. Each rule names the function of Prefect's server it follows
// (prefect/server/events/schemas/events.py, schemas/automations.py, triggers.py).

export type Labels = Record<string, string>;
export type ResourceSpec = Record<string, string | string[]>;

/** The fields of Prefect's event, compound and sequence triggers that are read (`within` in s). */
export interface Trigger {
  type?: string;
  posture?: string;
  expect?: string[];
  after?: string[];
  match?: ResourceSpec;
  match_related?: ResourceSpec | ResourceSpec[];
  for_each?: string[];
  threshold?: number;
  within?: number | null;
  require?: number | string;
  triggers?: Trigger[];
}

/** An event trigger as Prefect stores it. */
export type EventTrigger = Trigger & { type: "event"; within?: number };

/** The parts of a received event the trigger looks at. */
export interface SeenEvent {
  id: string;
  event: string;
  occurred: string;
  resource: Labels;
  related: Labels[];
}

/** Python's `fnmatch.fnmatchcase`: `*`, `?`, `[seq]`, `[!seq]`, case-sensitive, whole value. */
export function globMatches(pattern: string, value: string): boolean {
  return globRegExp(pattern).test(value);
}

const globs = new Map<string, RegExp>();

function globRegExp(pattern: string): RegExp {
  let compiled = globs.get(pattern);
  if (compiled) return compiled;
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern.charAt(index);
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (char === "[") {
      let end = index + 1;
      if (pattern[end] === "!") end++;
      if (pattern[end] === "]") end++;
      while (end < pattern.length && pattern[end] !== "]") end++;
      // An unclosed bracket is a literal one, as in fnmatch.
      if (end >= pattern.length) source += "\\[";
      else {
        source += characterClass(pattern.slice(index + 1, end));
        index = end;
      }
    } else source += escapeRegExp(char);
  }
  try {
    compiled = new RegExp(`^(?:${source})$`);
  } catch {
    // fnmatch drops reversed ranges such as [z-a]; a class left empty matches nothing.
    compiled = /(?!)/;
  }
  globs.set(pattern, compiled);
  return compiled;
}

function characterClass(body: string): string {
  if (body === "") return "(?!)";
  const negated = body.startsWith("!");
  const members = (negated ? body.slice(1) : body).replace(/[\\[\]^]/g, "\\$&");
  return `[${negated ? "^" : ""}${members}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/**
 * Prefect's `matches(expected, value)`: a glob, negated by a leading `!`. A resource without the
 * label never matches, not even a negated value.
 */
export function labelMatches(expected: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const negated = expected.startsWith("!");
  const matched = globMatches(negated ? expected.slice(1) : expected, value);
  return negated ? !matched : matched;
}

/** A spec's labels with their accepted values, a single value read as a list of one. */
function specItems(spec: ResourceSpec | undefined): [string, string[]][] {
  return Object.entries(spec ?? {}).map(([label, value]) => [
    label,
    Array.isArray(value) ? value : [value],
  ]);
}

/** `ResourceSpecification.matches`: every label of the spec matches one of its values. */
export function resourceMatches(spec: ResourceSpec, resource: Labels): boolean {
  return specItems(spec).every(([label, expected]) =>
    expected.some((value) => labelMatches(value, resource[label])),
  );
}

/** `ResourceSpecification.includes`: an empty spec takes anything, else one resource matches. */
function specIncludes(spec: ResourceSpec, resources: Labels[]): boolean {
  return (
    Object.keys(spec).length === 0 || resources.some((resource) => resourceMatches(spec, resource))
  );
}

function relatedSpecs(trigger: EventTrigger): ResourceSpec[] {
  const related = trigger.match_related ?? {};
  return Array.isArray(related) ? related : [related];
}

/** `covers_resources`: the event's resource matches `match`, and every related spec is met. */
export function coversResources(trigger: EventTrigger, event: SeenEvent): boolean {
  return matchesPrimary(trigger, event) && matchesRelated(trigger, event);
}

function matchesPrimary(trigger: EventTrigger, event: SeenEvent): boolean {
  return specIncludes(trigger.match ?? {}, [event.resource]);
}

function matchesRelated(trigger: EventTrigger, event: SeenEvent): boolean {
  return relatedSpecs(trigger).every((spec) => specIncludes(spec, event.related));
}

/**
 * Whether an event of this name reaches the trigger at all: the service indexes triggers by the
 * globs of `expect` and `after` (`find_interested_triggers`), then `covers` tests the regular
 * expression `event_pattern`, in which only `*` is a wildcard and stands for one or more
 * characters. So `?` and `[…]` in `expect` pass the index but never the pattern.
 */
function reachesTrigger(trigger: EventTrigger, name: string): boolean {
  const expect = trigger.expect ?? [];
  if (expect.length === 0) return name.length > 0;
  const names = [...expect, ...(trigger.after ?? [])];
  return (
    names.some((key) => globMatches(key, name)) && names.some((key) => eventPattern(key).test(name))
  );
}

const patterns = new Map<string, RegExp>();

function eventPattern(expected: string): RegExp {
  let compiled = patterns.get(expected);
  if (!compiled) {
    // Python's re.match anchors at the start only.
    compiled = new RegExp(`^${escapeRegExp(expected).replace(/\\\*/g, ".+")}`);
    patterns.set(expected, compiled);
  }
  return compiled;
}

/** `expects`: an event the trigger counts (any event when `expect` is empty). */
export function expectsEvent(trigger: EventTrigger, name: string): boolean {
  const expect = trigger.expect ?? [];
  return (
    reachesTrigger(trigger, name) &&
    (expect.length === 0 || expect.some((expected) => labelMatches(expected, name)))
  );
}

/** `starts_after`: an event that opens the trigger's window (only when `after` is set). */
export function startsAfter(trigger: EventTrigger, name: string): boolean {
  return (
    reachesTrigger(trigger, name) &&
    (trigger.after ?? []).some((expected) => labelMatches(expected, name))
  );
}

/**
 * `Event.find_resource_label`: a label of the event's resource, or with `related:<role>:<label>`
 * the label of the first related resource in that role.
 */
function findResourceLabel(event: SeenEvent, label: string): string | undefined {
  const colon = label.lastIndexOf(":");
  const directive = colon >= 0 ? label.slice(0, colon) : "";
  const [kind, ...role] = directive.split(":");
  if (kind === "related") {
    const inRole = event.related.find(
      (related) => related["prefect.resource.role"] === role.join(":"),
    );
    if (inRole) return inRole[label.slice(colon + 1)];
  }
  return event.resource[label];
}

/** `bucketing_key`: the trigger counts separately per combination of its for_each labels. */
export function bucketingKey(trigger: EventTrigger, event: SeenEvent): string {
  return [...(trigger.for_each ?? [])]
    .sort()
    .map((label) => `${label}=${findResourceLabel(event, label) ?? ""}`)
    .join(", ");
}

/** One label of a spec that the events' resources did not satisfy. */
export interface LabelDifference {
  label: string;
  expected: string[];
  /** Up to 5 distinct values the events had instead; "(absent)" for a missing label. */
  seen: string[];
  /** How many events it excluded. */
  events: number;
  example_event_id: string;
}

const MAX_SEEN = 5;
const ABSENT = "(absent)";

/** Which labels of `match` excluded the events, the one excluding most first. */
export function matchDifferences(spec: ResourceSpec, events: SeenEvent[]): LabelDifference[] {
  return specItems(spec)
    .map(([label, expected]) =>
      difference(
        label,
        expected,
        events
          .filter((event) => !expected.some((value) => labelMatches(value, event.resource[label])))
          .map((event) => ({ event, values: [event.resource[label] ?? ABSENT] })),
      ),
    )
    .filter((found) => found !== undefined)
    .sort((a, b) => b.events - a.events);
}

/**
 * Which labels of one related-resource spec no related resource satisfied. When the spec names a
 * role, the values shown are those of the resources in that role (the flow's name, not the
 * deployment's).
 */
export function relatedDifferences(spec: ResourceSpec, events: SeenEvent[]): LabelDifference[] {
  const failing = events.filter((event) => !specIncludes(spec, event.related));
  const items = specItems(spec);
  const role = items.find(([label]) => label === "prefect.resource.role");
  const differences = items
    .map(([label, expected]) => {
      const misses = failing.flatMap((event) => {
        const inRole =
          role && label !== role[0]
            ? event.related.filter((related) =>
                role[1].some((value) => labelMatches(value, related[role[0]])),
              )
            : [];
        const candidates = inRole.length ? inRole : event.related;
        if (
          candidates.some((related) =>
            expected.some((value) => labelMatches(value, related[label])),
          )
        ) {
          return [];
        }
        const values = candidates.length
          ? candidates.map((related) => related[label] ?? ABSENT)
          : ["(no related resources)"];
        return [{ event, values }];
      });
      return difference(label, expected, misses);
    })
    .filter((found) => found !== undefined);
  if (differences.length || failing.length === 0)
    return differences.sort((a, b) => b.events - a.events);
  // Each label is met by some resource, but no single resource meets them all.
  return items.map(([label, expected]) => ({
    label,
    expected,
    seen: distinct(
      failing.flatMap((event) => event.related.map((related) => related[label] ?? ABSENT)),
    ),
    events: failing.length,
    example_event_id: failing[0]?.id ?? "",
  }));
}

function difference(
  label: string,
  expected: string[],
  misses: { event: SeenEvent; values: string[] }[],
): LabelDifference | undefined {
  const first = misses[0];
  if (!first) return undefined;
  return {
    label,
    expected,
    seen: distinct(misses.flatMap((miss) => miss.values)),
    events: misses.length,
    example_event_id: first.event.id,
  };
}

function distinct(values: string[]): string[] {
  return [...new Set(values)].slice(0, MAX_SEEN);
}

/** The events in a group (one for_each combination) and what they add up to. */
export interface GroupCount {
  /** `label=value, …` of the for_each labels; empty without for_each. */
  group: string;
  count: number;
  from: string;
  to: string;
}

/**
 * Reactive: the most events of one group that Prefect could have counted in one window. Its
 * buckets are `within` long, so the most events in any `within`-long span is an upper bound: below
 * the threshold, the trigger cannot have fired. With `after`, a window opens at an `after` event
 * and counts the expected events that follow. A `within` of 0 puts no bound on time here.
 */
export function busiestWindows(
  trigger: EventTrigger,
  expected: SeenEvent[],
  openers: SeenEvent[],
): GroupCount[] {
  const within = (trigger.within ?? 0) * 1000;
  const span = within > 0 ? within : Number.POSITIVE_INFINITY;
  const counts: GroupCount[] = [];
  for (const [group, events] of groups(trigger, expected)) {
    const times = events.map(occurredAt);
    const starts = trigger.after?.length
      ? windowStarts((groups(trigger, openers).get(group) ?? []).map(occurredAt), span)
      : times;
    let best: GroupCount | undefined;
    for (const start of starts) {
      // An event that both opens and is expected starts its window without counting in it.
      const count = times.filter(
        (time) =>
          time >= start && time < start + span && !(trigger.after?.length && time === start),
      ).length;
      if (!best || count > best.count) best = window(group, start, start + span, count, times);
    }
    if (best) counts.push(best);
  }
  return counts.sort((a, b) => b.count - a.count);
}

/**
 * Proactive: the window with the fewest expected events, among windows that had ended by `until`.
 * With `after`, each `after` event opens one (`openers`); without, Prefect keeps a window open
 * from `start` (per group: from the group's first event, the only way it learns of a group).
 * Prefect's windows follow one another; any `within`-long span is checked here, so "every window
 * had enough" is exact and "one had too few" says the trigger should very likely have fired.
 */
export function quietestWindow(
  trigger: EventTrigger,
  expected: SeenEvent[],
  openers: SeenEvent[],
  start: number,
  until: number,
): { windows: number; quietest?: GroupCount } {
  const within = Math.max(trigger.within ?? 0, 10) * 1000;
  const byGroup = groups(trigger, expected);
  const openersByGroup = groups(trigger, openers);
  if (!trigger.after?.length && !trigger.for_each?.length && !byGroup.has("")) byGroup.set("", []);
  const keys = trigger.after?.length ? [...openersByGroup.keys()] : [...byGroup.keys()];
  let windows = 0;
  let quietest: GroupCount | undefined;
  for (const group of keys) {
    const times = (byGroup.get(group) ?? []).map(occurredAt);
    let starts: number[];
    if (trigger.after?.length) {
      starts = windowStarts((openersByGroup.get(group) ?? []).map(occurredAt), within);
    } else {
      const first = trigger.for_each?.length ? Math.min(...times) : start;
      // The quietest span starts where the clock starts or right after an event.
      starts = [first, ...times.filter((time) => time >= first).map((time) => time + 1)];
    }
    for (const from of starts) {
      if (from + within > until) continue;
      windows++;
      const count = times.filter(
        (time) => time >= from && time < from + within && !(trigger.after?.length && time === from),
      ).length;
      if (!quietest || count < quietest.count)
        quietest = window(group, from, from + within, count, times);
    }
  }
  return { windows, ...(quietest ? { quietest } : {}) };
}

/** Window starts from opening events: one opens only when none is open (ensure_bucket). */
function windowStarts(openers: number[], span: number): number[] {
  const starts: number[] = [];
  for (const time of [...openers].sort((a, b) => a - b)) {
    const last = starts.at(-1);
    if (last === undefined || time >= last + span) starts.push(time);
  }
  return starts;
}

function window(
  group: string,
  from: number,
  to: number,
  count: number,
  times: number[],
): GroupCount {
  const end = Number.isFinite(to) ? to : Math.max(from, ...times);
  return { group, count, from: new Date(from).toISOString(), to: new Date(end).toISOString() };
}

function groups(trigger: EventTrigger, events: SeenEvent[]): Map<string, SeenEvent[]> {
  const byKey = new Map<string, SeenEvent[]>();
  for (const event of events) {
    const key = bucketingKey(trigger, event);
    byKey.set(key, [...(byKey.get(key) ?? []), event]);
  }
  return byKey;
}

function occurredAt(event: SeenEvent): number {
  return Date.parse(event.occurred);
}

/** A check's outcome for one trigger: its cause, or `undefined` when checked and absent. */
export interface TriggerCheck {
  code: string;
  cause?: Omit<Cause, "code">;
  nextSteps?: string[];
}

export interface TriggerAnalysis {
  checks: TriggerCheck[];
  /** By the events seen, Prefect should have fired it (and nothing found says otherwise). */
  shouldHaveFired: boolean;
  /** One line on what the events add up to, for the verdict. */
  outcome: string;
}

export interface AnalysisWindow {
  /** Where counting starts: the window's start, or the automation's creation if later. */
  start: Date;
  until: Date;
  automationId: string;
  /** Whether `start` is the automation's creation (it began within the window). */
  fromCreation: boolean;
  /** Set when more events had the expected names than were read. */
  cut?: string;
}

/**
 * Why one event trigger did or did not fire, from the events that occurred in the window. The
 * checks run in the order Prefect applies them (name, match, match_related, then counting), so
 * each later check is only made, and only ruled out, when the earlier ones passed.
 */
export function analyzeEventTrigger(
  trigger: EventTrigger,
  events: SeenEvent[],
  window: AnalysisWindow,
): TriggerAnalysis {
  const proactive = trigger.posture === "Proactive";
  const after = trigger.after ?? [];
  const expected = events.filter((event) => expectsEvent(trigger, event.event));
  const openers = events.filter((event) => startsAfter(trigger, event.event));
  const since = window.start.toISOString();
  const sinceText = window.fromCreation ? `since its creation at ${since}` : `since ${since}`;
  const checks: TriggerCheck[] = [];
  const fix = `prefect automation update --id ${window.automationId} --from-file automation.yaml`;

  // A proactive trigger without `after` fires on absence: missing events are no reason it did not.
  const needed: { names: string[]; events: SeenEvent[]; role: string }[] = [];
  if (!proactive) needed.push({ names: trigger.expect ?? [], events: expected, role: "expected" });
  if (after.length) needed.push({ names: after, events: openers, role: "after" });

  const absent = needed.filter((part) => part.events.length === 0);
  if (needed.length) {
    const first = absent[0];
    if (first) {
      checks.push({
        code: "no_matching_events",
        cause: {
          summary: `No ${orList(first.names)} event occurred ${sinceText}${first.role === "after" ? " (the trigger's `after` event, which opens its window)" : ""}.`,
          evidence: {
            values: {
              expected_events: first.names,
              count: 0,
              ...(absent.length > 1
                ? { also_missing: absent.slice(1).flatMap((part) => part.names) }
                : {}),
            },
            timestamps: { since, until: window.until.toISOString() },
          },
        },
        nextSteps: [
          `read_events(${familyArgument(first.names)}occurred_after="${since}") to see which events did occur`,
          fix,
        ],
      });
      return { checks, shouldHaveFired: false, outcome: `no ${orList(first.names)} events` };
    }
    checks.push({ code: "no_matching_events" });

    const primaryMiss = needed.find(
      (part) => !part.events.some((event) => matchesPrimary(trigger, event)),
    );
    if (primaryMiss) {
      const differences = matchDifferences(trigger.match ?? {}, primaryMiss.events);
      checks.push({
        code: "match_mismatch",
        cause: {
          summary: `${countOf(primaryMiss)} occurred, but none matched the trigger's \`match\`: ${describeDifferences(differences)}.`,
          evidence: {
            ids: {
              example_event: differences[0]?.example_event_id ?? primaryMiss.events[0]?.id ?? "",
            },
            values: { events: primaryMiss.events.length, differences },
          },
        },
        nextSteps: [fix],
      });
      return { checks, shouldHaveFired: false, outcome: "no event matched `match`" };
    }
    checks.push({ code: "match_mismatch" });

    for (const part of needed) {
      const candidates = part.events.filter((event) => matchesPrimary(trigger, event));
      if (candidates.some((event) => matchesRelated(trigger, event))) continue;
      // The spec that excluded the most events; each may be met by some event, none by all.
      const misses = (spec: ResourceSpec) =>
        candidates.filter((event) => !specIncludes(spec, event.related)).length;
      const spec = relatedSpecs(trigger).reduce((worst, each) =>
        misses(each) > misses(worst) ? each : worst,
      );
      const differences = relatedDifferences(spec, candidates);
      checks.push({
        code: "related_mismatch",
        cause: {
          summary: `${countOf({ ...part, events: candidates })} matched \`match\`, but none had the related resource \`match_related\` asks for: ${describeDifferences(differences)}.`,
          evidence: {
            ids: { example_event: differences[0]?.example_event_id ?? candidates[0]?.id ?? "" },
            values: { events: candidates.length, related_spec: spec, differences },
          },
        },
        nextSteps: [fix],
      });
      return { checks, shouldHaveFired: false, outcome: "no event matched `match_related`" };
    }
    checks.push({ code: "related_mismatch" });
  }

  const covered = expected.filter((event) => coversResources(trigger, event));
  const coveredOpeners = openers.filter((event) => coversResources(trigger, event));
  const threshold = trigger.threshold ?? 1;
  const within = trigger.within ?? 0;
  const perGroup = trigger.for_each?.length ? ` per ${trigger.for_each.join(", ")}` : "";
  const expectText = trigger.expect?.length ? orList(trigger.expect) : "events";
  const cut = window.cut ? ` (${window.cut})` : "";

  if (!proactive) {
    const busiest = busiestWindows(trigger, covered, coveredOpeners);
    const top = busiest[0];
    const most = top?.count ?? 0;
    if (most < threshold) {
      const span = within > 0 ? `within ${within} s` : "in all";
      checks.push({
        code: "threshold_not_reached",
        cause: {
          summary: `It needs ${threshold} matching ${expectText} ${span}${perGroup}${after.length ? ` after ${orList(after)}` : ""}; at most ${most} occurred${top?.group ? ` (for ${top.group})` : ""} ${sinceText}${cut}.`,
          evidence: {
            values: {
              threshold,
              within_seconds: within,
              max_count: most,
              matching_events: covered.length,
              ...(trigger.for_each?.length ? { for_each: trigger.for_each } : {}),
              busiest_windows: busiest.slice(0, MAX_SEEN),
            },
            timestamps: { since, until: window.until.toISOString() },
          },
        },
        nextSteps: [fix],
      });
      return {
        checks,
        shouldHaveFired: false,
        outcome: `at most ${most} of ${threshold} matching events in one window`,
      };
    }
    checks.push({ code: "threshold_not_reached" });
    return {
      checks,
      shouldHaveFired: true,
      outcome: `${most} matching ${expectText} in one window${top?.group ? ` (for ${top.group})` : ""} between ${top?.from} and ${top?.to}, meeting the threshold of ${threshold}`,
    };
  }

  const { windows, quietest } = quietestWindow(
    trigger,
    covered,
    coveredOpeners,
    window.start.getTime(),
    window.until.getTime(),
  );
  const rule = `Proactive: it fires when fewer than ${threshold} ${expectText} occur within ${Math.max(within, 10)} s${after.length ? ` after ${orList(after)}` : ""}${perGroup}`;
  const evidence = {
    values: {
      threshold,
      within_seconds: within,
      windows_checked: windows,
      matching_events: covered.length,
      ...(quietest ? { quietest_window: quietest } : {}),
    },
    timestamps: { since, until: window.until.toISOString() },
  };
  const posture = (summary: string, shouldHaveFired: boolean, outcome: string): TriggerAnalysis => {
    checks.push({ code: "proactive_posture", cause: { summary, evidence } });
    return { checks, shouldHaveFired, outcome };
  };
  if (!quietest) {
    const reason =
      trigger.for_each?.length && !after.length && covered.length === 0
        ? `it watches each ${trigger.for_each.join(", ")} only from that one's first matching event, and none occurred ${sinceText}`
        : `no window of ${Math.max(within, 10)} s${after.length ? " opened by a matching after event" : ""} has ended ${sinceText}`;
    return posture(
      `${rule}; ${reason}, so there was nothing to miss yet.`,
      false,
      "no complete window",
    );
  }
  if (quietest.count >= threshold) {
    return posture(
      `${rule}. The expected events did occur: every window ${sinceText} held at least ${quietest.count}${cut}, so not firing was correct.`,
      false,
      `at least ${quietest.count} matching events in every window`,
    );
  }
  return posture(
    `${rule}. Between ${quietest.from} and ${quietest.to}${quietest.group ? ` (for ${quietest.group})` : ""} only ${quietest.count} occurred, so it should have fired by ${quietest.to}, yet no firing is recorded: check that it was enabled then.`,
    true,
    `only ${quietest.count} matching events between ${quietest.from} and ${quietest.to}`,
  );
}

/** `event_type_prefix="acme.", ` for the first segment of the expected names, when they share one. */
function familyArgument(names: string[]): string {
  const families = new Set(names.map((name) => name.replace(/^!/, "").split(/[.*?[]/)[0]));
  const [family] = families;
  return families.size === 1 && family ? `event_type_prefix="${family}.", ` : "";
}

function countOf(part: { names: string[]; events: SeenEvent[] }): string {
  return `${part.events.length} ${orList(part.names)} event${part.events.length === 1 ? "" : "s"}`;
}

function describeDifferences(differences: LabelDifference[]): string {
  if (differences.length === 0) return "no single event met all of its specs";
  return differences
    .slice(0, 2)
    .map(
      (found) =>
        `${found.label} was ${found.seen.map((value) => JSON.stringify(value)).join(", ")} (expected ${found.expected.map((value) => JSON.stringify(value)).join(" or ")})`,
    )
    .join("; ");
}

export function orList(names: string[]): string {
  return names.length ? names.join(" or ") : "any";
}
