import { createRequire } from "node:module";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { isolatedEnv, toolCaller } from "@prefect-mcp/testing";
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
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [builtBin(), "--no-docs"],
    env: isolatedEnv({ PREFECT_API_URL: apiUrl }),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "prefect-mcp-evals", version: "1.0.0" });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`prefect-mcp did not start (${builtBin()}): ${String(error)}\n${stderr}`);
  }
  const callTool = toolCaller(client);
  return {
    async tools() {
      return (await client.listTools()).tools;
    },
    async call({ tool, args }) {
      const result = await callTool(tool, args);
      return { tool, args, text: result.text, data: result.data, isError: result.isError === true };
    },
    close: () => client.close(),
  };
}
