import {
  NotAllowedError,
  PrefectApiError,
  type PrefectSettings,
  PrefectSettingsError,
  redactSecrets,
  secretsOf,
} from "@prefect-mcp/client";
import { z } from "zod";
import type { AnyTool } from "./define-tool.js";
import { echo, InputError } from "./errors.js";

/** A tool result as MCP carries it. */
export interface ToolResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** No answer may be larger than this (about 20 000 tokens); clients refuse more. */
export const MAX_RESULT_CHARS = 80_000;

/** The output schema a tool advertises: with `jmespath`, an answer may be just the selection. */
export function advertisedOutputSchema(tool: AnyTool): z.ZodObject {
  if (!("jmespath" in tool.inputSchema.shape)) return tool.outputSchema;
  return tool.outputSchema.partial().extend({
    jmespath: z.string().optional(),
    result: z.unknown().optional(),
  });
}

export function successResult(tool: AnyTool, output: Record<string, unknown>): ToolResult {
  const text = tool.render ? tool.render(output) : JSON.stringify(output);
  if (text.length > MAX_RESULT_CHARS || JSON.stringify(output).length > MAX_RESULT_CHARS) {
    return errorText(
      `The answer of ${tool.name} would be over ${MAX_RESULT_CHARS} characters. Ask for less: a smaller limit, a narrower filter, or a jmespath expression that keeps only the fields you need.`,
    );
  }
  return { content: [{ type: "text", text }], structuredContent: output };
}

/**
 * The one place a thrown error becomes a tool result the model can act on. Expected failures say
 * what to fix; anything else is reported without its stack, which goes to `logUnexpected`.
 */
export function errorResult(
  tool: AnyTool | undefined,
  error: unknown,
  settings: PrefectSettings | undefined,
  logUnexpected: (message: string) => void,
): ToolResult {
  const secrets = settings ? secretsOf(settings) : [];
  return errorText(redactSecrets(describeError(tool, error, settings, logUnexpected), secrets));
}

function describeError(
  tool: AnyTool | undefined,
  error: unknown,
  settings: PrefectSettings | undefined,
  logUnexpected: (message: string) => void,
): string {
  if (error instanceof z.ZodError) return describeInvalidArguments(tool, error);
  if (
    error instanceof InputError ||
    error instanceof NotAllowedError ||
    error instanceof PrefectSettingsError
  ) {
    return error.message;
  }
  if (error instanceof PrefectApiError) return describeApiError(error, settings);
  const reason = error instanceof Error ? error.message : String(error);
  logUnexpected(
    `unexpected error in ${tool?.name ?? "a tool"}: ${error instanceof Error ? (error.stack ?? reason) : reason}`,
  );
  return `${tool?.name ?? "The tool"} failed unexpectedly: ${reason}. This is a bug in prefect-mcp; the details are in the server's log.`;
}

/** The most unknown argument names one error lists. */
const MAX_LISTED_KEYS = 5;

function describeInvalidArguments(tool: AnyTool | undefined, error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    const where = issue.path.length
      ? issue.path.map((part) => echo(String(part))).join(".")
      : "arguments";
    if (issue.code === "unrecognized_keys") {
      const allowed = tool ? `; accepted: ${Object.keys(tool.inputSchema.shape).join(", ")}` : "";
      const listed = issue.keys.slice(0, MAX_LISTED_KEYS).map((key) => `"${echo(key)}"`);
      const more = issue.keys.length - listed.length;
      return `unknown argument ${listed.join(", ")}${more > 0 ? ` and ${more} more` : ""}${allowed}`;
    }
    if (issue.code === "invalid_value") {
      return `${where} must be one of: ${issue.values.map(String).join(", ")}`;
    }
    return `${where} ${issue.message.replace(/^Invalid input: /, "")}`;
  });
  return `Invalid arguments for ${tool?.name ?? "the tool"}: ${problems.join("; ")}.`;
}

function describeApiError(error: PrefectApiError, settings: PrefectSettings | undefined): string {
  const apiUrl = settings?.apiUrl ?? "the configured URL";
  if (error.reason === "network" || error.reason === "timeout") {
    const cause = error.reason === "timeout" ? "no answer in time" : underlyingCause(error.message);
    return `Cannot reach Prefect at ${apiUrl} (${cause}). Is the server running? Check PREFECT_API_URL or your profile.`;
  }
  if (error.status === 401 || error.status === 403) {
    const credential = settings?.cloud
      ? "PREFECT_API_KEY (a Prefect Cloud API key for this workspace)"
      : "PREFECT_API_AUTH_STRING (the server's PREFECT_SERVER_API_AUTH_STRING, as user:password)";
    return `Prefect at ${apiUrl} refused the request (HTTP ${error.status}). Check ${credential}. ${error.message}`;
  }
  return error.message;
}

/** The network cause inside a PrefectApiError message, e.g. `connect ECONNREFUSED 127.0.0.1:4200`. */
function underlyingCause(message: string): string {
  const match = /could not reach the server: (.*?) \(after \d+ attempts\)/.exec(message);
  return match?.[1] ?? "no connection";
}

function errorText(text: string): ToolResult {
  return { content: [{ type: "text", text }], isError: true };
}
