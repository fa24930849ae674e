import { readFileSync } from "node:fs";
import { PREFECT_VERSION } from "./prefect-version.js";

/** The parts of an OpenAPI document this package's consumers read. */
export interface OpenApiDocument {
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

let cached: OpenApiDocument | undefined;

/**
 * The committed OpenAPI document of the pinned Prefect, for JSON Schemas the tools validate
 * against (filters) or hand to a model (automation payloads). Read once, on first use.
 */
export function prefectOpenApiSpec(): OpenApiDocument {
  // `../openapi/` is beside both src/ and dist/, so this resolves in development and when published.
  cached ??= JSON.parse(
    readFileSync(new URL(`../openapi/prefect-${PREFECT_VERSION}.json`, import.meta.url), "utf8"),
  ) as OpenApiDocument;
  return cached;
}
