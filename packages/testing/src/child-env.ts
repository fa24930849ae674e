import { tmpdir } from "node:os";
import path from "node:path";

/**
 * This process's environment minus every PREFECT_* variable, for the Prefect processes the harness
 * starts: a developer's own PREFECT_API_URL or profile must never leak into a test server or flow.
 */
export function envWithoutPrefectSettings(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("PREFECT_")) env[key] = value;
  }
  return env;
}

/**
 * For a bin under test: nothing of the developer's setup (no PREFECT_* variables, a profiles file
 * that does not exist, a throwaway HOME), plus whatever the test adds.
 */
export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: tmpdir(),
    PREFECT_PROFILES_PATH: path.join(tmpdir(), "prefect-mcp-no-such-dir", "profiles.toml"),
    ...extra,
  };
}
