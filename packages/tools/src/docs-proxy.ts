import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Tool as McpToolListing } from "@modelcontextprotocol/sdk/types.js";

const PREFIX = "docs_";

export interface DocsProxyOptions {
  url: string;
  /** How long to try connecting and listing before giving up for this server's lifetime. */
  timeoutMs: number;
  log: (message: string) => void;
  /** Called once the remote tools are known, so the server can announce a changed tool list. */
  onReady: () => void;
}

export interface DocsProxy {
  /** The remote tools, renamed `docs_<name>`; empty until connected (or if unreachable). */
  listings(): McpToolListing[];
  handles(name: string): boolean;
  call(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * Connects, in the background, to a remote docs MCP server and re-exposes its tools under a
 * `docs_` prefix. Nothing waits for it: until it answers the server simply has no docs tools, and
 * if it does not answer within the timeout one warning is logged and the rest works as usual.
 */
export function startDocsProxy(options: DocsProxyOptions): DocsProxy {
  let listings: McpToolListing[] = [];
  let client: Client | undefined;
  const pending = new Client({ name: "prefect-mcp-docs-proxy", version: "1.0.0" });

  const connect = async () => {
    await pending.connect(new StreamableHTTPClientTransport(new URL(options.url)), {
      timeout: options.timeoutMs,
    });
    const { tools } = await pending.listTools(undefined, { timeout: options.timeoutMs });
    listings = tools.map((tool) => ({
      ...tool,
      name: `${PREFIX}${tool.name}`,
      description: `From Prefect's documentation server: ${tool.description ?? tool.name}`,
    }));
    client = pending;
    options.onReady();
  };
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    ).unref(),
  );
  Promise.race([connect(), deadline]).catch(async (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    options.log(
      `warning: the docs MCP server at ${options.url} is unavailable (${reason}); serving without docs_ tools.`,
    );
    await pending.close().catch(() => {});
  });

  return {
    listings: () => listings,
    handles: (name) => listings.some((tool) => tool.name === name),
    async call(name, args, signal) {
      if (!client) {
        return {
          content: [{ type: "text", text: "The docs server is not connected." }],
          isError: true,
        };
      }
      try {
        return (await client.callTool(
          { name: name.slice(PREFIX.length), arguments: args },
          undefined,
          { signal, timeout: 30_000 },
        )) as CallToolResult;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          content: [{ type: "text", text: `The docs server failed to answer ${name}: ${reason}` }],
          isError: true,
        };
      }
    },
    async close() {
      await pending.close().catch(() => {});
    },
  };
}
