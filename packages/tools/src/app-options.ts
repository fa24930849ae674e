/**
 * The command-line options every app shares (tool selection, docs, which Prefect), parsed and
 * validated in one place so `prefect-mcp` and `prefect-mcp-http` accept and explain them alike.
 */

/** A command line an app refuses; its `main` prints the message to stderr and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** `node:util` parseArgs definitions of the shared options; apps spread them into their own. */
export const APP_OPTIONS = {
  profile: { type: "string" },
  "api-url": { type: "string" },
  enable: { type: "string", multiple: true },
  disable: { type: "string", multiple: true },
  "no-docs": { type: "boolean" },
  "no-ui": { type: "boolean" },
} as const;

/** The tool-selection subset, for an app that does not choose its Prefect from flags (Cloud OAuth). */
export const TOOL_OPTIONS = {
  enable: APP_OPTIONS.enable,
  disable: APP_OPTIONS.disable,
  "no-docs": APP_OPTIONS["no-docs"],
  "no-ui": APP_OPTIONS["no-ui"],
} as const;

/** The shared options' lines of `--help`, aligned with the apps' own option lines. */
export const TOOL_OPTIONS_USAGE = `  --enable TOOL,...     serve only these tools
  --disable TOOL,...    serve every tool but these
  --no-docs             do not proxy Prefect's documentation MCP server (docs_* tools)
  --no-ui               do not serve the MCP Apps views (ui://prefect/dashboard, ui://prefect/flow-run)`;

export const APP_OPTIONS_USAGE = `  --profile NAME        use this Prefect profile (as PREFECT_PROFILE=NAME)
  --api-url URL         the Prefect API URL, e.g. http://127.0.0.1:4200/api (beats env and profile)
${TOOL_OPTIONS_USAGE}`;

/** What the shared options ask for. */
export interface AppOptions {
  enable: string[];
  disable: string[];
  /** Proxy Prefect's docs MCP server (false with `--no-docs`). */
  docs: boolean;
  /** Serve the MCP Apps views (false with `--no-ui`). */
  ui: boolean;
  /** Sets PREFECT_PROFILE for settings resolution. */
  profile?: string;
  /** Beats PREFECT_API_URL and the profile. */
  apiUrl?: string;
}

/** The parsed values of APP_OPTIONS, as parseArgs returns them. */
export interface AppOptionValues {
  profile?: string;
  "api-url"?: string;
  enable?: string[];
  disable?: string[];
  "no-docs"?: boolean;
  "no-ui"?: boolean;
}

/**
 * Validates the shared options. `knownTools` are the names `--enable` and `--disable` may use;
 * anything else is a UsageError listing the valid choices.
 */
export function parseAppOptions(
  values: AppOptionValues,
  knownTools: readonly string[],
): AppOptions {
  const enable = parseToolList(values.enable, "--enable", knownTools);
  const disable = parseToolList(values.disable, "--disable", knownTools);
  const options: AppOptions = { enable, disable, docs: !values["no-docs"], ui: !values["no-ui"] };
  if (values.profile !== undefined) {
    if (!values.profile.trim()) throw new UsageError("--profile needs a profile name.");
    options.profile = values.profile;
  }
  if (values["api-url"] !== undefined)
    options.apiUrl = parseHttpUrl(values["api-url"], "--api-url");
  if (enable.length && enable.every((name) => disable.includes(name))) {
    throw new UsageError(
      "--disable removes every tool --enable selected; nothing would be served.",
    );
  }
  return options;
}

/** `--enable a,b --enable c` → [a, b, c], each checked against the catalogue. */
export function parseToolList(
  raw: readonly string[] | undefined,
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

/** The catalogue entries `enable` / `disable` leave (what `--list-tools` and the server show). */
export function selectByName<T extends { name: string }>(
  catalogue: readonly T[],
  enable: readonly string[],
  disable: readonly string[],
): T[] {
  return catalogue.filter(
    (tool) => (!enable.length || enable.includes(tool.name)) && !disable.includes(tool.name),
  );
}

/** An http(s) URL option, e.g. `--api-url`; returned as given. */
export function parseHttpUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${flag} must be a URL such as http://127.0.0.1:4200/api; got "${value}".`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${flag} must be an http:// or https:// URL; got "${value}".`);
  }
  return value;
}

/** parseArgs' error as a message that names the valid options. */
export function describeArgsError(
  error: unknown,
  program: string,
  validOptions: readonly string[],
): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return `Unknown option ${quoted ?? ""}. Valid options: ${validOptions.join(", ")}.`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return `Unexpected argument ${quoted ?? ""}: ${program} takes options only. Valid options: ${validOptions.join(", ")}.`;
  }
  // e.g. "Option '--enable <value>' argument missing"
  return `${message.replace(/\.?$/, ".")}`;
}

/** An API URL as a log line may show it: without userinfo or query, which could carry secrets. */
export function displayApiUrl(apiUrl: string): string {
  try {
    const url = new URL(apiUrl);
    return `${url.origin}${url.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

/**
 * Runs an app's command: its exit code becomes the process's; a UsageError exits 2 with a pointer
 * to `--help`; anything unexpected exits 1 with its stack on stderr (never on stdout).
 */
export function runApp(bin: string, command: () => Promise<number>): void {
  command().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${bin}: ${error.message}\nRun ${bin} --help for usage.\n`);
        process.exitCode = 2;
        return;
      }
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${bin}: ${detail}\n`);
      process.exit(1);
    },
  );
}
