import type { Tool as McpToolListing } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { AnyTool } from "./define-tool.js";
import { UUID } from "./params.js";
import { advertisedOutputSchema } from "./tool-results.js";
import { allTools } from "./tools/index.js";

/** A tool as other hosts consume it: plain JSON, schemas as JSON Schema. */
export interface ToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: Record<string, unknown>;
  cloudOnly: boolean;
}

/** Every tool's definition, for MCP hosts and agent frameworks that register tools themselves. */
export function toolDefinitions(tools: readonly AnyTool[] = allTools): ToolDefinition[] {
  return tools.map((tool) => {
    const listing = toolListing(tool);
    return {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: listing.inputSchema,
      outputSchema: listing.outputSchema ?? {},
      annotations: { ...tool.annotations },
      cloudOnly: tool.cloudOnly ?? false,
    };
  });
}

const listings = new WeakMap<AnyTool, McpToolListing>();

/** The `tools/list` entry for a tool, built once per tool (a server may be built per request). */
export function toolListing(tool: AnyTool): McpToolListing {
  let listing = listings.get(tool);
  if (!listing) {
    listing = buildListing(tool);
    listings.set(tool, listing);
  }
  return listing;
}

function buildListing(tool: AnyTool): McpToolListing {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.inputSchema, "input") as McpToolListing["inputSchema"],
    outputSchema: jsonSchema(
      advertisedOutputSchema(tool),
      "output",
    ) as McpToolListing["outputSchema"],
    annotations: { ...tool.annotations },
  };
}

function jsonSchema(schema: z.ZodObject, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return lean(rest, io) as Record<string, unknown>;
}

/** The pattern zod gives a UUID argument; `format: "uuid"` says the same in 70 fewer characters. */
const UUID_PATTERN = UUID.source;

/**
 * Drops what a JSON Schema says without telling a model anything, since every client pays for the
 * tool list in every prompt: the ±2^53 bounds zod gives every integer, `additionalProperties: false`
 * on answers, the "keys are strings, values anything" of a free-form object, empty `properties`,
 * and which answer fields are `required` (a model reads answers, it does not build them). A UUID
 * pattern becomes `format: "uuid"`; the server still checks the full pattern.
 */
function lean(node: unknown, io: "input" | "output"): unknown {
  if (Array.isArray(node)) return node.map((item) => lean(item, io));
  if (!node || typeof node !== "object") return node;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (isSafeIntegerBound(key, value)) continue;
    if (key === "additionalProperties" && (value === false || isEmptyObject(value))) continue;
    if (key === "propertyNames" && JSON.stringify(value) === '{"type":"string"}') continue;
    if (key === "properties" && isEmptyObject(value)) continue;
    if (key === "required" && io === "output" && Array.isArray(value)) continue;
    if (key === "pattern" && value === UUID_PATTERN) {
      kept.format = "uuid";
      continue;
    }
    kept[key] =
      key === "properties" ? leanEach(value as Record<string, unknown>, io) : lean(value, io);
  }
  return kept;
}

function isSafeIntegerBound(key: string, value: unknown): boolean {
  return (
    (key === "minimum" || key === "maximum") &&
    typeof value === "number" &&
    Math.abs(value) === Number.MAX_SAFE_INTEGER
  );
}

function leanEach(
  properties: Record<string, unknown>,
  io: "input" | "output",
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [name, lean(schema, io)]),
  );
}

function isEmptyObject(value: unknown): boolean {
  return !!value && typeof value === "object" && Object.keys(value).length === 0;
}
