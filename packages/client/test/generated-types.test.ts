import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generatedTypesPath, renderApiTypes, specPath } from "../scripts/openapi-types.js";
import { PREFECT_VERSION } from "../src/prefect-version.js";

describe("generated API types", () => {
  it("match what regenerating from the committed spec produces", async () => {
    const committed = readFileSync(generatedTypesPath, "utf8");
    // On failure: run `pnpm --filter @prefect-mcp/client generate` and commit the result.
    expect(await renderApiTypes()).toBe(committed);
  });

  it("come from a spec dumped from the pinned Prefect version", () => {
    const spec = JSON.parse(readFileSync(specPath, "utf8")) as { info: Record<string, unknown> };
    expect(spec.info["x-prefect-version"]).toBe(PREFECT_VERSION);
  });

  it("have exactly one committed spec, named for the pinned version", () => {
    const specs = readdirSync(path.dirname(specPath)).filter((name) => name.endsWith(".json"));
    expect(specs).toEqual([`prefect-${PREFECT_VERSION}.json`]);
  });
});
