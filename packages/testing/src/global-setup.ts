import type { TestProject } from "vitest/node";
import { startPrefectServer } from "./prefect-server.js";

/**
 * Vitest global setup: one real Prefect server for the whole test run, shared by every test file.
 * Tests isolate their data by unique names rather than by fresh servers.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const server = await startPrefectServer();
  process.stderr.write(
    `[prefect-mcp/testing] Prefect server at ${server.apiUrl} (ready in ${Date.now() - started} ms)\n`,
  );
  project.provide("prefectApiUrl", server.apiUrl);
  return () => server.stop();
}
