import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createAutomation,
  createDeployment,
  createWorkPool,
  emitEvents,
  type PrefectEvent,
  type ToolCallResult,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

const EVENT_CODES = [
  "no_matching_events",
  "match_mismatch",
  "related_mismatch",
  "threshold_not_reached",
];

/** Polls Prefect until an event of this name about this automation is visible. */
async function automationEvent(automationId: string, name: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await seed.POST("/events/filter", {
      body: {
        filter: {
          event: { name: [name] },
          resource: { id: [`prefect.automation.${automationId}`] },
        },
        limit: 1,
      },
    });
    if (page.events[0]) return page.events[0];
    if (Date.now() > deadline) return undefined;
    await sleep(250);
  }
}

describe("diagnose_automation", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  // Every event name and resource here starts with this, so no other test's events interfere.
  const ns = uniqueName("acme");
  const ids: Record<string, string> = {};
  const seen: Record<string, PrefectEvent[]> = {};
  let proactiveWindowEnds = 0;
  let firedAt: string | undefined;
  let pausedDeploymentId = "";
  let pausedPoolName = "";
  const missingDeploymentId = randomUUID();

  beforeAll(async () => {
    tools = await connectTools();
    const resource = (name: string) => `${ns}.${name}`;
    const match = { "prefect.resource.id": `${ns}.*` };

    const seedProactive = async () => {
      // Proactive windows are 10 s at least; this one must have ended before it is diagnosed.
      const automation = await createAutomation(seed, {
        name: `${ns}-proactive`,
        trigger: {
          posture: "Proactive",
          after: [`${ns}.batch.started`],
          expect: [`${ns}.batch.finished`],
          match,
          withinSeconds: 10,
        },
      });
      ids.proactive = automation.id;
      const started = new Date();
      proactiveWindowEnds = started.getTime() + 10_000;
      await emitEvents(seed, [
        { event: `${ns}.batch.started`, resourceId: resource("batch.1"), occurred: started },
        {
          event: `${ns}.batch.finished`,
          resourceId: resource("batch.1"),
          occurred: new Date(started.getTime() + 1_000),
        },
      ]);
    };

    const seedFired = async () => {
      const automation = await createAutomation(seed, {
        name: `${ns}-fires`,
        trigger: { expect: [`${ns}.invoice.paid`], match },
      });
      ids.fired = automation.id;
      // Prefect loads a new automation just after creating it; an event that beats it is missed.
      for (let attempt = 0; attempt < 3 && !firedAt; attempt++) {
        await emitEvents(seed, [
          { event: `${ns}.invoice.paid`, resourceId: resource("invoice.1") },
        ]);
        const executed = await automationEvent(
          automation.id,
          "prefect.automation.action.executed",
          5_000,
        );
        firedAt = (await automationEvent(automation.id, "prefect.automation.triggered", 1_000))
          ?.occurred;
        if (executed && !firedAt) throw new Error("action executed without a triggered event");
      }
    };

    const seedStatic = async () => {
      const [paused, pool, runnable] = await Promise.all([
        createDeployment(seed, { paused: true }),
        createWorkPool(seed, { paused: true }),
        createDeployment(seed),
      ]);
      pausedDeploymentId = paused.id;
      pausedPoolName = pool.workPool.name;
      const inPausedPool = await createDeployment(seed, { workPoolName: pool.workPool.name });

      const created = await Promise.all([
        createAutomation(seed, {
          name: `${ns}-disabled`,
          enabled: false,
          trigger: { expect: [`${ns}.disabled.ping`], match },
        }),
        createAutomation(seed, {
          name: `${ns}-typo`,
          trigger: { expect: [`${ns}.order.placed`], match },
        }),
        createAutomation(seed, {
          name: `${ns}-match`,
          trigger: {
            expect: [`${ns}.deploy.done`],
            match: { "prefect.resource.id": `${ns}.app.*`, env: "prod" },
          },
        }),
        createAutomation(seed, {
          name: `${ns}-related`,
          trigger: {
            expect: [`${ns}.report.sent`],
            match,
            matchRelated: {
              "prefect.resource.role": "flow",
              "prefect.resource.name": "nightly-etl",
            },
          },
        }),
        createAutomation(seed, {
          name: `${ns}-threshold`,
          trigger: { expect: [`${ns}.job.retry`], match, threshold: 5, withinSeconds: 60 },
          actions: [{ type: "run-deployment", source: "selected", deployment_id: runnable.id }],
        }),
        createAutomation(seed, {
          name: `${ns}-paused-target`,
          trigger: { expect: [`${ns}.never`], match },
          actions: [
            { type: "run-deployment", source: "selected", deployment_id: paused.id },
            { type: "run-deployment", source: "selected", deployment_id: inPausedPool.id },
          ],
        }),
        createAutomation(seed, {
          name: `${ns}-missing-target`,
          trigger: { expect: [`${ns}.never`], match },
          actions: [
            { type: "run-deployment", source: "selected", deployment_id: missingDeploymentId },
          ],
        }),
      ]);
      for (const automation of created) ids[automation.name.slice(ns.length + 1)] = automation.id;

      const flow = { "prefect.resource.id": `prefect.flow.${randomUUID()}` };
      const events = await emitEvents(seed, [
        { event: `${ns}.order.placd`, resourceId: resource("order.1") },
        { event: `${ns}.order.placd`, resourceId: resource("order.2") },
        {
          event: `${ns}.deploy.done`,
          resourceId: resource("app.web"),
          resourceLabels: { env: "staging" },
        },
        {
          event: `${ns}.deploy.done`,
          resourceId: resource("app.api"),
          resourceLabels: { env: "staging" },
        },
        {
          event: `${ns}.report.sent`,
          resourceId: resource("report.1"),
          related: [
            { ...flow, "prefect.resource.role": "flow", "prefect.resource.name": "hourly-etl" },
          ],
        },
        { event: `${ns}.job.retry`, resourceId: resource("job.1") },
        { event: `${ns}.job.retry`, resourceId: resource("job.1") },
      ]);
      seen.deploy = events.filter((event) => event.event.endsWith(".deploy.done"));
      seen.report = events.filter((event) => event.event.endsWith(".report.sent"));
    };

    await Promise.all([seedProactive(), seedFired(), seedStatic()]);
    await sleep(Math.max(0, proactiveWindowEnds + 500 - Date.now()));
  });
  afterAll(() => tools.close());

  const diagnose = async (id: string | undefined) => {
    const result = await tools.call("diagnose_automation", { automation_id: id });
    expect(result.isError, result.text).toBeFalsy();
    return result.data;
  };
  type Answer = ToolCallResult["data"];
  const codes = (diagnosis: Answer): string[] =>
    diagnosis.causes.map((cause: { code: string }) => cause.code);
  const cause = (diagnosis: Answer, code: string) =>
    diagnosis.causes.find((each: { code: string }) => each.code === code);

  it("finds a disabled automation and says how to resume it", async () => {
    const diagnosis = await diagnose(ids.disabled);
    expect(diagnosis.subject).toMatchObject({
      kind: "automation",
      id: ids.disabled,
      name: `${ns}-disabled`,
      enabled: false,
      trigger_type: "event",
      posture: "Reactive",
    });
    expect(codes(diagnosis)[0]).toBe("automation_disabled");
    expect(diagnosis.verdict).toMatch(/did not fire in the last 24 h: it is disabled/);
    expect(diagnosis.next_steps).toContain(`prefect automation resume --id ${ids.disabled}`);
  });

  it("finds that no expected event occurred and points at the similarly named one", async () => {
    const diagnosis = await diagnose(ids.typo);
    expect(codes(diagnosis)).toEqual(["no_matching_events"]);
    expect(diagnosis.ruled_out).toContain("automation_disabled");
    const found = cause(diagnosis, "no_matching_events");
    expect(found.evidence.values).toMatchObject({
      expected_events: [`${ns}.order.placed`],
      count: 0,
      similar_events: [{ event: `${ns}.order.placd`, count: 2 }],
    });
    expect(found.summary).toContain(`Similar names that did occur: ${ns}.order.placd (2)`);
  });

  it("names the label that kept the events from matching, with the expected and seen values", async () => {
    const diagnosis = await diagnose(ids.match);
    expect(codes(diagnosis)).toEqual(["match_mismatch"]);
    expect(diagnosis.ruled_out).toEqual(
      expect.arrayContaining(["automation_disabled", "no_matching_events"]),
    );
    const found = cause(diagnosis, "match_mismatch");
    expect(found.summary).toContain('env was "staging" (expected "prod")');
    expect(found.evidence.values.differences).toEqual([
      {
        label: "env",
        expected: ["prod"],
        seen: ["staging"],
        events: 2,
        example_event_id: expect.any(String),
      },
    ]);
    expect(seen.deploy?.map((event) => event.id)).toContain(found.evidence.ids.example_event);
  });

  it("names the related resource label that differed", async () => {
    const diagnosis = await diagnose(ids.related);
    expect(codes(diagnosis)).toEqual(["related_mismatch"]);
    expect(diagnosis.ruled_out).toEqual(
      expect.arrayContaining(["no_matching_events", "match_mismatch"]),
    );
    const found = cause(diagnosis, "related_mismatch");
    expect(found.summary).toContain(
      'prefect.resource.name was "hourly-etl" (expected "nightly-etl")',
    );
    expect(found.evidence.ids.example_event).toBe(seen.report?.[0]?.id);
  });

  it("counts the matching events in the busiest window against the threshold", async () => {
    const diagnosis = await diagnose(ids.threshold);
    expect(codes(diagnosis)).toEqual(["threshold_not_reached"]);
    expect(diagnosis.ruled_out).toEqual(
      expect.arrayContaining([
        "automation_disabled",
        "no_matching_events",
        "match_mismatch",
        "related_mismatch",
        "action_target_missing",
        "action_target_paused",
      ]),
    );
    const found = cause(diagnosis, "threshold_not_reached");
    expect(found.evidence.values).toMatchObject({
      threshold: 5,
      within_seconds: 60,
      max_count: 2,
      busiest_windows: [{ group: `prefect.resource.id=${ns}.job.1`, count: 2 }],
    });
    expect(found.summary).toMatch(
      /needs 5 matching .* within 60 s per prefect\.resource\.id; at most 2 occurred/,
    );
  });

  it("explains that a proactive trigger whose expected events came correctly stayed quiet", async () => {
    const diagnosis = await diagnose(ids.proactive);
    expect(diagnosis.subject.posture).toBe("Proactive");
    expect(diagnosis.subject.last_fired).toBeUndefined();
    expect(codes(diagnosis)).toEqual(["proactive_posture"]);
    const found = cause(diagnosis, "proactive_posture");
    expect(found.summary).toMatch(
      /fires when fewer than 1 .*batch\.finished occur within 10 s after .*batch\.started.*not firing was correct/,
    );
    expect(found.evidence.values).toMatchObject({ threshold: 1, windows_checked: 1 });
    expect(found.evidence.values.quietest_window.count).toBe(1);
    expect(diagnosis.verdict).toMatch(
      /it is Proactive: it fires only when the expected events are missing/,
    );
  });

  it("finds run-deployment actions whose deployment or work pool is paused", async () => {
    const diagnosis = await diagnose(ids["paused-target"]);
    const paused = diagnosis.causes.filter(
      (each: { code: string }) => each.code === "action_target_paused",
    );
    expect(paused).toHaveLength(2);
    expect(paused[0].evidence.ids.deployment).toBe(pausedDeploymentId);
    expect(paused[0].summary).toMatch(/is paused\. Prefect still creates the run/);
    expect(paused[1].summary).toContain(`work pool "${pausedPoolName}" is paused`);
    expect(diagnosis.next_steps).toEqual(
      expect.arrayContaining([
        `prefect api POST /deployments/${pausedDeploymentId}/resume_deployment --data '{}'`,
        `prefect work-pool resume "${pausedPoolName}"`,
      ]),
    );
    expect(diagnosis.ruled_out).toContain("action_target_missing");
  });

  it("finds a run-deployment action whose deployment does not exist", async () => {
    const diagnosis = await diagnose(ids["missing-target"]);
    const found = cause(diagnosis, "action_target_missing");
    expect(found.evidence).toEqual({
      ids: { deployment: missingDeploymentId },
      values: { action: "actions[0]", action_type: "run-deployment" },
    });
    expect(diagnosis.ruled_out).not.toContain("action_target_missing");
    expect(codes(diagnosis)).not.toContain("action_target_paused");
  });

  it("reports when a well-configured automation fired, with no causes", async () => {
    expect(firedAt, "Prefect did not fire the automation").toBeDefined();
    const diagnosis = await diagnose(ids.fired);
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis.subject.last_fired).toBe(firedAt);
    expect(diagnosis.verdict).toMatch(
      new RegExp(
        `fired 1 time in the last 24 h, last at ${firedAt}; its actions: do-nothing executed`,
      ),
    );
    expect(diagnosis.ruled_out).toEqual(
      expect.arrayContaining(["automation_disabled", ...EVENT_CODES]),
    );
  });

  it("examines each part of a compound trigger and says what it did not check", async () => {
    const part = (name: string) => ({
      type: "event" as const,
      posture: "Reactive" as const,
      expect: [name],
      match: { "prefect.resource.id": `${ns}.*` },
      threshold: 1,
      within: 0,
    });
    const automation = await seed.POST("/automations/", {
      body: {
        name: `${ns}-compound`,
        trigger: {
          type: "compound",
          require: "all",
          within: 600,
          triggers: [part(`${ns}.compound.seen`), part(`${ns}.compound.missing`)],
        },
        actions: [{ type: "do-nothing" }],
      },
    });
    await emitEvents(seed, [{ event: `${ns}.compound.seen`, resourceId: `${ns}.compound.1` }]);
    const diagnosis = await diagnose(automation.id);
    expect(diagnosis.subject.trigger_type).toBe("compound");
    expect(codes(diagnosis)).toEqual(["no_matching_events"]);
    expect(cause(diagnosis, "no_matching_events").summary).toMatch(
      /^Trigger triggers\[1\] \(.*compound\.missing\): No .*compound\.missing event occurred/,
    );
    // The first part matched, so its later checks ran; the second stopped at the first.
    expect(diagnosis.ruled_out).not.toContain("match_mismatch");
    expect(diagnosis.verdict).toContain(
      "Not checked: whether the compound trigger's parts fired together (require all within 600 s)",
    );
  });

  it("refuses an unknown automation id, naming the argument and where ids come from", async () => {
    const result = await tools.call("diagnose_automation", { automation_id: randomUUID() });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/automation_id: there is no automation .*get_automations/);
  });
});
