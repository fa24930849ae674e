import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./repo-root.js";

/** Where each app of the monorepo lives, by the bin it ships. */
const BIN_PACKAGES = {
  "prefect-mcp": "apps/stdio",
  "prefect-mcp-http": "apps/http",
  "prefect-mcp-cloud": "apps/cloud-oauth",
  "prefect-mcp-cloud-token": "packages/cloud-token",
} as const;

export type BinName = keyof typeof BIN_PACKAGES;

/**
 * The built JavaScript a bin runs, found through its package.json as `npx` would find it; a clear
 * error when the package has not been built.
 */
export function builtBin(name: BinName): string {
  const packageDir = path.join(repoRoot(), BIN_PACKAGES[name]);
  const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  };
  const entry = manifest.bin[name];
  if (!entry) throw new Error(`${BIN_PACKAGES[name]}/package.json declares no bin ${name}`);
  const main = path.resolve(packageDir, entry);
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: ${name} has not been built. Run \`pnpm build\`.`);
  }
  return main;
}
