import type { Tool as McpToolListing } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { AnyTool } from "./define-tool.js";
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
  return lean(rest) as Record<string, unknown>;
}

/**
 * Drops what a JSON Schema says without telling a model anything, since every client pays for the
 * tool list in every prompt: the ±2^53 bounds zod gives every integer, `additionalProperties: false`
 * on answers, and the "keys are strings, values anything" of a free-form object.
 */
function lean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(lean);
  if (!node || typeof node !== "object") return node;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (isSafeIntegerBound(key, value)) continue;
    if (key === "additionalProperties" && (value === false || isEmptyObject(value))) continue;
    if (key === "propertyNames" && JSON.stringify(value) === '{"type":"string"}') continue;
    kept[key] = key === "properties" ? leanEach(value as Record<string, unknown>) : lean(value);
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

function leanEach(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [name, lean(schema)]),
  );
}

function isEmptyObject(value: unknown): boolean {
  return !!value && typeof value === "object" && Object.keys(value).length === 0;
}
