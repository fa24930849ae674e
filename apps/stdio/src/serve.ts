import { setTimeout as sleep } from "node:timers/promises";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import {
  type PrefectSettings,
  PrefectSettingsError,
  resolvePrefectSettings,
} from "@prefect-mcp/client";
import {
  type CreatePrefectMcpServerOptions,
  createPrefectMcpServer,
  displayApiUrl,
} from "@prefect-mcp/tools";
import { messageLines, type OversizedMessage } from "./message-lines.js";

export interface ServeStdioOptions {
  /** Use this profile of profiles.toml (as PREFECT_PROFILE does). */
  profile?: string;
  /** The Prefect API URL; beats PREFECT_API_URL and the profile. */
  apiUrl?: string;
  enable?: readonly string[];
  disable?: readonly string[];
  /** Proxy Prefect's docs MCP server (default true). */
  docs?: boolean;
  /** Serve the MCP Apps views (default true). */
  ui?: boolean;
  /** Where settings come from (default `process.env`). */
  env?: Record<string, string | undefined>;
  name?: string;
  version?: string;
  /** One line for the operator; default: stderr. Never stdout, which carries MCP. */
  log?: (message: string) => void;
}

/**
 * Serves the Prefect MCP tools on this process's stdin/stdout until the client closes stdin, the
 * process gets SIGINT or SIGTERM, or stdout goes away; then closes the server. Resolves with what
 * ended it.
 */
export async function serveStdio(options: ServeStdioOptions = {}): Promise<string> {
  const log = options.log ?? ((message) => process.stderr.write(`[prefect-mcp] ${message}\n`));
  const settings = settingsAtStartup(options, log);
  const server = createPrefectMcpServer({
    settings,
    ...(options.enable?.length ? { enable: options.enable } : {}),
    ...(options.disable?.length ? { disable: options.disable } : {}),
    docs: options.docs === false ? false : {},
    ui: options.ui !== false,
    log,
    name: options.name ?? "prefect-mcp",
    ...(options.version ? { version: options.version } : {}),
  });

  const stopped = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.stdin.once("end", () => resolve("stdin closed"));
    process.stdout.once("error", () => resolve("stdout closed"));
    server.server.onclose = () => resolve("transport closed");
  });
  // The SDK's stdio transport buffers at most 10 MiB of one message; past that it closes itself, and
  // the server with it, without a word. No tool takes arguments anywhere near that size, so such a
  // message is dropped before it reaches the SDK: its request is answered with an error (when its id
  // can be read), the operator gets one line on stderr, and the server keeps serving.
  const lines = messageLines(MAX_MESSAGE_BYTES, (message) =>
    refuseOversized(message, transport, log),
  );
  const transport = new StdioServerTransport(lines, process.stdout, {
    maxBufferSize: MAX_MESSAGE_BYTES,
  });
  process.stdin.pipe(lines);
  await server.connect(transport);
  if (typeof settings === "object") {
    log(
      `serving over stdio; Prefect API ${displayApiUrl(settings.apiUrl)} (${sourceOf(settings)})`,
    );
  }

  const reason = await stopped;
  // A hung docs connection must not keep a client waiting for the process to end.
  await Promise.race([server.close().catch(() => {}), sleep(3_000, undefined, { ref: false })]);
  return reason;
}

/** The largest message read from the client, newline included (the SDK's own default limit). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

function refuseOversized(
  { bytes, id }: OversizedMessage,
  transport: StdioServerTransport,
  log: (message: string) => void,
): void {
  const size = `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const answered =
    id === undefined ? "" : ` and request ${JSON.stringify(id)} answered with an error`;
  log(
    `a message from the client was larger than 10 MiB (${size}); it was skipped${answered}, and the server goes on serving.`,
  );
  if (id === undefined) return;
  void transport.send({
    jsonrpc: "2.0",
    id,
    error: {
      code: ErrorCode.InvalidRequest,
      message: `The request is ${size}, over the 10 MiB that prefect-mcp reads in one message. Send smaller arguments.`,
    },
  });
}

/**
 * Resolves the connection once, at start. Without a usable configuration the server still starts
 * (an MCP client shows a dead server as a cryptic failure) and every tool call answers with the
 * configuration error, re-resolved each time so a fixed profile works without a restart.
 */
function settingsAtStartup(
  options: ServeStdioOptions,
  log: (message: string) => void,
): CreatePrefectMcpServerOptions["settings"] {
  const env = {
    ...(options.env ?? process.env),
    ...(options.profile ? { PREFECT_PROFILE: options.profile } : {}),
  };
  const resolve = () =>
    resolvePrefectSettings({ env, overrides: options.apiUrl ? { apiUrl: options.apiUrl } : {} });
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof PrefectSettingsError)) throw error;
    log(`warning: ${error.message} Until then every tool call answers with this message.`);
    return resolve;
  }
}

function sourceOf(settings: PrefectSettings): string {
  const source = settings.sources.apiUrl;
  if (source === "override") return "from --api-url";
  if (source === "env") return "from PREFECT_API_URL";
  return settings.profile
    ? `from profile "${settings.profile.name}" in ${settings.profile.file}`
    : "from the active profile";
}
