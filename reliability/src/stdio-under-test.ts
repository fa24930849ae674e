import { builtBin, connectStdioMcp, isolatedEnv } from "@prefect-mcp/testing";
import { FAKE_API_KEY, FAKE_AUTH_STRING } from "./fake-secrets.js";

/**
 * The built stdio bin (docs proxy off) against `apiUrl`, holding both fake credentials: the auth
 * string must win (Prefect refuses a Bearer key), and neither may ever leak.
 */
export function connectStdioWithFakeCredentials(apiUrl: string, env: Record<string, string> = {}) {
  return connectStdioMcp({
    command: process.execPath,
    args: [builtBin("prefect-mcp"), "--no-docs"],
    env: isolatedEnv({
      PREFECT_API_URL: apiUrl,
      PREFECT_API_AUTH_STRING: FAKE_AUTH_STRING,
      PREFECT_API_KEY: FAKE_API_KEY,
      ...env,
    }),
  });
}
