import { randomBytes } from "node:crypto";

/**
 * `prefix` plus a random suffix, e.g. `late-runs-3f9a1c2e`. Tests share one Prefect server, so each
 * names what it seeds uniquely and later filters by that name.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}
