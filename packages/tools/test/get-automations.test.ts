import { createAutomation, uniqueName } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

describe("get_automations", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  const prefix = uniqueName("automation");
  const names = {
    reactive: `${prefix}-a-reactive`,
    proactive: `${prefix}-b-proactive`,
    disabled: `${prefix}-c-disabled`,
    compound: `${prefix}-d-compound`,
  };
  const deploymentId = "0a8f2f8e-8d1c-4c59-9d2e-6f1f4b1a2c3d";
  beforeAll(async () => {
    tools = await connectTools();
    await createAutomation(seed, {
      name: names.reactive,
      description: "cancel runs that fail",
      actions: [{ type: "cancel-flow-run" }],
    });
    await createAutomation(seed, {
      name: names.proactive,
      trigger: {
        posture: "Proactive",
        expect: ["prefect.flow-run.Completed"],
        after: ["prefect.flow-run.Running"],
        match: { "prefect.resource.id": "prefect.flow-run.*" },
        matchRelated: { "prefect.resource.role": "flow", "prefect.resource.name": "nightly-etl" },
        withinSeconds: 3600,
      },
      actions: [{ type: "run-deployment", source: "selected", deployment_id: deploymentId }],
    });
    await createAutomation(seed, { name: names.disabled, enabled: false, tags: ["ops"] });
    const event = (expect: string) => ({
      type: "event" as const,
      posture: "Reactive" as const,
      expect: [expect],
      match: { "prefect.resource.id": "prefect.flow-run.*" },
      for_each: ["related:flow:prefect.resource.id"],
      threshold: 1,
      within: 0,
    });
    await seed.POST("/automations/", {
      body: {
        name: names.compound,
        trigger: {
          type: "compound",
          require: "all",
          within: 600,
          triggers: [event("prefect.flow-run.Failed"), event("prefect.flow-run.Crashed")],
        },
        actions: [{ type: "pause-deployment", source: "inferred" }],
      },
    });
  });
  afterAll(() => tools.close());

  const automations = async () => {
    const result = await tools.call("get_automations", {
      filter: { name: { any_: Object.values(names) } },
    });
    expect(result.isError).toBeFalsy();
    return Object.fromEntries(
      result.data.automations.map((item: { name: string }) => [item.name, item]),
    );
  };

  it("summarizes a reactive trigger and its action in one line", async () => {
    const reactive = (await automations())[names.reactive];
    expect(reactive.summary).toBe(
      "Reactive: when ≥1 prefect.flow-run.Failed within 0s for prefect.resource.id=prefect.flow-run.* → cancel-flow-run",
    );
    expect(reactive).toMatchObject({
      enabled: true,
      description: "cancel runs that fail",
      trigger: {
        type: "event",
        posture: "Reactive",
        threshold: 1,
        within_seconds: 0,
        match: ["prefect.resource.id=prefect.flow-run.*"],
        for_each: ["prefect.resource.id"],
      },
      actions: [{ type: "cancel-flow-run" }],
    });
    expect(reactive.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("renders a proactive trigger with after, related resources and the target deployment", async () => {
    const proactive = (await automations())[names.proactive];
    expect(proactive.summary).toBe(
      `Proactive: when <1 prefect.flow-run.Completed within 3600s after prefect.flow-run.Running for prefect.resource.id=prefect.flow-run.* related to prefect.resource.role=flow & prefect.resource.name=nightly-etl → run-deployment(${deploymentId})`,
    );
    expect(proactive.trigger.match_related).toEqual([
      "prefect.resource.role=flow & prefect.resource.name=nightly-etl",
    ]);
    expect(proactive.actions).toEqual([
      { type: "run-deployment", source: "selected", deployment_id: deploymentId },
    ]);
  });

  it("marks a disabled automation", async () => {
    const disabled = (await automations())[names.disabled];
    expect(disabled.enabled).toBe(false);
    expect(disabled.tags).toEqual(["ops"]);
    expect(disabled.summary).toMatch(/^Disabled\. Reactive: when ≥1 prefect\.flow-run\.Failed/);
  });

  it("nests the triggers of a compound trigger", async () => {
    const compound = (await automations())[names.compound];
    expect(compound.summary).toBe(
      "Compound (all of 2 within 600s): [Reactive: when ≥1 prefect.flow-run.Failed within 0s for prefect.resource.id=prefect.flow-run.* per related:flow:prefect.resource.id; Reactive: when ≥1 prefect.flow-run.Crashed within 0s for prefect.resource.id=prefect.flow-run.* per related:flow:prefect.resource.id] → pause-deployment(inferred)",
    );
    expect(compound.trigger).toMatchObject({
      type: "compound",
      require: "all",
      within_seconds: 600,
      triggers: [
        { type: "event", expect: ["prefect.flow-run.Failed"] },
        { type: "event", expect: ["prefect.flow-run.Crashed"] },
      ],
    });
  });

  it("pages by name with limit and offset", async () => {
    const filter = { name: { any_: Object.values(names) } };
    const first = await tools.call("get_automations", { filter, limit: 3 });
    expect(first.data).toMatchObject({ count: 3, has_more: true, next_offset: 3 });
    expect(first.data.automations.map((item: { name: string }) => item.name)).toEqual([
      names.reactive,
      names.proactive,
      names.disabled,
    ]);
    const second = await tools.call("get_automations", { filter, limit: 3, offset: 3 });
    expect(second.data).toMatchObject({ count: 1, has_more: false });
  });

  it("names a misspelt filter key and lists the allowed ones", async () => {
    const result = await tools.call("get_automations", { filter: { enabled: { eq_: true } } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter has an unknown key "enabled"; allowed keys: .*name/);
  });

  it("rejects an out-of-range limit naming the bound", async () => {
    const result = await tools.call("get_automations", { limit: 0 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit .*>=1/);
  });
});
