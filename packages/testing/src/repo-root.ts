import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo's root: the nearest folder above this file holding `pnpm-workspace.yaml`. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "pnpm-workspace.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("@prefect-mcp/testing must run inside the monorepo");
    dir = parent;
  }
  return dir;
}

/** This package's own folder, for its fixtures and Python helpers. */
export function testingPackageDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
}
