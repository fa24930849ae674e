import { parseArgs } from "node:util";
import {
  APP_OPTIONS,
  APP_OPTIONS_USAGE,
  type AppOptions,
  describeArgsError,
  parseAppOptions,
  UsageError,
} from "@prefect-mcp/tools";

/** What the command line asks for. */
export type CliCommand =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "list-tools"; json: boolean; enable: string[]; disable: string[] }
  | ({ kind: "serve" } & AppOptions);

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  ...APP_OPTIONS,
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
    throw new UsageError(describeArgsError(error, "prefect-mcp", VALID_OPTIONS));
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  if (values["list-tools"]) {
    const { enable, disable } = parseAppOptions(
      { enable: values.enable, disable: values.disable },
      knownTools,
    );
    return { kind: "list-tools", json: values.json ?? false, enable, disable };
  }
  if (values.json) throw new UsageError("--json only goes with --list-tools.");
  return { kind: "serve", ...parseAppOptions(values, knownTools) };
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
}

export const USAGE = `Usage: prefect-mcp [options]

Serves Prefect's read-only MCP tools over stdio (stdin/stdout carry only MCP; logs go to stderr).
Connection settings are found as the prefect CLI finds them: PREFECT_API_URL, PREFECT_API_KEY,
PREFECT_API_AUTH_STRING, else the active profile in ~/.prefect/profiles.toml.

Options:
${APP_OPTIONS_USAGE}
  --list-tools          print the tools (name and title) and exit; add --json for full definitions
  -h, --help            show this help and exit
  -v, --version         print the version and exit

Environment:
  PREFECT_API_URL, PREFECT_API_KEY, PREFECT_API_AUTH_STRING   how to reach Prefect
  PREFECT_PROFILE, PREFECT_PROFILES_PATH, PREFECT_HOME        which profile, from which file
  PREFECT_DOCS_MCP_URL                                        the docs MCP server to proxy

Add it to Claude Code:  claude mcp add prefect -- npx -y @prefect-mcp/stdio
`;
