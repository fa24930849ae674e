import jmespath from "jmespath";
import { echo, InputError } from "./errors.js";

/** Applies a caller's JMESPath expression to a result; a bad expression is an input error. */
export function applyJmespath(expression: string, data: unknown): unknown {
  try {
    return jmespath.search(data as Parameters<typeof jmespath.search>[0], expression);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `jmespath: ${reason} in "${echo(expression)}". Example of a valid expression: "flow_runs[?state_type=='FAILED'].id".`,
    );
  }
}
