import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidTokenError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import {
  cloudWorkspaceSettings,
  type GrantedCloudWorkspace,
  PrefectApiError,
} from "@prefect-mcp/client";
import {
  hostMcpOverHttp,
  type LogEntry,
  sendJson,
  sharedDocsProxy,
  stderrJsonLog,
} from "@prefect-mcp/http";
import { createPrefectMcpServer } from "@prefect-mcp/tools";
import { type CloudOAuthSettings, parseCloudSettings } from "./cloud-settings.js";
import { createGrantLookup } from "./grant-cache.js";
import {
  answerMetadata,
  bearerChallenge,
  METADATA_PATH,
  protectedResourceMetadata,
} from "./protected-resource.js";
import {
  createTokenVerifier,
  isTokenRefusal,
  refusalStatus,
  type TokenRefusal,
  type VerifyToken,
} from "./token-verifier.js";

export interface ServeCloudOAuthOptions {
  host?: string;
  /** 0 picks any free port (default 8000). */
  port?: number;
  allowedOrigins?: readonly string[];
  maxBodyBytes?: number;
  shutdownTimeoutMs?: number;
  enable?: readonly string[];
  disable?: readonly string[];
  /** Proxy Prefect's docs MCP server (default true). */
  docs?: boolean;
  /** Serve the MCP Apps views (default true). */
  ui?: boolean;
  /** Parsed settings; default: `PREFECT_MCP_CLOUD_*` from `env`. */
  settings?: CloudOAuthSettings;
  /** Where settings come from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** How long a token's grant is cached (default 60 s). */
  grantCacheTtlMs?: number;
  name?: string;
  version?: string;
  /** Receives one JSON object per log line (default: written to stderr). */
  log?: (entry: LogEntry) => void;
}

export interface CloudOAuthServerHandle {
  /** The bound base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** The resource clients get tokens for: `<public base URL>/mcp`. */
  resourceUrl: string;
  /** Where the protected-resource metadata is served. */
  metadataUrl: string;
  close(): Promise<void>;
}

interface Caller {
  auth: AuthInfo;
  workspaces: GrantedCloudWorkspace[];
}

/**
 * Serves the Prefect MCP tools for Prefect Cloud behind OAuth: every `/mcp` request needs a bearer
 * token Cloud issued for this server; each tool call reads one of the workspaces the user
 * consented to, with the user's own token. Throws CloudSettingsError before listening when the
 * settings cannot verify tokens.
 */
