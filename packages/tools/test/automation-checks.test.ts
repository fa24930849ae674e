import { describe, expect, it } from "vitest";
import {
  analyzeEventTrigger,
  bucketingKey,
  busiestWindows,
  coversResources,
  type EventTrigger,
  expectsEvent,
  labelMatches,
  matchDifferences,
  quietestWindow,
  relatedDifferences,
  resourceMatches,
  type SeenEvent,
  startsAfter,
} from "../src/diagnosis/automation-checks.js";

// Expected values follow prefect/server/events/schemas/events.py (`matches`: fnmatch.fnmatchcase,
// "!" negation, a missing label never matches) and schemas/automations.py (`event_pattern`,
// `expects`, `covers_resources`) of Prefect 3.9.1.

let counter = 0;
function event(name: string, resource: Record<string, string>, options: Partial<SeenEvent> = {}) {
  counter++;
  return {
    id: `event-${counter}`,
    event: name,
    occurred: "2025-01-01T00:00:00.000Z",
    resource: { "prefect.resource.id": `acme.thing.${counter}`, ...resource },
    related: [],
    ...options,
  } satisfies SeenEvent;
}

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, seconds)).toISOString();

describe("label matching, as Prefect's server matches labels", () => {
  it("matches exact values and globs anywhere in the value, case-sensitively", () => {
    expect(labelMatches("prod", "prod")).toBe(true);
    expect(labelMatches("prod", "production")).toBe(false);
    expect(labelMatches("prod*", "production")).toBe(true);
    expect(labelMatches("prefect.flow-run.*", "prefect.flow-run.0a8f")).toBe(true);
    expect(labelMatches("*.flow-run.*", "prefect.flow-run.0a8f")).toBe(true);
    expect(labelMatches("eu-?", "eu-1")).toBe(true);
    expect(labelMatches("eu-?", "eu-10")).toBe(false);
    expect(labelMatches("eu-[12]", "eu-2")).toBe(true);
    expect(labelMatches("eu-[!12]", "eu-2")).toBe(false);
    expect(labelMatches("eu-[!12]", "eu-3")).toBe(true);
    expect(labelMatches("Prod", "prod")).toBe(false);
    expect(labelMatches("a.b", "aXb")).toBe(false);
  });

  it("negates with a leading !, but a missing label matches nothing, not even a negation", () => {
    expect(labelMatches("!staging", "prod")).toBe(true);
    expect(labelMatches("!staging", "staging")).toBe(false);
    expect(labelMatches("!stag*", "staging-2")).toBe(false);
    expect(labelMatches("!staging", undefined)).toBe(false);
    expect(labelMatches("*", undefined)).toBe(false);
  });

  it("needs every label of a spec, each matching one of its listed values", () => {
    const spec = { env: ["prod", "stag*"], team: "data" };
    expect(resourceMatches(spec, { env: "staging", team: "data" })).toBe(true);
    expect(resourceMatches(spec, { env: "dev", team: "data" })).toBe(false);
    expect(resourceMatches(spec, { env: "prod" })).toBe(false);
    expect(resourceMatches({}, { env: "dev" })).toBe(true);
  });

  it("covers an event when its resource matches `match` and some related resource meets each related spec", () => {
    const trigger: EventTrigger = {
      type: "event",
      match: { "prefect.resource.id": "acme.*" },
      match_related: [
        { "prefect.resource.role": "flow", "prefect.resource.name": "etl" },
        { "prefect.resource.role": "tag", "prefect.resource.id": "prefect.tag.prod" },
      ],
    };
    const flow = { "prefect.resource.role": "flow", "prefect.resource.name": "etl" };
    const tag = { "prefect.resource.role": "tag", "prefect.resource.id": "prefect.tag.prod" };
    expect(coversResources(trigger, event("x", {}, { related: [flow, tag] }))).toBe(true);
    expect(coversResources(trigger, event("x", {}, { related: [flow] }))).toBe(false);
    // The labels must be met by one resource, not spread over two.
    const split = [
      { "prefect.resource.role": "flow", "prefect.resource.name": "other" },
      { "prefect.resource.role": "deployment", "prefect.resource.name": "etl" },
      tag,
    ];
    expect(coversResources(trigger, event("x", {}, { related: split }))).toBe(false);
    expect(coversResources({ type: "event" }, event("x", {}))).toBe(true);
  });
});

