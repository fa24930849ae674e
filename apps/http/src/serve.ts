import { createPrefectClient, type PrefectSettings } from "@prefect-mcp/client";
import { createPrefectMcpServer, displayApiUrl } from "@prefect-mcp/tools";
import { allowedApiUrls, type LookupAll } from "./api-url-policy.js";
import { sharedDocsProxy } from "./shared-docs-proxy.js";

export { DEFAULT_MAX_BODY_BYTES } from "./mcp-http-host.js";

import { hostMcpOverHttp, stderrJsonLog } from "./mcp-http-host.js";
import { operatorSettings, requestSettings } from "./request-settings.js";

export interface ServeHttpOptions {
  host?: string;
  /** 0 picks any free port (default 8000). */
  port?: number;
  profile?: string;
  apiUrl?: string;
  enable?: readonly string[];
  disable?: readonly string[];
  /** Proxy Prefect's docs MCP server (default true). */
  docs?: boolean;
  /** Serve the MCP Apps views (default true). */
  ui?: boolean;
  /** Browser origins allowed to call /mcp; a request without Origin always passes. */
  allowedOrigins?: readonly string[];
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** How long shutdown waits for in-flight requests before dropping them (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Where settings come from (default `process.env`). */
  env?: Record<string, string | undefined>;
  name?: string;
  version?: string;
  /** Receives one JSON object per log line (default: written to stderr). */
  log?: (entry: Record<string, unknown>) => void;
  lookup?: LookupAll;
}

export interface HttpServerHandle {
  /** The bound base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** The effective allow-list for X-Prefect-Api-Url. */
  allowedApiUrls: readonly string[];
  /** Stops accepting, lets in-flight requests finish (bounded), closes the docs proxy. */
  close(): Promise<void>;
}

/** Serves the Prefect MCP tools over Streamable HTTP at `/mcp` (stateless), plus health checks. */
export async function serveHttp(options: ServeHttpOptions = {}): Promise<HttpServerHandle> {
  const emit = stderrJsonLog(options.log);
  const warn = (message: string) => emit({ level: "warn", message });
  const env: Record<string, string | undefined> = {
    ...(options.env ?? process.env),
    ...(options.profile ? { PREFECT_PROFILE: options.profile } : {}),
  };
  const operator = operatorSettings({ env, apiUrl: options.apiUrl });
  const allowed = allowedApiUrls(env.PREFECT_MCP_ALLOWED_API_URLS, operator?.apiUrl);

  const docs = sharedDocsProxy(options.docs, env, warn);

  const host = await hostMcpOverHttp({
    host: options.host,
    port: options.port,
    allowedOrigins: options.allowedOrigins,
    maxBodyBytes: options.maxBodyBytes,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    log: emit,
    mcpServer: (req) =>
      createPrefectMcpServer({
        settings: () =>
          requestSettings(req.headers, {
            env,
            operator,
            ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
            allowedApiUrls: allowed,
            ...(options.lookup ? { lookup: options.lookup } : {}),
          }),
        ...(options.enable?.length ? { enable: options.enable } : {}),
        ...(options.disable?.length ? { disable: options.disable } : {}),
        docs,
        ui: options.ui !== false,
        log: warn,
        clientOptions: {
          // Redirects are refused by the client itself, so an allowed host cannot bounce the
          // server elsewhere (e.g. to a metadata address).
          userAgentSuffix: `prefect-mcp-http/${options.version ?? "0.0.0"}`,
        },
        name: options.name ?? "prefect-mcp-http",
        ...(options.version ? { version: options.version } : {}),
      }),
    readiness: () => readiness(operator),
    onClose: async () => {
      if (docs) await docs.close();
    },
  });
  emit({
    level: "info",
    message: "listening",
    url: host.url,
    mcp: `${host.url}/mcp`,
    allowed_api_urls: allowed,
    default_prefect: operator ? displayApiUrl(operator.apiUrl) : null,
    allowed_origins: options.allowedOrigins ?? [],
  });
  return { url: host.url, allowedApiUrls: allowed, close: host.close };
}

async function readiness(
  operator: PrefectSettings | undefined,
): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  if (!operator) {
    return {
      ok: false,
      body: {
        status: "unavailable",
        reason:
          "no default Prefect configured (PREFECT_API_URL, a profile or --api-url); callers must send X-Prefect-Api-Url",
      },
    };
  }
  const prefect = displayApiUrl(operator.apiUrl);
  try {
    const client = createPrefectClient(operator, { timeoutMs: 5_000, retries: 0 });
    await client.GET("/health");
    return { ok: true, body: { status: "ok", prefect } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, body: { status: "unavailable", prefect, reason } };
  }
}
