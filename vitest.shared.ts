import { defineConfig, type ViteUserConfig } from "vitest/config";

// Workspace packages export their TypeScript sources under this condition, so tests and type
// checks run against source without building dependencies first.
const SOURCE_CONDITION = "@prefect-mcp/source";

const nodeResolve = { conditions: [SOURCE_CONDITION, "node", "development|production"] };

export interface PackageTestOptions {
  /** Start one real Prefect server for the whole run (see @prefect-mcp/testing/global-setup). */
  prefectServer?: boolean;
}

/** The vitest config every package uses: source resolution, a JSON report for CI, and timeouts. */
export function packageTestConfig(options: PackageTestOptions = {}): ViteUserConfig {
  return defineConfig({
    // Test files run in the `ssr` environment, global setup in vitest's own `__vitest__` one.
    environments: { ssr: { resolve: nodeResolve }, __vitest__: { resolve: nodeResolve } },
    test: {
      include: ["test/**/*.test.ts"],
      globalSetup: options.prefectServer ? ["@prefect-mcp/testing/global-setup"] : [],
      reporters: ["default", "json"],
      outputFile: { json: ".reports/vitest.json" },
      // Real-server calls and fixture flows take seconds, not milliseconds.
      testTimeout: 60_000,
      hookTimeout: 180_000,
    },
  });
}
