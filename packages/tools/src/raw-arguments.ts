import { z } from "zod";
import { findInJson, type JsonPath } from "./json-walk.js";

// Checks on the arguments exactly as the caller sent them, for what a tool's zod schema misses.
// JSON.parse keeps a `__proto__` key as an own property; zod's copy of a record (a filter) assigns
// it, which sets the copy's prototype instead, so the key would vanish rather than be refused.

/** An unpaired UTF-16 surrogate: JSON can carry one (`"\ud800"`), but Prefect cannot encode it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NOT_UNICODE = "contains an unpaired UTF-16 surrogate; send valid Unicode";

/** Refuses, as invalid arguments, a `__proto__` key or invalid Unicode anywhere in `args`. */
export function checkRawArguments(args: Record<string, unknown>): void {
  const problem = problemIn(args);
  if (problem) throw new z.ZodError([{ code: "custom", ...problem }]);
}

/** Where a JSON value has a `__proto__` key or a string or key that is not valid Unicode. */
export function problemIn(value: unknown): { path: JsonPath; message: string } | undefined {
  return findInJson(value, problemAt);
}

function problemAt(item: unknown, path: JsonPath): { path: JsonPath; message: string } | undefined {
  if (typeof item === "string") {
    return LONE_SURROGATE.test(item) ? { path, message: NOT_UNICODE } : undefined;
  }
  if (!item || typeof item !== "object" || Array.isArray(item)) return undefined;
  for (const key of Object.keys(item)) {
    if (key === "__proto__") return { path, message: 'has an unknown key "__proto__"' };
    if (LONE_SURROGATE.test(key)) return { path, message: `has a key that ${NOT_UNICODE}` };
  }
  return undefined;
}
