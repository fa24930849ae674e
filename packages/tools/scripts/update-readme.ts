/**
 * `pnpm docs:update` (this half): rewrites the tool table in the root README from
 * `toolDefinitions()`. test/tool-reference.test.ts fails until it has been run.
 */
import { readmePath, writeMarkedSection } from "@prefect-mcp/testing";
import { renderToolReference, TOOLS_SECTION } from "./tool-reference.js";

const changed = writeMarkedSection(readmePath("README.md"), TOOLS_SECTION, renderToolReference());
process.stdout.write(`${changed ? "updated" : "up to date"}: tool reference in README.md\n`);
