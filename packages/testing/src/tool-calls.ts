import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
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

/** A real MCP client on a real transport, as tests and evals drive the servers. */
export interface McpConnection {
  client: Client;
  /** Calls a tool and returns its result as the model would see it. */
  call: ReturnType<typeof toolCaller>;
  close(): Promise<void>;
}

/** An MCP client over Streamable HTTP, sending these headers on every request. */
export async function connectHttpMcp(
  url: string,
  headers: Record<string, string> = {},
): Promise<McpConnection> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "prefect-mcp-tests", version: "1.0.0" });
  await client.connect(transport);
  return { client, call: toolCaller(client), close: () => client.close() };
}

/**
 * An MCP client over stdio to a spawned server, collecting its stderr; a server that does not
 * start fails with what it printed.
 */
export async function connectStdioMcp(options: {
  command: string;
  args: string[];
  env: Record<string, string>;
}): Promise<McpConnection & { stderr(): string }> {
  const transport = new StdioClientTransport({ ...options, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "prefect-mcp-tests", version: "1.0.0" });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(
      `${[options.command, ...options.args].join(" ")} did not start: ${String(error)}\n${stderr}`,
    );
  }
  return {
    client,
    call: toolCaller(client),
    stderr: () => stderr,
    close: () => client.close(),
  };
}
