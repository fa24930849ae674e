import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export const BUILD_COMMAND = "pnpm --filter @prefect-mcp/ui build";

/**
 * Where a built view lives. This module runs as `src/view-files.ts` (sources, in tests) or bundled
 * into `dist/index.js`: both sit one level below the package root, so one relative URL serves both.
 */
export function viewFileUrl(name: string, base: string | URL = import.meta.url): URL {
  return new URL(`../dist/views/${name}.html`, base);
}

/** The HTML of a built view; a missing file means the package was not built, and says how to. */
export async function readBuiltView(file: URL): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new Error(
      `The @prefect-mcp/ui views are not built: ${fileURLToPath(file)} is missing. Run \`${BUILD_COMMAND}\`.`,
      { cause: error },
    );
  }
}
