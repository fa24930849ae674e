import { type components, prefectOpenApiSpec } from "@prefect-mcp/client";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { echo, InputError } from "./errors.js";
import { findInJson } from "./json-walk.js";

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

/** A validator for one schema of Prefect's spec (e.g. `FlowRunFilter`), compiled on first use. */
function validatorFor(schemaName: string): ValidateFunction {
  let validate = validators.get(schemaName);
  if (!validate) {
    if (!ajv) {
      ajv = new Ajv2020({ strict: false, allErrors: false, verbose: true });
      addFormats.default(ajv);
      ajv.addSchema({ ...prefectOpenApiSpec(), $id: "prefect" });
    }
    validate = ajv.compile({ $ref: `prefect#/components/schemas/${schemaName}` });
    validators.set(schemaName, validate);
  }
  return validate;
}

/**
 * Checks an optional filter argument against Prefect's schema and returns it typed as that schema,
 * ready for a request body.
 */
export function validatedFilter<Name extends keyof components["schemas"]>(
  schemaName: Name,
  filter: Record<string, unknown> | undefined,
  argument = "filter",
): components["schemas"][Name] | undefined {
  if (filter === undefined) return undefined;
  validateFilter(schemaName, filter, argument);
  return filter as components["schemas"][Name];
}

/**
 * The most characters of any string in a filter. Prefect's schema sets no bound, but SQLite fails
 * on a `like_` pattern of some 50 000 characters (a 500), and no name or id comes near this.
 */
const MAX_FILTER_TEXT = 10_000;

/**
 * Checks a caller's filter against Prefect's own schema for it, so a misspelt key or operator is
 * an error naming it (Prefect would answer with a less helpful 422), and so is a string over
 * MAX_FILTER_TEXT. `argument` is how the caller named it, e.g. `filter`.
 */
export function validateFilter(schemaName: string, filter: unknown, argument = "filter"): void {
  const validate = validatorFor(schemaName);
  if (!validate(filter)) {
    const error = validate.errors?.[0];
    throw new InputError(
      error ? describe(error, argument) : `${argument} is not a valid ${schemaName}.`,
    );
  }
  const long = findInJson(filter, (item, path) =>
    typeof item === "string" && item.length > MAX_FILTER_TEXT
      ? { path, length: item.length }
      : undefined,
  );
  if (long) {
    const where = [argument, ...long.path].map((part) => echo(String(part))).join(".");
    throw new InputError(
      `${where} is ${long.length} characters long; a filter value may have at most ${MAX_FILTER_TEXT}.`,
    );
  }
}

function describe(error: ErrorObject, argument: string): string {
  // A path may hold the caller's own keys, e.g. in a free-form labels object.
  const where = [argument, ...error.instancePath.split("/").filter(Boolean)].map(echo).join(".");
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const allowed = allowedKeys(error);
      return `${where} has an unknown key "${echo(String(params.additionalProperty))}"${allowed}.`;
    }
    case "enum":
      return `${where} must be one of: ${(params.allowedValues as unknown[]).join(", ")}.`;
    case "format":
      return `${where} must be a ${String(params.format)}${params.format === "uuid" ? " (a full id like 068adce4-aeec-7e9b-8000-97b7feeb70fa)" : ""}.`;
    case "type":
      return `${where} must be ${String(params.type)}.`;
    default:
      return `${where} ${error.message ?? "is invalid"}.`;
  }
}

/** The keys the failing object accepts, from the schema the error points at. */
function allowedKeys(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)
    ?.properties;
  return properties ? `; allowed keys: ${Object.keys(properties).join(", ")}` : "";
}
