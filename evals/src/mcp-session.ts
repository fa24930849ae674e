import { createRequire } from "node:module";
import path from "node:path";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { connectStdioMcp, isolatedEnv } from "@prefect-mcp/testing";
import type { ToolCall, ToolOutput } from "./scenario.js";

/** The built `prefect-mcp` bin, found through the dependency as `npx @prefect-mcp/stdio` would. */
export function builtBin(): string {
  const manifest = createRequire(import.meta.url).resolve("@prefect-mcp/stdio/package.json");
  return path.join(path.dirname(manifest), "dist", "main.js");
}

/** A real MCP client talking to the built bin over stdio. */
export interface McpSession {
  tools(): Promise<Tool[]>;
  call(call: ToolCall): Promise<ToolOutput>;
  close(): Promise<void>;
}

/**
 * Spawns `node dist/main.js --no-docs` against a Prefect API and connects to it. The docs proxy is
 * off because it reaches the internet and no scenario asks about docs.
 */
export async function connectPrefectMcp(apiUrl: string): Promise<McpSession> {
  const { client, call, close } = await connectStdioMcp({
    command: process.execPath,
    args: [builtBin(), "--no-docs"],
    env: isolatedEnv({ PREFECT_API_URL: apiUrl }),
  });
  return {
    async tools() {
      return (await client.listTools()).tools;
    },
    async call({ tool, args }) {
      const result = await call(tool, args);
      return { tool, args, text: result.text, data: result.data, isError: result.isError === true };
    },
    close,
  };
}
