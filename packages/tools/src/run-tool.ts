import {
  createPrefectClient,
  type PrefectClientOptions,
  type PrefectSettings,
} from "@prefect-mcp/client";
import type { AnyTool, ToolContext } from "./define-tool.js";
import { applyJmespath } from "./jmespath.js";

export interface RunToolOptions {
  /** How to reach Prefect; a function is called only once the arguments are known to be valid. */
  settings: PrefectSettings | (() => Promise<PrefectSettings>);
  clientOptions?: PrefectClientOptions;
  signal?: AbortSignal;
  progress?: ToolContext["progress"];
  log?: ToolContext["log"];
  now?: () => Date;
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
  const settings =
    typeof options.settings === "function" ? await options.settings() : options.settings;
  const context: ToolContext = {
    client: createPrefectClient(settings, options.clientOptions),
    settings,
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? (() => new Date()),
    progress: options.progress ?? (async () => {}),
    log: options.log ?? (async () => {}),
  };
  const output = tool.outputSchema.parse(await tool.handler(input, context)) as Record<
    string,
    unknown
  >;
  if (typeof input.jmespath !== "string") return output;
  return { jmespath: input.jmespath, result: applyJmespath(input.jmespath, output) ?? null };
}
