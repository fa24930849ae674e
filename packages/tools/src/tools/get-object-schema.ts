import { prefectOpenApiSpec } from "@prefect-mcp/client";
import { z } from "zod";
import { defineTool, READ_ONLY } from "../define-tool.js";

type Json = Record<string, unknown>;

/** The spec schema each object type is written with. */
const SCHEMA_NAMES = { automation: "AutomationCreate" } as const;

const cache = new Map<string, Json>();

export const getObjectSchema = defineTool({
  name: "get_object_schema",
  title: "Object schema",
  description: `The JSON Schema for writing a Prefect automation, from Prefect's API spec: trigger types (event, compound, sequence) and action types under $defs.

Use it before drafting input for \`prefect automation create\`. Next: get_automations.`,
  inputSchema: z.object({
    object_type: z.enum(["automation"]).describe("The kind of object to describe"),
  }),
  outputSchema: z.object({
    object_type: z.string(),
    schema: z.record(z.string(), z.unknown()),
  }),
  annotations: { ...READ_ONLY, openWorldHint: false },
  readsPrefect: false,
  async handler({ object_type }) {
    let schema = cache.get(object_type);
    if (!schema) {
      schema = inlinedSchema(SCHEMA_NAMES[object_type]);
      cache.set(object_type, schema);
    }
    return { object_type, schema };
  },
});

/**
 * One spec schema as a standalone JSON Schema: every schema it reaches is copied into `$defs`
 * (named without the spec's `-Input` suffix), and titles, which repeat the property names, dropped.
 */
function inlinedSchema(rootName: string): Json {
  const all = prefectOpenApiSpec().components.schemas;
  const reached = new Set<string>();
  const queue = [rootName];
  while (queue.length) {
    const name = queue.pop() as string;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const ref of refsIn(all[name])) queue.push(ref);
  }
  reached.delete(rootName);
  const defName = (name: string) => {
    const short = name.replace(/-Input$/, "");
    return short !== name && reached.has(short) ? name : short;
  };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== "object") return value;
    const out: Json = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === "title" && typeof child === "string") continue;
      out[key] =
        key === "$ref" && typeof child === "string"
          ? `#/$defs/${defName(child.split("/").pop() as string)}`
          : rewrite(child);
    }
    return out;
  };
  const defs = Object.fromEntries(
    [...reached].sort().map((name) => [defName(name), rewrite(all[name])]),
  );
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...(rewrite(all[rootName]) as Json),
    $defs: defs,
  };
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === "$ref" && typeof child === "string"
      ? [child.split("/").pop() as string]
      : refsIn(child),
  );
}
