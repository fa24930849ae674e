import { parseArgs } from "node:util";

/** What the command line asks for. */
export type CliCommand =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "list-tools"; json: boolean; enable: string[]; disable: string[] }
  | {
      kind: "serve";
      /** Sets PREFECT_PROFILE for settings resolution. */
      profile?: string;
      /** Beats PREFECT_API_URL and the profile. */
      apiUrl?: string;
      enable: string[];
      disable: string[];
      docs: boolean;
    };

/** A command line we refuse; `main` prints it to stderr and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  profile: { type: "string" },
  "api-url": { type: "string" },
  enable: { type: "string", multiple: true },
  disable: { type: "string", multiple: true },
  "no-docs": { type: "boolean" },
  "list-tools": { type: "boolean" },
  json: { type: "boolean" },
} as const;

export const VALID_OPTIONS = Object.keys(OPTIONS).map((name) => `--${name}`);

/**
 * Parses and validates `prefect-mcp`'s arguments. `knownTools` are the tool names `--enable` and
 * `--disable` may use; anything else is a UsageError that lists the valid choices.
 */
export function parseCliArgs(argv: readonly string[], knownTools: readonly string[]): CliCommand {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  const enable = toolList(values.enable, "--enable", knownTools);
  const disable = toolList(values.disable, "--disable", knownTools);
  if (values["list-tools"])
    return { kind: "list-tools", json: values.json ?? false, enable, disable };
  if (values.json) throw new UsageError("--json only goes with --list-tools.");

  const command: CliCommand = { kind: "serve", enable, disable, docs: !values["no-docs"] };
  if (values.profile !== undefined) {
    if (!values.profile.trim()) throw new UsageError("--profile needs a profile name.");
    command.profile = values.profile;
  }
  if (values["api-url"] !== undefined) command.apiUrl = apiUrl(values["api-url"]);
  if (enable.length && enable.every((name) => disable.includes(name))) {
    throw new UsageError(
      "--disable removes every tool --enable selected; nothing would be served.",
    );
  }
  return command;
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return `Unknown option ${quoted ?? ""}. Valid options: ${VALID_OPTIONS.join(", ")}.`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return `Unexpected argument ${quoted ?? ""}: prefect-mcp takes options only. Valid options: ${VALID_OPTIONS.join(", ")}.`;
  }
  // e.g. "Option '--enable <value>' argument missing"
  return `${message.replace(/\.?$/, ".")}`;
}

/** `--enable a,b --enable c` → [a, b, c], each checked against the catalogue. */
function toolList(
  raw: string[] | undefined,
  flag: string,
  knownTools: readonly string[],
): string[] {
  const names = (raw ?? [])
    .flatMap((value) => value.split(","))
    .map((name) => name.trim())
    .filter(Boolean);
  if (raw?.length && names.length === 0) throw new UsageError(`${flag} needs tool names.`);
  const unknown = names.filter((name) => !knownTools.includes(name));
  if (unknown.length) {
    throw new UsageError(
      `Unknown tool name${unknown.length > 1 ? "s" : ""} for ${flag}: ${unknown.join(", ")}. Valid tools: ${knownTools.join(", ")}.`,
    );
  }
  return [...new Set(names)];
}

function apiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--api-url must be a URL such as http://127.0.0.1:4200/api; got "${value}".`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--api-url must be an http:// or https:// URL; got "${value}".`);
  }
  return value;
}

export const USAGE = `Usage: prefect-mcp [options]

Serves Prefect's read-only MCP tools over stdio (stdin/stdout carry only MCP; logs go to stderr).
Connection settings are found as the prefect CLI finds them: PREFECT_API_URL, PREFECT_API_KEY,
PREFECT_API_AUTH_STRING, else the active profile in ~/.prefect/profiles.toml.

Options:
  --profile NAME        use this Prefect profile (as PREFECT_PROFILE=NAME)
  --api-url URL         the Prefect API URL, e.g. http://127.0.0.1:4200/api (beats env and profile)
  --enable TOOL,...     serve only these tools
  --disable TOOL,...    serve every tool but these
  --no-docs             do not proxy Prefect's documentation MCP server (docs_* tools)
  --list-tools          print the tools (name and title) and exit; add --json for full definitions
  -h, --help            show this help and exit
  -v, --version         print the version and exit

Environment:
  PREFECT_API_URL, PREFECT_API_KEY, PREFECT_API_AUTH_STRING   how to reach Prefect
  PREFECT_PROFILE, PREFECT_PROFILES_PATH, PREFECT_HOME        which profile, from which file
  PREFECT_DOCS_MCP_URL                                        the docs MCP server to proxy

Add it to Claude Code:  claude mcp add prefect -- npx -y @prefect-mcp/stdio
`;
