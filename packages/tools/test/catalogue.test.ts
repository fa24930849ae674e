import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { allTools, toolDefinitions } from "../src/index.js";
import { connectTools } from "./mcp-harness.js";

/**
 * PrefectHQ's Python prefect-mcp server: its tool names, arguments and required arguments. Prompts
 * written for it must keep working here, so ours may add optional arguments but not rename any.
 */
const UPSTREAM: Record<string, { args: string[]; required: string[] }> = {
  get_identity: { args: [], required: [] },
  get_dashboard: { args: [], required: [] },
  get_deployments: { args: ["filter", "limit"], required: [] },
  get_deployment_activity: { args: ["window_days", "limit"], required: [] },
  get_flows: { args: ["filter", "limit"], required: [] },
  get_flow_runs: { args: ["filter", "limit"], required: [] },
  get_flow_run_logs: { args: ["flow_run_id", "limit"], required: ["flow_run_id"] },
  get_task_runs: { args: ["filter", "limit"], required: [] },
  get_work_pools: { args: ["filter", "limit"], required: [] },
  read_events: {
    args: ["event_type_prefix", "limit", "occurred_after", "occurred_before"],
    required: [],
  },
  get_automations: { args: ["filter", "limit"], required: [] },
  get_object_schema: { args: ["object_type"], required: ["object_type"] },
  review_rate_limits: { args: ["since", "until"], required: [] },
};

describe("the tool catalogue", () => {
  const definitions = toolDefinitions();
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));

  it.each(Object.entries(UPSTREAM))("has upstream's %s with its arguments", (name, upstream) => {
    const definition = byName.get(name);
    expect(definition, `${name} is missing`).toBeDefined();
    const properties = Object.keys(
      (definition?.inputSchema.properties as Record<string, unknown> | undefined) ?? {},
    );
    expect(properties).toEqual(expect.arrayContaining(upstream.args));
    expect(((definition?.inputSchema.required as string[] | undefined) ?? []).sort()).toEqual(
      [...upstream.required].sort(),
    );
  });

  it("marks every tool read-only, with a description a model can afford", () => {
    for (const definition of definitions) {
      expect(definition.annotations.readOnlyHint, definition.name).toBe(true);
      expect(definition.description.length, definition.name).toBeLessThanOrEqual(800);
      expect(definition.title, definition.name).not.toBe("");
    }
  });

  it("exports input and output schemas that are valid JSON Schema objects", () => {
    const ajv = new Ajv2020({ strict: false });
    for (const definition of definitions) {
      for (const schema of [definition.inputSchema, definition.outputSchema]) {
        expect(schema.type, definition.name).toBe("object");
        expect(() => ajv.compile(schema), definition.name).not.toThrow();
      }
    }
  });

  it("keeps the whole tools/list answer under 20 000 characters", async () => {
    const tools = await connectTools();
    const listing = await tools.client.listTools();
    expect(listing.tools.map((tool) => tool.name).sort()).toEqual(
      allTools.map((tool) => tool.name).sort(),
    );
    expect(JSON.stringify(listing).length).toBeLessThan(20_000);
    await tools.close();
  });
});
