import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  CallToolRequestParamsSchema,
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool as McpToolListing,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import {
  type PrefectClientOptions,
  type PrefectSettings,
  resolvePrefectSettings,
} from "@prefect-mcp/client";
import { z } from "zod";
import type { AnyTool } from "./define-tool.js";
import { toolListing } from "./definitions.js";
import { type DocsProxy, startDocsProxy } from "./docs-proxy.js";
import { echo, InputError } from "./errors.js";
import { registerPrompts } from "./prompts.js";
import { runTool } from "./run-tool.js";
import { errorResult, successResult } from "./tool-results.js";
import { allTools } from "./tools/index.js";
import { registerUiResources, withUiLink } from "./ui-resources.js";
import {
  chooseWorkspace,
  listAuthorizedWorkspaces,
  type WorkspaceGrant,
  withWorkspaceArgument,
} from "./workspace-grant.js";

// The SDK builds an Ajv validator per server unless given one, and the HTTP apps build a server per
// request: ~10 % of a call's CPU. It only serves elicitation (which we never send), so share one.
const SHARED_SCHEMA_VALIDATOR = new AjvJsonSchemaValidator();

// The SDK's CallToolRequestSchema copies `arguments`, which drops an own `__proto__` key before
// runTool can refuse it. This one hands the handler the arguments as sent; the SDK still checks the
// request against its own schema before the handler runs.
const CALL_TOOL_AS_SENT = CallToolRequestSchema.extend({
  params: CallToolRequestParamsSchema.extend({
    arguments: z.custom<Record<string, unknown>>().optional(),
  }),
});

/** What a per-call settings resolver sees: the HTTP request's headers, and the tool's arguments. */
export interface SettingsRequest {
  headers: Record<string, string | string[] | undefined>;
  arguments: Record<string, unknown>;
}

export interface CreatePrefectMcpServerOptions {
  /**
   * How to reach Prefect: fixed settings, or a resolver called for every tool call (the HTTP app
   * resolves each request's headers). Default: resolved from the environment and profile on the
   * first call, so a misconfigured server still starts and says what to fix on each call.
   */
  settings?:
    | PrefectSettings
    | ((request: SettingsRequest) => PrefectSettings | Promise<PrefectSettings>);
  /**
   * Prefect Cloud OAuth: the caller's consented workspaces. Replaces `settings`; every tool that
   * reads Prefect takes `workspace_id`, and `list_authorized_workspaces` is added.
   */
  workspaceGrant?: WorkspaceGrant;
  /** The tool catalogue to serve (default: every tool). */
  tools?: readonly AnyTool[];
  /** Serve only these tools (names). */
  enable?: readonly string[];
  /** Serve all tools but these (names). */
  disable?: readonly string[];
  /**
   * The docs proxy: false to turn it off; default on, at PREFECT_DOCS_MCP_URL or Prefect's own. A
   * server built per request (the HTTP app) passes one shared proxy from `startDocsProxy`, which it
   * then owns and closes itself.
   */
  docs?: false | { url?: string; timeoutMs?: number } | DocsProxy;
  /**
   * MCP Apps views (`ui://prefect/dashboard`, `ui://prefect/flow-run`) linked from the tools that
   * feed them: default on; false serves neither the resources nor the links. Results are the same.
   */
  ui?: boolean;
  /** Options for every Prefect client the server creates (timeouts, retries, User-Agent). */
  clientOptions?: PrefectClientOptions;
  /** Where operator-facing warnings and unexpected errors go (default: stderr). */
  log?: (message: string) => void;
  name?: string;
  version?: string;
  /** The clock tools use (tests pin it). */
  now?: () => Date;
}

export const DEFAULT_DOCS_MCP_URL = "https://prefect-docs.fastmcp.app/mcp";

/**
 * Builds the Prefect MCP server: the selected tools, the prompts and the docs proxy on an SDK
 * `McpServer`. Apps only pick a transport.
 */
