/**
 * `pnpm docs:update` (this half): rewrites the client-config sections of the root, stdio and HTTP
 * READMEs from `client-configs.ts`. test/client-configs.test.ts fails until it has been run.
 */
import { readmePath, writeMarkedSection } from "@prefect-mcp/testing";
import { CLIENT_CONFIG_READMES, CLIENT_CONFIGS_SECTION } from "./client-configs.js";

for (const { file, render } of CLIENT_CONFIG_READMES) {
  const changed = writeMarkedSection(readmePath(file), CLIENT_CONFIGS_SECTION, render());
  process.stdout.write(`${changed ? "updated" : "up to date"}: client configs in ${file}\n`);
}
