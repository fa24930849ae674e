import {
  createPrefectClient,
  type PrefectClientOptions,
  type PrefectSettings,
} from "@prefect-mcp/client";
import type { AnyTool, ToolContext } from "./define-tool.js";
import { applyJmespath } from "./jmespath.js";
import { checkRawArguments } from "./raw-arguments.js";

export interface RunToolOptions {
  /** How to reach Prefect; a function is called only once the arguments are known to be valid. */
  settings: PrefectSettings | (() => Promise<PrefectSettings>);
  clientOptions?: PrefectClientOptions;
  signal?: AbortSignal;
  progress?: ToolContext["progress"];
  log?: ToolContext["log"];
  now?: () => Date;
  grantedWorkspaces?: ToolContext["grantedWorkspaces"];
}

/**
 * Runs one tool the way the MCP server does: strict argument parsing, the handler, output
 * validation, then the caller's jmespath selection (`{ jmespath, result }`). Throws on any failure;
 * the server turns that into an error result, a direct caller handles it itself.
 */
export async function runTool(
  tool: AnyTool,
  args: Record<string, unknown>,
  options: RunToolOptions,
): Promise<Record<string, unknown>> {
  const input = tool.inputSchema.strict().parse(args) as Record<string, unknown>;
  checkRawArguments(args);
  const connection =
    tool.readsPrefect === false
      ? withoutPrefect(tool.name)
      : await connect(options.settings, options.clientOptions);
  const context: ToolContext = Object.defineProperties(
    {
      signal: options.signal ?? new AbortController().signal,
      now: options.now ?? (() => new Date()),
      progress: options.progress ?? (async () => {}),
      log: options.log ?? (async () => {}),
      ...(options.grantedWorkspaces ? { grantedWorkspaces: options.grantedWorkspaces } : {}),
    },
    Object.getOwnPropertyDescriptors(connection),
  ) as ToolContext;
  const output = tool.outputSchema.parse(await tool.handler(input, context)) as Record<
    string,
    unknown
  >;
  if (typeof input.jmespath !== "string") return output;
  return { jmespath: input.jmespath, result: applyJmespath(input.jmespath, output) ?? null };
}

async function connect(
  settings: RunToolOptions["settings"],
  clientOptions: PrefectClientOptions | undefined,
): Promise<Pick<ToolContext, "client" | "settings">> {
  const resolved = typeof settings === "function" ? await settings() : settings;
  return { client: createPrefectClient(resolved, clientOptions), settings: resolved };
}

/** A tool marked `readsPrefect: false` gets no connection; touching one is a bug in that tool. */
function withoutPrefect(name: string): Pick<ToolContext, "client" | "settings"> {
  const refuse = (): never => {
    throw new Error(`${name} is marked readsPrefect: false but used the Prefect connection`);
  };
  return {
    get client() {
      return refuse();
    },
    get settings() {
      return refuse();
    },
  };
}