export async function serveCloudOAuth(
  options: ServeCloudOAuthOptions = {},
): Promise<CloudOAuthServerHandle> {
  const settings = options.settings ?? parseCloudSettings(options.env ?? process.env);
  const emit = stderrJsonLog(options.log);
  const warn = (message: string) => emit({ level: "warn", message });
  const env = options.env ?? process.env;
  const lookupGrant = createGrantLookup({
    authBaseUrl: settings.authBaseUrl,
    ...(options.grantCacheTtlMs !== undefined ? { ttlMs: options.grantCacheTtlMs } : {}),
  });
  const docs = sharedDocsProxy(options.docs, env, warn);

  // Known once the port is bound (the public URL defaults to the bound one); requests only
  // arrive after that.
  let resourceUrl = "";
  let metadataUrl = "";
  let verify: VerifyToken;
  let metadata: ReturnType<typeof protectedResourceMetadata>;

  /** Answers a refused request: RFC 6750's status and challenge, the SDK error's JSON body. */
  const refuse = (res: ServerResponse, refusal: TokenRefusal | undefined) => {
    if (!refusal) {
      // No credentials at all: the challenge carries no error code (RFC 6750 §3.1).
      return sendJson(
        res,
        401,
        {
          error: "invalid_token",
          error_description: "This server needs a Prefect Cloud access token.",
        },
        { "WWW-Authenticate": bearerChallenge(metadataUrl) },
      );
    }
    const status = refusalStatus(refusal);
    const body = refusal.toResponseObject();
    sendJson(
      res,
      status,
      body,
      status === 503
        ? { "Retry-After": "5" }
        : {
            "WWW-Authenticate": bearerChallenge(metadataUrl, {
              code: body.error,
              description: body.error_description ?? "",
            }),
          },
    );
  };

  const authenticate = async (
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<Caller | undefined> => {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      refuse(
        res,
        header
          ? new InvalidTokenError("Send the access token as: Authorization: Bearer <token>.")
          : undefined,
      );
      return undefined;
    }
    let auth: AuthInfo;
    try {
      auth = await verify(match[1]);
    } catch (error) {
      if (!isTokenRefusal(error)) throw error;
      refuse(res, error);
      return undefined;
    }
    try {
      return { auth, workspaces: await lookupGrant(auth.token, auth.expiresAt) };
    } catch (error) {
      if (error instanceof PrefectApiError && (error.status === 401 || error.status === 403)) {
        refuse(
          res,
          new InvalidTokenError(
            "Prefect Cloud no longer accepts this token's grant (revoked or expired); reconnect to authorize again.",
          ),
        );
        return undefined;
      }
      const reason = error instanceof Error ? error.message : String(error);
      emit({ level: "warn", message: `grant lookup failed: ${reason}` });
      sendJson(res, 502, {
        error:
          "Prefect Cloud could not say which workspaces this token may read; try again shortly.",
      });
      return undefined;
    }
  };

  const mcpServer = (req: IncomingMessage, caller: Caller) => {
    // The SDK's transport hands `req.auth` to handlers as `extra.authInfo`.
    (req as IncomingMessage & { auth?: AuthInfo }).auth = caller.auth;
    return createPrefectMcpServer({
      workspaceGrant: {
        workspaces: async () => caller.workspaces,
        settingsFor: (workspace) =>
          cloudWorkspaceSettings({
            apiBaseUrl: settings.apiBaseUrl,
            accountId: workspace.account_id,
            workspaceId: workspace.workspace_id,
            token: caller.auth.token,
          }),
      },
      ...(options.enable?.length ? { enable: options.enable } : {}),
      ...(options.disable?.length ? { disable: options.disable } : {}),
      docs,
      ui: options.ui !== false,
      log: warn,
      clientOptions: { userAgentSuffix: `prefect-mcp-cloud/${options.version ?? "0.0.0"}` },
      name: options.name ?? "prefect-mcp-cloud",
      ...(options.version ? { version: options.version } : {}),
    });
  };

  const host = await hostMcpOverHttp<Caller>({
    host: options.host,
    port: options.port,
    allowedOrigins: options.allowedOrigins,
    maxBodyBytes: options.maxBodyBytes,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    log: emit,
    route: (req, res, path) => answerMetadata(req, res, path, metadata),
    authenticate,
    mcpServer,
    // Nothing to probe: tokens are verified locally, and each caller's workspace answers for itself.
    readiness: async () => ({ ok: true, body: { status: "ok" } }),
    onClose: async () => {
      if (docs) await docs.close();
    },
  });

  const publicBase = settings.publicBaseUrl ?? host.url;
  resourceUrl = `${publicBase}/mcp`;
  metadataUrl = `${publicBase}${METADATA_PATH}`;
  metadata = protectedResourceMetadata(resourceUrl, settings.authorizationServer);
  verify = createTokenVerifier(settings.verification, resourceUrl);

  emit({
    level: "info",
    message: "listening",
    url: host.url,
    mcp: `${host.url}/mcp`,
    resource: resourceUrl,
    resource_metadata: metadataUrl,
    authorization_server: settings.authorizationServer,
    api_base_url: settings.apiBaseUrl,
    token_verification:
      settings.verification.kind === "shared-key"
        ? `shared key (${settings.verification.algorithm})`
        : `JWKS ${settings.verification.jwksUri} (${settings.verification.algorithm})`,
  });
  return { url: host.url, resourceUrl, metadataUrl, close: host.close };
}
