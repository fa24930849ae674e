import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools } from "./mcp-harness.js";

describe("get_object_schema", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  beforeAll(async () => {
    tools = await connectTools();
  });
  afterAll(() => tools.close());

  it("gives the automation schema with every trigger and action definition, refs resolved", async () => {
    const result = await tools.call("get_object_schema", { object_type: "automation" });
    expect(result.isError).toBeFalsy();
    const schema = result.data.schema;
    expect(schema.required).toEqual(["name", "trigger", "actions"]);
    expect(Object.keys(schema.$defs)).toEqual(
      expect.arrayContaining([
        "EventTrigger",
        "CompoundTrigger",
        "SequenceTrigger",
        "RunDeployment",
        "CancelFlowRun",
        "SendNotification",
        "DoNothing",
      ]),
    );
    expect(schema.$defs.EventTrigger.properties).toHaveProperty("posture");
    expect(schema.$defs.EventTrigger.properties).toHaveProperty("match_related");
    const refs = JSON.stringify(schema).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = ref.slice('"$ref":"#/$defs/'.length, -1);
      expect(ref.startsWith('"$ref":"#/$defs/'), ref).toBe(true);
      expect(schema.$defs, ref).toHaveProperty([name]);
    }
  });

  it("stays small enough to hand to a model", async () => {
    const result = await tools.call("get_object_schema", { object_type: "automation" });
    expect(result.text.length).toBeLessThan(20_000);
  });

  it("names the accepted object types for an unknown one", async () => {
    const result = await tools.call("get_object_schema", { object_type: "deployment" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/object_type must be one of: automation/);
  });
});
