import { z } from "zod";

// Shared argument schemas, so every tool describes the same argument the same way.

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Prefect object id: a full UUID. */
export function uuidParam(what: string) {
  return z
    .string()
    .regex(UUID, {
      error: `must be a full UUID like 068adce4-aeec-7e9b-8000-97b7feeb70fa (the ${what} id, not its name)`,
    })
    .describe(`UUID of the ${what}`);
}

/**
 * Prefect's filter JSON for one kind of object, checked against Prefect's schema at call time. The
 * tool's description carries the fields, operators and examples, so this stays short.
 */
export function filterParam(objectKind: string) {
  return z.record(z.string(), z.unknown()).optional().describe(`Prefect ${objectKind} filter JSON`);
}

export function limitParam(defaultLimit: number, max: number) {
  return z
    .number()
    .int()
    .min(1)
    .max(max, { error: `must be at most ${max}; page with offset for more` })
    .default(defaultLimit)
    .describe("Maximum items");
}

export const offsetParam = z
  .number()
  .int()
  .min(0)
  .max(100_000)
  .default(0)
  .describe("The previous answer's next_offset");

export const jmespathParam = z
  .string()
  .max(1_000)
  .optional()
  .describe("JMESPath: keep only what you need");

const ISO_TIME = z.iso.datetime({ offset: true });

/**
 * An ISO 8601 time argument. Checked by a refinement, so its JSON Schema is a plain string instead
 * of zod's 400-character date-time pattern, which every tools/list would carry.
 */
export function isoTimeParam(description: string) {
  return z
    .string()
    .max(64)
    .refine((value) => ISO_TIME.safeParse(value).success, {
      error: "must be an ISO 8601 time like 2025-01-31T12:00:00Z",
    })
    .optional()
    .describe(description);
}
