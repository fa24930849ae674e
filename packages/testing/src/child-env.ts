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
