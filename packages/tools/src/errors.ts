/**
 * A problem the caller can fix by changing its input (a bad id, filter, time or enum value). The
 * message names the argument and says how to fix it; it becomes an `isError` tool result.
 */
export class InputError extends Error {
  override readonly name = "InputError";
}
