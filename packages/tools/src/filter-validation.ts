import { type components, prefectOpenApiSpec } from "@prefect-mcp/client";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { InputError } from "./errors.js";

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
 * Checks a caller's filter against Prefect's own schema for it, so a misspelt key or operator is
 * an error naming it (Prefect would answer with a less helpful 422). `argument` is how the caller
 * named it, e.g. `filter`.
 */
export function validateFilter(schemaName: string, filter: unknown, argument = "filter"): void {
  const validate = validatorFor(schemaName);
  if (validate(filter)) return;
  const error = validate.errors?.[0];
  throw new InputError(
    error ? describe(error, argument) : `${argument} is not a valid ${schemaName}.`,
  );
}

function describe(error: ErrorObject, argument: string): string {
  const where = [argument, ...error.instancePath.split("/").filter(Boolean)].join(".");
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const allowed = allowedKeys(error);
      return `${where} has an unknown key "${String(params.additionalProperty)}"${allowed}.`;
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
