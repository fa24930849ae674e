import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** A tool result as a test reads it: what the model sees (`text`) and the structured answer. */
export type ToolCallResult = CallToolResult & {
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the fields of any tool's result.
  data: Record<string, any>;
};

/** Calls tools through a connected MCP client, over whatever transport the test uses. */
export function toolCaller(client: Client) {
  return async (name: string, args: Record<string, unknown> = {}): Promise<ToolCallResult> => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
    return { ...result, text, data: result.structuredContent as ToolCallResult["data"] };
  };
}
