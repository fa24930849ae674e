import type { TestProject } from "vitest/node";
import { startPrefectServer } from "./prefect-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The API URL of the run's shared Prefect server, e.g. `http://127.0.0.1:41234/api`. */
    prefectApiUrl: string;
  }
}

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
