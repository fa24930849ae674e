/**
 * A problem the caller can fix by changing its input (a bad id, filter, time or enum value). The
 * message names the argument and says how to fix it; it becomes an `isError` tool result.
 */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** The most characters of the caller's own text (a name, a value) an error message repeats. */
const MAX_ECHO_CHARS = 60;

/**
 * A name or value the caller sent, as an error message may repeat it: cut after 60 characters and
 * followed by its length, so an error stays short however large its input was.
 */
export function echo(text: string): string {
  if (text.length <= MAX_ECHO_CHARS) return text;
  // Not between the halves of a surrogate pair, which would leave invalid Unicode in the message.
  const high = /[\ud800-\udbff]/.test(text.charAt(MAX_ECHO_CHARS - 1));
  return `${text.slice(0, high ? MAX_ECHO_CHARS - 1 : MAX_ECHO_CHARS)}… (${text.length} characters)`;
}
