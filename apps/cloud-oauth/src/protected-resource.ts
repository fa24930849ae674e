import type { IncomingMessage, ServerResponse } from "node:http";
import type { OAuthProtectedResourceMetadata } from "@modelcontextprotocol/sdk/shared/auth.js";
import { sendJson } from "@prefect-mcp/http";
import { REQUIRED_SCOPE } from "./cloud-settings.js";

/** Where RFC 9728 puts the metadata of the resource `<base>/mcp`. */
export const METADATA_PATH = "/.well-known/oauth-protected-resource/mcp";
/** The path-less form some clients try first. */
const ROOT_METADATA_PATH = "/.well-known/oauth-protected-resource";

export function protectedResourceMetadata(
  resourceUrl: string,
  authorizationServer: string,
): OAuthProtectedResourceMetadata {
  return {
    resource: resourceUrl,
    authorization_servers: [authorizationServer],
    scopes_supported: [REQUIRED_SCOPE],
    bearer_methods_supported: ["header"],
    resource_name: "Prefect Cloud MCP server (read-only)",
  };
}

/**
 * Serves the metadata document. Browser-based MCP clients fetch it cross-origin, so it carries
 * CORS headers for GET and answers OPTIONS preflights; it holds nothing secret.
 */
export function answerMetadata(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  metadata: OAuthProtectedResourceMetadata,
): boolean {
  if (path !== METADATA_PATH && path !== ROOT_METADATA_PATH) return false;
  const cors = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, MCP-Protocol-Version",
    "Access-Control-Max-Age": "86400",
  };
  if (req.method === "OPTIONS") {
    res.writeHead(204, cors);
    res.end();
  } else if (req.method === "GET" || req.method === "HEAD") {
    sendJson(res, 200, metadata, { ...cors, "Cache-Control": "public, max-age=3600" });
  } else {
    sendJson(
      res,
      405,
      { error: "Use GET for the protected-resource metadata." },
      {
        ...cors,
        Allow: "GET, OPTIONS",
      },
    );
  }
  return true;
}

/** The `WWW-Authenticate` challenge of a refused request (RFC 6750 §3, RFC 9728 §5.1). */
export function bearerChallenge(
  metadataUrl: string,
  refusal?: { code: string; description: string },
): string {
  const params = refusal
    ? [
        `error="${quoted(refusal.code)}"`,
        `error_description="${quoted(refusal.description)}"`,
        ...(refusal.code === "insufficient_scope" ? [`scope="${REQUIRED_SCOPE}"`] : []),
      ]
    : [];
  return `Bearer ${[...params, `resource_metadata="${quoted(metadataUrl)}"`].join(", ")}`;
}

/** A quoted-string may not hold `"` or `\` unescaped; our messages are single-line text. */
function quoted(value: string): string {
  return value.replace(/[\\"]/g, "\\$&").replace(/\s+/g, " ");
}
