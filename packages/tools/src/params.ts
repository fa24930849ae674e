import { z } from "zod";

// Shared argument schemas, so every tool describes the same argument the same way.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Prefect object id: a full UUID. */
export function uuidParam(what: string) {
  return z
    .string()
    .regex(UUID, {
      error: `must be a full UUID like 068adce4-aeec-7e9b-8000-97b7feeb70fa (the ${what} id, not its name)`,
    })
    .describe(`UUID of the ${what}`);
}

/** Prefect's filter JSON for one kind of object, checked against Prefect's schema at call time. */
export function filterParam(objectKind: string, example: string) {
  return z
    .record(z.string(), z.unknown())
    .optional()
    .describe(`Prefect ${objectKind} filter JSON, e.g. ${example}`);
}

export function limitParam(defaultLimit: number, max: number) {
  return z
    .number()
    .int()
    .min(1)
    .max(max, { error: `must be at most ${max}; page with offset for more` })
    .default(defaultLimit)
    .describe(`Maximum items to return (1–${max})`);
}

export const offsetParam = z
  .number()
  .int()
  .min(0)
  .max(100_000)
  .default(0)
  .describe("Items to skip; pass the previous answer's next_offset to get the next page");

export const jmespathParam = z
  .string()
  .max(1_000)
  .optional()
  .describe(
    "JMESPath expression applied to the result to keep only what you need, e.g. \"flow_runs[?state_type=='FAILED'].id\"",
  );

/** An ISO 8601 time argument. */
export function isoTimeParam(description: string) {
  return z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 time like 2025-01-31T12:00:00Z" })
    .optional()
    .describe(description);
}
