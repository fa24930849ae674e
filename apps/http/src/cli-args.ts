import { parseArgs } from "node:util";
import {
  APP_OPTIONS,
  APP_OPTIONS_USAGE,
  type AppOptions,
  describeArgsError,
  parseAppOptions,
  UsageError,
} from "@prefect-mcp/tools";
import { DEFAULT_MAX_BODY_BYTES } from "./serve.js";

/** Where and how an HTTP app listens; shared with the Cloud OAuth app. */
export interface ListenOptions {
  host: string;
  port: number;
  allowedOrigins: string[];
  maxBodyBytes: number;
}

/** What the command line (and its environment variables) ask for. */
export type CliCommand =
  | { kind: "help" }
  | { kind: "version" }
  | ({ kind: "serve" } & ListenOptions & AppOptions);

/** `node:util` parseArgs definitions of the listening options. */
export const LISTEN_OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  "allowed-origins": { type: "string", multiple: true },
  "max-body-bytes": { type: "string" },
} as const;

export const LISTEN_OPTIONS_USAGE = `  --host ADDRESS        the address to bind (default 127.0.0.1; env PREFECT_MCP_HTTP_HOST)
  --port N              the port (default 8000, 0 = any free port; env PREFECT_MCP_HTTP_PORT)
  --allowed-origins A,B browser origins allowed to call /mcp (env PREFECT_MCP_ALLOWED_ORIGINS);
                        requests without an Origin header (non-browser clients) always pass
  --max-body-bytes N    the largest request body (default ${DEFAULT_MAX_BODY_BYTES}); larger gets 413`;

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  ...LISTEN_OPTIONS,
  ...APP_OPTIONS,
} as const;

export const VALID_OPTIONS = Object.keys(OPTIONS).map((name) => `--${name}`);

/** Parses `prefect-mcp-http`'s arguments; flags beat their environment variables. */
export function parseCliArgs(
  argv: readonly string[],
  knownTools: readonly string[],
  env: Record<string, string | undefined> = process.env,
): CliCommand {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError(describeArgsError(error, "prefect-mcp-http", VALID_OPTIONS));
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  return {
    kind: "serve",
    ...parseListenOptions(values, env),
    ...parseAppOptions(values, knownTools),
  };
}

/** Validates the listening flags; each beats its environment variable. */
export function parseListenOptions(
  values: {
    host?: string;
    port?: string;
    "allowed-origins"?: string[];
    "max-body-bytes"?: string;
  },
  env: Record<string, string | undefined>,
): ListenOptions {
  const host = (values.host ?? env.PREFECT_MCP_HTTP_HOST ?? "127.0.0.1").trim();
  if (!host) throw new UsageError("--host needs an address, e.g. 127.0.0.1 or 0.0.0.0.");
  const port = integer(
    values.port ?? env.PREFECT_MCP_HTTP_PORT,
    "--port (PREFECT_MCP_HTTP_PORT)",
    8000,
    0,
    65535,
  );
  const maxBodyBytes = integer(
    values["max-body-bytes"],
    "--max-body-bytes",
    DEFAULT_MAX_BODY_BYTES,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const allowedOrigins = (values["allowed-origins"] ?? [env.PREFECT_MCP_ALLOWED_ORIGINS ?? ""])
    .flatMap((value) => value.split(","))
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of allowedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      throw new UsageError(
        `--allowed-origins takes origins such as https://app.example.com (scheme, host, port; no path); got "${origin}".`,
      );
    }
  }
  return { host, port, allowedOrigins, maxBodyBytes };
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
}

function integer(
  raw: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

export const USAGE = `Usage: prefect-mcp-http [options]

Serves Prefect's read-only MCP tools over Streamable HTTP at POST /mcp (stateless) for a team.
Each request may bring its own Prefect in headers: X-Prefect-Api-Url, X-Prefect-Api-Key,
X-Prefect-Api-Auth-String. Without them it uses the server's own Prefect (PREFECT_API_URL, ... or
the active profile). Logs are JSON lines on stderr. Health: GET /healthz, GET /readyz.

Options:
${LISTEN_OPTIONS_USAGE}
${APP_OPTIONS_USAGE}
  -h, --help            show this help and exit
  -v, --version         print the version and exit

Environment:
  PREFECT_MCP_ALLOWED_API_URLS   comma-separated URL prefixes callers may name in X-Prefect-Api-Url
                                 (default: this server's own Prefect URL and
                                 https://api.prefect.cloud/api/accounts/)
  PREFECT_API_URL, PREFECT_API_KEY, PREFECT_API_AUTH_STRING   the default Prefect
  PREFECT_PROFILE, PREFECT_PROFILES_PATH, PREFECT_HOME        which profile, from which file
  PREFECT_DOCS_MCP_URL                                        the docs MCP server to proxy

Connect Claude Code:
  claude mcp add --transport http prefect https://mcp.example.com/mcp \\
    --header "X-Prefect-Api-Url: https://api.prefect.cloud/api/accounts/<id>/workspaces/<id>" \\
    --header "X-Prefect-Api-Key: pnu_..."
`;