export function createPrefectMcpServer(options: CreatePrefectMcpServerOptions = {}): McpServer {
  const log =
    options.log ?? ((message: string) => process.stderr.write(`[prefect-mcp] ${message}\n`));
  const grant = options.workspaceGrant;
  const catalogue = options.tools ?? allTools;
  const tools = selectTools(
    grant ? [...catalogue.map(withWorkspaceArgument), listAuthorizedWorkspaces] : catalogue,
    options.enable,
    options.disable,
  );
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const server = new McpServer(
    { name: options.name ?? "prefect-mcp", version: options.version ?? "0.0.0" },
    {
      capabilities: { tools: { listChanged: true }, logging: {} },
      jsonSchemaValidator: SHARED_SCHEMA_VALIDATOR,
    },
  );
  const resolveSettings = grant ? grantSettings(grant) : settingsResolver(options.settings);

  const sharedDocs = isDocsProxy(options.docs) ? options.docs : undefined;
  let docs: DocsProxy | undefined = sharedDocs;
  if (!docs && options.docs !== false) {
    const config = options.docs as { url?: string; timeoutMs?: number } | undefined;
    docs = startDocsProxy({
      url: config?.url ?? process.env.PREFECT_DOCS_MCP_URL ?? DEFAULT_DOCS_MCP_URL,
      timeoutMs: config?.timeoutMs ?? 5_000,
      log,
      onReady: () => server.sendToolListChanged(),
    });
  }

  const ui = options.ui !== false;
  const listings: McpToolListing[] = tools.map((tool) =>
    ui ? withUiLink(tool, toolListing(tool)) : toolListing(tool),
  );
  if (ui) registerUiResources(server);
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [...listings, ...(docs?.listings() ?? [])],
  }));

  server.server.setRequestHandler(
    CALL_TOOL_AS_SENT,
    async (request, extra): Promise<CallToolResult> => {
      const { name, arguments: args = {} } = request.params;
      if (docs?.handles(name)) return docs.call(name, args, extra.signal);
      const tool = byName.get(name);
      if (!tool) {
        const known = [...byName.keys()].join(", ");
        const unknown = new InputError(`Unknown tool "${echo(name)}". Available tools: ${known}.`);
        return errorResult(undefined, unknown, undefined, log) as CallToolResult;
      }
      let settings: PrefectSettings | undefined;
      const progressToken = request.params._meta?.progressToken;
      try {
        const output = await runTool(tool, args, {
          settings: async () => {
            settings = await resolveSettings({
              headers: extra.requestInfo?.headers ?? {},
              arguments: args,
            });
            return settings;
          },
          ...(grant ? { grantedWorkspaces: () => grant.workspaces() } : {}),
          clientOptions: options.clientOptions,
          signal: extra.signal,
          now: options.now,
          async progress(progress, total, message) {
            if (progressToken === undefined) return;
            await extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken, progress, total, message },
            });
          },
          async log(level, message) {
            await server.sendLoggingMessage({ level, data: message }).catch(() => {});
          },
        });
        // A jmespath selection has its own shape; the tool's text rendering does not apply to it.
        const selected = typeof args.jmespath === "string";
        return successResult(
          selected ? { ...tool, render: undefined } : tool,
          output,
        ) as CallToolResult;
      } catch (error) {
        return errorResult(tool, error, settings, log) as CallToolResult;
      }
    },
  );

  registerPrompts(server, tools);
  const close = server.close.bind(server);
  server.close = async () => {
    if (docs !== sharedDocs) await docs?.close();
    await close();
  };
  return server;
}

function isDocsProxy(value: CreatePrefectMcpServerOptions["docs"]): value is DocsProxy {
  return typeof value === "object" && "listings" in value;
}

function selectTools(
  catalogue: readonly AnyTool[],
  enable: readonly string[] | undefined,
  disable: readonly string[] | undefined,
): AnyTool[] {
  const known = new Set(catalogue.map((tool) => tool.name));
  const unknown = [...(enable ?? []), ...(disable ?? [])].filter((name) => !known.has(name));
  if (unknown.length) {
    throw new Error(
      `Unknown tool name(s): ${unknown.join(", ")}. Known tools: ${[...known].join(", ")}.`,
    );
  }
  return catalogue.filter(
    (tool) => (!enable?.length || enable.includes(tool.name)) && !disable?.includes(tool.name),
  );
}

function settingsResolver(
  settings: CreatePrefectMcpServerOptions["settings"],
): (request: SettingsRequest) => Promise<PrefectSettings> {
  if (typeof settings === "function") return async (request) => settings(request);
  if (settings) return async () => settings;
  let fromEnvironment: PrefectSettings | undefined;
  // Resolved on first use and then kept; an error is thrown again on each call until fixed.
  return async () => {
    fromEnvironment ??= resolvePrefectSettings();
    return fromEnvironment;
  };
}

function grantSettings(
  grant: WorkspaceGrant,
): (request: SettingsRequest) => Promise<PrefectSettings> {
  return async ({ arguments: args }) =>
    grant.settingsFor(chooseWorkspace(await grant.workspaces(), args.workspace_id));
}
