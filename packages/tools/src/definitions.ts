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

/** The `tools/list` entry for a tool. */
export function toolListing(tool: AnyTool): McpToolListing {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.inputSchema, "input") as McpToolListing["inputSchema"],
    outputSchema: jsonSchema(
      advertisedOutputSchema(tool),
      "output",
    ) as McpToolListing["outputSchema"],
    annotations: { title: tool.title, ...tool.annotations },
  };
}

function jsonSchema(schema: z.ZodObject, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
}