describe("event names a trigger counts", () => {
  it("takes exact names and trailing-* wildcards, where * needs at least one character", () => {
    const trigger: EventTrigger = { type: "event", expect: ["prefect.flow-run.*", "acme.done"] };
    expect(expectsEvent(trigger, "prefect.flow-run.Failed")).toBe(true);
    expect(expectsEvent(trigger, "acme.done")).toBe(true);
    expect(expectsEvent(trigger, "acme.done.twice")).toBe(false);
    expect(expectsEvent(trigger, "prefect.flow-run.")).toBe(false);
    expect(expectsEvent(trigger, "prefect.task-run.Failed")).toBe(false);
  });

  it("never reaches a trigger through ? or [] in expect: its event pattern takes them literally", () => {
    expect(expectsEvent({ type: "event", expect: ["acme.job.?"] }, "acme.job.1")).toBe(false);
    expect(expectsEvent({ type: "event", expect: ["acme.job.[12]"] }, "acme.job.1")).toBe(false);
  });

  it("counts any event when expect is empty, and tells after events apart", () => {
    expect(expectsEvent({ type: "event" }, "anything.at.all")).toBe(true);
    const trigger: EventTrigger = {
      type: "event",
      expect: ["acme.finished"],
      after: ["acme.started"],
    };
    expect(startsAfter(trigger, "acme.started")).toBe(true);
    expect(expectsEvent(trigger, "acme.started")).toBe(false);
    expect(startsAfter(trigger, "acme.finished")).toBe(false);
  });

  it("groups by for_each labels of the resource or of the first related resource in a role", () => {
    const trigger: EventTrigger = {
      type: "event",
      for_each: ["related:flow:prefect.resource.name", "env"],
    };
    const seen = event(
      "x",
      { env: "prod" },
      { related: [{ "prefect.resource.role": "flow", "prefect.resource.name": "etl" }] },
    );
    expect(bucketingKey(trigger, seen)).toBe("env=prod, related:flow:prefect.resource.name=etl");
    expect(bucketingKey({ type: "event", for_each: ["missing"] }, seen)).toBe("missing=");
  });
});

describe("explaining a mismatch", () => {
  it("names the label that differed, the expected value, the values seen and an example", () => {
    const events = [
      event("acme.order", { env: "staging", team: "data" }),
      event("acme.order", { env: "dev", team: "data" }),
      event("acme.order", { team: "data" }),
    ];
    const [first, ...rest] = matchDifferences({ env: "prod", team: "data" }, events);
    expect(rest).toEqual([]);
    expect(first).toEqual({
      label: "env",
      expected: ["prod"],
      seen: ["staging", "dev", "(absent)"],
      events: 3,
      example_event_id: events[0]?.id,
    });
  });

  it("shows the related values of the resource in the role the spec names", () => {
    const events = [
      event(
        "acme.order",
        {},
        {
          related: [
            { "prefect.resource.role": "deployment", "prefect.resource.name": "nightly" },
            { "prefect.resource.role": "flow", "prefect.resource.name": "etl-v2" },
          ],
        },
      ),
    ];
    const differences = relatedDifferences(
      { "prefect.resource.role": "flow", "prefect.resource.name": "etl" },
      events,
    );
    expect(differences).toEqual([
      {
        label: "prefect.resource.name",
        expected: ["etl"],
        seen: ["etl-v2"],
        events: 1,
        example_event_id: events[0]?.id,
      },
    ]);
  });
});

