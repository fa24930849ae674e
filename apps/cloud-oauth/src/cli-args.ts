import { parseArgs } from "node:util";
import {
  LISTEN_OPTIONS,
  LISTEN_OPTIONS_USAGE,
  type ListenOptions,
  parseListenOptions,
} from "@prefect-mcp/http";
import {
  describeArgsError,
  parseAppOptions,
  TOOL_OPTIONS,
  TOOL_OPTIONS_USAGE,
  UsageError,
} from "@prefect-mcp/tools";

export type CliCommand =
  | { kind: "help" }
  | { kind: "version" }
  | ({
      kind: "serve";
      enable: string[];
      disable: string[];
      docs: boolean;
      ui: boolean;
    } & ListenOptions);

// No --profile or --api-url: each caller's token and consented workspaces decide what is read.
const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  ...LISTEN_OPTIONS,
  ...TOOL_OPTIONS,
} as const;

const VALID_OPTIONS = Object.keys(OPTIONS).map((name) => `--${name}`);

/** Parses `prefect-mcp-cloud`'s arguments; flags beat their environment variables. */
export function parseCliArgs(
  argv: readonly string[],
  knownTools: readonly string[],
  env: Record<string, string | undefined> = process.env,
): CliCommand {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError(describeArgsError(error, "prefect-mcp-cloud", VALID_OPTIONS));
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const { enable, disable, docs, ui } = parseAppOptions(values, knownTools);
  return { kind: "serve", ...parseListenOptions(values, env), enable, disable, docs, ui };
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
}

export const USAGE = `Usage: prefect-mcp-cloud [options]

Serves Prefect's read-only MCP tools for Prefect Cloud over Streamable HTTP at POST /mcp, behind
OAuth. Every request needs a bearer token Prefect Cloud issued for this server; each tool reads one
of the workspaces the user consented to (workspace_id), with the user's own token. Protected-resource
metadata (RFC 9728): GET /.well-known/oauth-protected-resource/mcp. Logs are JSON lines on stderr.

Options:
${LISTEN_OPTIONS_USAGE}
${TOOL_OPTIONS_USAGE}
  -h, --help            show this help and exit
  -v, --version         print the version and exit

Environment (read once at start; the server refuses to start without a key or a JWKS URI):
  PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY    shared key Prefect Cloud signs MCP tokens with (HS256)
  PREFECT_MCP_CLOUD_AUTH_JWKS_URI     or: the JWKS URL to verify RS256 tokens with
  PREFECT_MCP_CLOUD_ENVIRONMENT       prod (default), stg or local: picks the URL defaults below
  PREFECT_MCP_CLOUD_API_BASE_URL      Cloud API root (prod: https://api.prefect.cloud/api)
  PREFECT_MCP_CLOUD_AUTH_BASE_URL     Cloud API origin for OAuth (prod: https://api.prefect.cloud)
  PREFECT_MCP_CLOUD_AUTHORIZATION_SERVER   advertised authorization server (default: AUTH_BASE_URL)
  PREFECT_MCP_CLOUD_AUTH_ISSUER       expected iss (key: AuthServerID; JWKS: AUTHORIZATION_SERVER)
  PREFECT_MCP_CLOUD_AUTH_AUDIENCE     expected aud (key: AuthServerID; JWKS: <public base URL>/mcp)
  PREFECT_MCP_CLOUD_AUTH_ALGORITHM    HS256/HS384/HS512 with a key; RS256 (default), PS256, ES256, ...
  PREFECT_MCP_CLOUD_PUBLIC_BASE_URL   the URL clients reach this server at (default: the bound URL;
                                      legacy name PREFECT_MCP_PUBLIC_BASE_URL)
  PREFECT_DOCS_MCP_URL                the docs MCP server to proxy

Connect Claude Code (it runs the OAuth flow and asks which workspaces to share):
  claude mcp add --transport http prefect-cloud https://mcp.example.com/mcp
`;
