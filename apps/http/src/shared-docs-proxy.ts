import { DEFAULT_DOCS_MCP_URL, type DocsProxy, startDocsProxy } from "@prefect-mcp/tools";

/**
 * One docs proxy for a whole HTTP server process, which every per-request MCP server borrows; false
 * when turned off. The caller closes it on shutdown.
 */
export function sharedDocsProxy(
  enabled: boolean | undefined,
  env: Record<string, string | undefined>,
  warn: (message: string) => void,
): DocsProxy | false {
  if (enabled === false) return false;
  return startDocsProxy({
    url: env.PREFECT_DOCS_MCP_URL ?? DEFAULT_DOCS_MCP_URL,
    timeoutMs: 5_000,
    log: warn,
    // A per-request server lists the docs tools once the proxy is ready; nothing to announce.
    onReady: () => {},
  });
}