describe("counting windows", () => {
  const reactive: EventTrigger = {
    type: "event",
    expect: ["acme.ping"],
    threshold: 3,
    within: 60,
    for_each: ["prefect.resource.id"],
  };

  it("finds the busiest within-long span per for_each group", () => {
    const pings = [0, 30, 59, 61, 200].map((second) =>
      event("acme.ping", { "prefect.resource.id": "acme.a" }, { occurred: at(second) }),
    );
    const other = event("acme.ping", { "prefect.resource.id": "acme.b" }, { occurred: at(5) });
    expect(busiestWindows(reactive, [...pings, other], [])).toEqual([
      { group: "prefect.resource.id=acme.a", count: 3, from: at(0), to: at(60) },
      { group: "prefect.resource.id=acme.b", count: 1, from: at(5), to: at(65) },
    ]);
  });

  it("opens proactive windows at after events and finds the one with too few expected events", () => {
    const trigger: EventTrigger = {
      type: "event",
      posture: "Proactive",
      after: ["acme.started"],
      expect: ["acme.finished"],
      threshold: 1,
      within: 60,
      for_each: ["prefect.resource.id"],
    };
    const job = (id: string) => ({ "prefect.resource.id": id });
    const openers = [
      event("acme.started", job("acme.job.1"), { occurred: at(0) }),
      event("acme.started", job("acme.job.2"), { occurred: at(10) }),
    ];
    const finished = [event("acme.finished", job("acme.job.1"), { occurred: at(20) })];
    const result = quietestWindow(trigger, finished, openers, 0, Date.parse(at(120)));
    expect(result).toEqual({
      windows: 2,
      quietest: { group: "prefect.resource.id=acme.job.2", count: 0, from: at(10), to: at(70) },
    });
  });
});

describe("analyzing one event trigger", () => {
  const window = {
    start: new Date(at(0)),
    until: new Date(at(600)),
    automationId: "0a8f2f8e-8d1c-4c59-9d2e-6f1f4b1a2c3d",
    fromCreation: false,
  };
  const codes = (trigger: EventTrigger, events: SeenEvent[]) =>
    analyzeEventTrigger(trigger, events, window).checks.map(
      (check) => `${check.code}:${check.cause ? "found" : "absent"}`,
    );

  it("stops at the first check that fails, in Prefect's order, and rules out only what it checked", () => {
    const trigger: EventTrigger = {
      type: "event",
      expect: ["acme.order"],
      match: { env: "prod" },
      match_related: { "prefect.resource.role": "flow" },
      threshold: 2,
      within: 60,
    };
    expect(codes(trigger, [event("acme.other", { env: "prod" })])).toEqual([
      "no_matching_events:found",
    ]);
    expect(codes(trigger, [event("acme.order", { env: "dev" })])).toEqual([
      "no_matching_events:absent",
      "match_mismatch:found",
    ]);
    expect(codes(trigger, [event("acme.order", { env: "prod" })])).toEqual([
      "no_matching_events:absent",
      "match_mismatch:absent",
      "related_mismatch:found",
    ]);
    const flow = [{ "prefect.resource.role": "flow", "prefect.resource.id": "prefect.flow.1" }];
    const one = event("acme.order", { env: "prod" }, { related: flow, occurred: at(1) });
    expect(codes(trigger, [one])).toEqual([
      "no_matching_events:absent",
      "match_mismatch:absent",
      "related_mismatch:absent",
      "threshold_not_reached:found",
    ]);
    const two = event("acme.order", { env: "prod" }, { related: flow, occurred: at(2) });
    const enough = analyzeEventTrigger(trigger, [one, two], window);
    expect(enough.shouldHaveFired).toBe(true);
    expect(enough.checks.at(-1)).toEqual({ code: "threshold_not_reached" });
  });

  it("treats a proactive trigger without after as firing on absence: it says whether a window went short", () => {
    const trigger: EventTrigger = {
      type: "event",
      posture: "Proactive",
      expect: ["acme.heartbeat"],
      threshold: 1,
      within: 120,
    };
    const steady = [0, 100, 200, 300, 400, 500].map((second) =>
      event("acme.heartbeat", {}, { occurred: at(second) }),
    );
    const quiet = analyzeEventTrigger(trigger, steady, window);
    expect(quiet.shouldHaveFired).toBe(false);
    expect(quiet.checks).toEqual([
      expect.objectContaining({
        code: "proactive_posture",
        cause: expect.objectContaining({
          summary: expect.stringMatching(/not firing was correct/),
        }),
      }),
    ]);
    const gap = analyzeEventTrigger(trigger, steady.slice(0, 2), window);
    expect(gap.shouldHaveFired).toBe(true);
    expect(gap.checks[0]?.cause?.summary).toMatch(/only 0 occurred, so it should have fired/);
  });
});
