import type { FuzzCall } from "./tool-arbitraries.js";

/** No error text may be longer: an error explains, it never carries the input back. */
export const MAX_ERROR_CHARS = 4_000;
/** The server's own ceiling on an answer (MAX_RESULT_CHARS in @prefect-mcp/tools). */
export const MAX_ANSWER_CHARS = 80_000;

/**
 * Signs of a stack trace or an internal path, from Node or from Prefect's Python: none may reach a
 * tool result or the server's stderr.
 */
const STACK_SIGNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\s+at\s/m, "a stack frame line"],
  [/\bat [^\s()]+ \([^()]*:\d+:\d+\)/, "a stack frame"],
  [/(?:file:\/\/|\/)[^\s"'()]+\.(?:[cm]?js|ts|py):\d+/, "a source file location"],
  [/node_modules/, "node_modules"],
  [/Traceback \(most recent call last\)/, "a Python traceback"],
  [/File "[^"]+", line \d+/, "a Python frame"],
];

export function stackTraceIn(text: string): string | undefined {
  return STACK_SIGNS.find(([pattern]) => pattern.test(text))?.[1];
}

/**
 * Prefect refusing a request (4xx), with the route and Prefect's reason. A 5xx is not one: "Internal
 * Server Error" tells the caller nothing to change.
 */
const PREFECT_REFUSAL = /Prefect API (?:GET|POST) \S+ failed with HTTP 4\d\d[^:]*: \S/;
/** The words the server uses for an error it did not expect: a bug, not an actionable answer. */
const UNEXPECTED = /failed unexpectedly|This is a bug/i;

/**
 * Why an error result is not actionable, or undefined if it is. Actionable means: bounded, no stack,
 * not "unexpected", and it points at the fix. For a call that breaks the contract that is every
 * name the generator expects (the offending field's path, the unknown key); for any other call it
 * is one of the call's own argument names, or Prefect's own reason for refusing the request (4xx).
 */
export function unactionable(call: FuzzCall, text: string): string | undefined {
  if (text.length > MAX_ERROR_CHARS) {
    return `the error text is ${text.length} characters (at most ${MAX_ERROR_CHARS})`;
  }
  const stack = stackTraceIn(text);
  if (stack) return `the error text has ${stack}`;
  if (UNEXPECTED.test(text)) return "the error is an unexpected failure, not an answer";
  if (call.expect.kind === "refusal") {
    // The server shows at most the first 60 characters of a name it echoes (a 1 MiB key is cut).
    const shown = (name: string) => (name.length > 62 ? name.slice(0, 50) : name);
    const absent = call.expect.names.filter((name) => !text.includes(shown(name)));
    return absent.length ? `the error does not name ${absent.join(", ")}` : undefined;
  }
  // Not inside the Prefect route an error quotes: "POST /flows/filter" does not name `filter`.
  const prose = text.replace(/Prefect API (?:GET|POST) \S+/g, "");
  const named = Object.keys(call.args).some((name) => name && namesWord(prose, name));
  if (named || PREFECT_REFUSAL.test(text)) return undefined;
  return "the error names none of the arguments and is not Prefect's own refusal";
}

/** Whether `text` has `name` as a whole word (so `limit` is not found in `limits`). */
function namesWord(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\w])${escaped}(?![\\w])`).test(text);
}
