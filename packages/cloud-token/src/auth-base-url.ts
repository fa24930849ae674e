import { CloudTokenError } from "./errors.js";

/** The Prefect Cloud API origin of each environment; it serves the OAuth token endpoint. */
const CLOUD_ENVIRONMENTS = {
  prod: "https://api.prefect.cloud",
  stg: "https://api.stg.prefect.dev",
  local: "http://localhost:4200",
} as const;

export const DEFAULT_AUTH_BASE_URL = CLOUD_ENVIRONMENTS.prod;

/**
 * The auth base URL an environment asks for: PREFECT_MCP_CLOUD_AUTH_BASE_URL, else the origin of
 * PREFECT_MCP_CLOUD_ENVIRONMENT (`prod`, the default; `stg`; `local`).
 */
export function authBaseUrlFromEnv(env: Record<string, string | undefined>): string {
  const explicit = env.PREFECT_MCP_CLOUD_AUTH_BASE_URL?.trim();
  if (explicit) return explicit;
  const name = env.PREFECT_MCP_CLOUD_ENVIRONMENT?.trim() || "prod";
  if (!Object.hasOwn(CLOUD_ENVIRONMENTS, name)) {
    throw new CloudTokenError(
      "invalid_options",
      `PREFECT_MCP_CLOUD_ENVIRONMENT must be one of ${Object.keys(CLOUD_ENVIRONMENTS).join(", ")}; got "${name}". Set PREFECT_MCP_CLOUD_AUTH_BASE_URL for any other auth server.`,
    );
  }
  return CLOUD_ENVIRONMENTS[name as keyof typeof CLOUD_ENVIRONMENTS];
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The token endpoint under an auth base URL, which must be https (or http on this machine). */
export function tokenEndpoint(authBaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(authBaseUrl);
  } catch {
    throw badBaseUrl(authBaseUrl, "is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw badBaseUrl(authBaseUrl, "must be an https:// URL");
  }
  // The client secret travels in the request: plain http only where it never leaves the machine.
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw badBaseUrl(authBaseUrl, "must be https:// (http:// only for localhost)");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw badBaseUrl(authBaseUrl, "must not carry a user, query or fragment");
  }
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/auth/mcp/oauth/token`;
  return url;
}

function badBaseUrl(value: string, problem: string): CloudTokenError {
  return new CloudTokenError(
    "invalid_options",
    `The auth base URL "${value}" ${problem}. Use the Prefect Cloud API origin, e.g. ${DEFAULT_AUTH_BASE_URL}.`,
  );
}
