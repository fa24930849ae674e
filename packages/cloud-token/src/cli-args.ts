import { parseArgs } from "node:util";
import { authBaseUrlFromEnv } from "./auth-base-url.js";
import { CloudTokenError, type CloudTokenErrorCode } from "./errors.js";
import { DEFAULT_SCOPE } from "./exchange.js";

/** The exit code of each kind of failure; README.md and USAGE list the same table. */
export const EXIT_CODES = {
  invalid_options: 2,
  unreachable: 3,
  credentials_rejected: 4,
  invalid_response: 5,
  http_error: 6,
} as const satisfies Record<CloudTokenErrorCode, number>;

/** What the command line (and its environment variables) ask for. */
export type CliCommand =
  | { kind: "help" }
  | { kind: "version" }
  | {
      kind: "exchange";
      clientId: string;
      /** Undefined with --client-secret-stdin: main reads it. */
      clientSecret: string | undefined;
      /** The secret came from --client-secret, which other users can see in the process list. */
      secretOnCommandLine: boolean;
      authBaseUrl: string;
      scope: string;
      timeoutMs: number | undefined;
      json: boolean;
    };

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "client-secret-stdin": { type: "boolean" },
  "auth-base-url": { type: "string" },
  scope: { type: "string" },
  "timeout-ms": { type: "string" },
  json: { type: "boolean" },
} as const;

const VALID_OPTIONS = Object.keys(OPTIONS).map((name) => `--${name}`);

/** Parses `prefect-mcp-cloud-token`'s arguments; flags beat their environment variables. */
export function parseCliArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): CliCommand {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw usage(describeArgsError(error));
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  if (values["client-secret"] !== undefined && values["client-secret-stdin"]) {
    throw usage("Pass --client-secret or --client-secret-stdin, not both.");
  }
  const clientId = (values["client-id"] ?? env.PREFECT_MCP_CLOUD_CLIENT_ID ?? "").trim();
  const clientSecret = values["client-secret-stdin"]
    ? undefined
    : (values["client-secret"] ?? env.PREFECT_MCP_CLOUD_CLIENT_SECRET ?? "").trim();
  if (!clientId && clientSecret === "") {
    throw usage(
      "PREFECT_MCP_CLOUD_CLIENT_ID and PREFECT_MCP_CLOUD_CLIENT_SECRET are not set: set them to a Prefect Cloud service account's OAuth client ID and secret.",
    );
  }
  if (!clientId) {
    throw usage(
      "PREFECT_MCP_CLOUD_CLIENT_ID is not set (nor --client-id): set it to the service account's OAuth client ID.",
    );
  }
  if (clientSecret === "") {
    throw usage(
      "PREFECT_MCP_CLOUD_CLIENT_SECRET is not set: set it to the OAuth client's secret, or pass --client-secret-stdin.",
    );
  }
  return {
    kind: "exchange",
    clientId,
    clientSecret,
    secretOnCommandLine: values["client-secret"] !== undefined,
    authBaseUrl: values["auth-base-url"]?.trim() || authBaseUrlFromEnv(env),
    scope: values.scope ?? DEFAULT_SCOPE,
    timeoutMs: timeout(values["timeout-ms"]),
    json: values.json ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
}

function timeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw usage(`--timeout-ms must be a whole number of milliseconds above 0; got "${raw}".`);
  }
  return value;
}

function usage(message: string): CloudTokenError {
  return new CloudTokenError("invalid_options", message);
}

/** parseArgs' error as a message that names the valid options. */
function describeArgsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return `Unknown option ${quoted}. Valid options: ${VALID_OPTIONS.join(", ")}.`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return `Unexpected argument ${quoted}: prefect-mcp-cloud-token takes options only.`;
  }
  return message.replace(/\.?$/, ".");
}

export const USAGE = `Usage: prefect-mcp-cloud-token [options]

Exchanges a Prefect Cloud service account's OAuth client credentials for a bearer token for the
Prefect Cloud MCP server. Prints only the token and a newline, so TOKEN=$(prefect-mcp-cloud-token)
works. The token expires after expires_in seconds (see --json): request a new one before then.

Options:
  --client-id ID          the OAuth client ID (env PREFECT_MCP_CLOUD_CLIENT_ID)
  --client-secret SECRET  the OAuth client secret (env PREFECT_MCP_CLOUD_CLIENT_SECRET); other
                          users can see it in the process list, so prefer the env variable
  --client-secret-stdin   read the client secret from stdin
  --auth-base-url URL     the Prefect Cloud API origin (env PREFECT_MCP_CLOUD_AUTH_BASE_URL; by
                          default from PREFECT_MCP_CLOUD_ENVIRONMENT: prod https://api.prefect.cloud,
                          stg https://api.stg.prefect.dev, local http://localhost:4200)
  --scope SCOPE           the scope to request (default ${DEFAULT_SCOPE})
  --timeout-ms N          give up on the auth server after N ms (default 15000)
  --json                  print {"access_token","token_type","expires_in","scope"} instead
  -h, --help              show this help and exit
  -v, --version           print the version and exit

Exit codes:
  0  the token is on stdout
  1  unexpected error (a bug: the stack is on stderr)
  ${EXIT_CODES.invalid_options}  usage: unknown flag, bad value, or client credentials not set
  ${EXIT_CODES.unreachable}  auth server unreachable: DNS, refused connection, TLS, or timeout
  ${EXIT_CODES.credentials_rejected}  credentials rejected: invalid_client (or any 401), invalid_grant,
     unauthorized_client, invalid_scope; retrying will not help
  ${EXIT_CODES.invalid_response}  the auth server answered 200 without a usable bearer token
  ${EXIT_CODES.http_error}  any other HTTP error (5xx, 404, a redirect); 5xx may pass on retry
`;
