import { type AccessTokens, WORKSPACES_SCOPE } from "./access-tokens.js";
import { AuthorizationCodes } from "./authorization-codes.js";
import type { Directory } from "./directory.js";
import { bearerToken, type Exchange, readBody, sendDetail, sendJson, sendRaw } from "./http.js";
import { type OAuthClients, TOKEN_ENDPOINT_AUTH_METHODS } from "./oauth-clients.js";
import type { TokenSigner } from "./signing.js";
import {
  authorizationCodeGrant,
  checkScope,
  clientCredentialsGrant,
  isResourceIndicator,
  type OAuthError,
  unsupportedGrant,
} from "./token-grants.js";

const OAUTH_BASE = "/auth/mcp/oauth";

export interface OAuthServerDeps {
  origin: string;
  directory: Directory;
  signer: TokenSigner;
  tokens: AccessTokens;
  clients: OAuthClients;
}

/**
 * Prefect Cloud's MCP authorization server, with consent given automatically: every authorization
 * request from a known client for a registered redirect URI is approved at once.
 * Returns false for paths it does not serve.
 */
export function createOAuthServer(deps: OAuthServerDeps) {
  const codes = new AuthorizationCodes();
  const metadata = {
    issuer: deps.origin,
    authorization_endpoint: `${deps.origin}${OAUTH_BASE}/authorize`,
    token_endpoint: `${deps.origin}${OAUTH_BASE}/token`,
    registration_endpoint: `${deps.origin}${OAUTH_BASE}/register`,
    ...(deps.signer.jwks ? { jwks_uri: `${deps.origin}${OAUTH_BASE}/jwks.json` } : {}),
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code", "client_credentials"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    scopes_supported: [WORKSPACES_SCOPE],
  };

  return async function handle(exchange: Exchange): Promise<boolean> {
    const { pathname } = exchange.url;
    const method = exchange.req.method;
    // RFC 8414 §3.1 inserts the issuer's path after the well-known segment; MCP clients use that form.
    if (
      method === "GET" &&
      /^\/\.well-known\/(oauth-authorization-server|openid-configuration)(\/.*)?$/.test(pathname)
    ) {
      sendJson(exchange, 200, metadata);
      return true;
    }
    if (!pathname.startsWith(`${OAUTH_BASE}/`)) return false;
    const route = `${method} ${pathname.slice(OAUTH_BASE.length)}`;
    switch (route) {
      case "GET /jwks.json":
        if (!deps.signer.jwks) return false;
        sendJson(exchange, 200, deps.signer.jwks);
        return true;
      case "POST /register":
        await register(exchange);
        return true;
      case "GET /authorize":
        authorize(exchange);
        return true;
      case "POST /token":
        await token(exchange);
        return true;
      case "GET /grant/workspaces":
        await grantWorkspaces(exchange);
        return true;
      default:
        return false;
    }
  };

  async function register(exchange: Exchange): Promise<void> {
    let clientMetadata: unknown;
    try {
      clientMetadata = JSON.parse((await readBody(exchange.req)).toString("utf8"));
    } catch {
      sendJson(exchange, 400, {
        error: "invalid_client_metadata",
        error_description: "The body must be a JSON object of client metadata",
      });
      return;
    }
    const result = deps.clients.register(clientMetadata);
    sendJson(exchange, result.status, result.body);
  }

  function authorize(exchange: Exchange): void {
    const params = exchange.url.searchParams;
    const client = deps.clients.get(params.get("client_id") ?? "");
    if (!client) {
      sendJson(exchange, 400, { error: "invalid_client", error_description: "Unknown client_id" });
      return;
    }
    const redirectUri = chooseRedirectUri(params.get("redirect_uri"), client.redirectUris);
    if (!redirectUri) {
      // RFC 6749 §4.1.2.1: never send the browser to a URI the client did not register.
      sendJson(exchange, 400, {
        error: "invalid_request",
        error_description: "redirect_uri is missing or not registered for this client",
      });
      return;
    }

    const back = new URL(redirectUri);
    const state = params.get("state");
    if (state !== null) back.searchParams.set("state", state);
    const problem = authorizationProblem(params);
    if (problem) {
      back.searchParams.set("error", problem.error);
      back.searchParams.set("error_description", problem.description);
    } else {
      const code = codes.issue({
        clientId: client.clientId,
        redirectUri,
        codeChallenge: params.get("code_challenge") ?? "",
        resource: params.get("resource") ?? undefined,
        workspaceIds: client.workspaceIds,
      });
      back.searchParams.set("code", code);
    }
    sendRaw(exchange, 302, Buffer.alloc(0), { Location: back.href });
  }

  async function token(exchange: Exchange): Promise<void> {
    const contentType = exchange.req.headers["content-type"] ?? "";
    const body = await readBody(exchange.req);
    if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return tokenError(exchange, {
        status: 400,
        error: "invalid_request",
        description: "The token request must be application/x-www-form-urlencoded",
      });
    }
    const form = new URLSearchParams(body.toString("utf8"));
    const authentication = deps.clients.authenticate(exchange.req, form);
    if (!authentication.ok) {
      exchange.record.auth = "invalid";
      return tokenError(exchange, {
        status: 401,
        error: "invalid_client",
        description: authentication.description,
      });
    }
    if (authentication.method === "basic") exchange.record.auth = "basic";
    const { client } = authentication;

    const resource = form.get("resource");
    if (resource !== null && !isResourceIndicator(resource)) {
      return tokenError(exchange, {
        status: 400,
        error: "invalid_target",
        description: "resource must be an absolute URI without a fragment",
      });
    }

    const grantType = form.get("grant_type");
    const granted =
      grantType === "client_credentials"
        ? clientCredentialsGrant(client, form, resource)
        : grantType === "authorization_code"
          ? authorizationCodeGrant(codes.redeem(form.get("code") ?? ""), client, form, resource)
          : unsupportedGrant(grantType);
    if ("error" in granted) return tokenError(exchange, granted);

    const issued = await deps.tokens.issue({
      clientId: client.clientId,
      workspaceIds: granted.workspaceIds,
      ...(deps.signer.audienceFromResource && granted.resource
        ? { audience: granted.resource }
        : {}),
    });
    sendJson(
      exchange,
      200,
      {
        access_token: issued.accessToken,
        token_type: "Bearer",
        expires_in: issued.expiresIn,
        scope: WORKSPACES_SCOPE,
      },
      { "Cache-Control": "no-store", Pragma: "no-cache" },
    );
  }

  async function grantWorkspaces(exchange: Exchange): Promise<void> {
    const token = bearerToken(exchange.req);
    const holder = token ? await deps.tokens.resolve(token) : undefined;
    if (!holder) {
      if (exchange.req.headers.authorization) exchange.record.auth = "invalid";
      sendDetail(exchange, 401, "Invalid authentication credentials");
      return;
    }
    exchange.record.auth = "oauth";
    const workspaces = deps.directory.workspacesAmong(holder.workspaceIds);
    sendJson(
      exchange,
      200,
      workspaces.map((workspace) => deps.directory.grantWorkspace(workspace)),
    );
  }
}

function tokenError(exchange: Exchange, problem: OAuthError): void {
  sendJson(
    exchange,
    problem.status,
    { error: problem.error, error_description: problem.description },
    {
      "Cache-Control": "no-store",
      ...(problem.status === 401 ? { "WWW-Authenticate": "Basic" } : {}),
    },
  );
}

/** The redirect URI to use, or undefined when the request's may not be used. */
function chooseRedirectUri(
  requested: string | null,
  registered: string[] | undefined,
): string | undefined {
  if (registered === undefined) {
    return requested !== null && URL.canParse(requested) ? requested : undefined;
  }
  if (requested === null) return registered.length === 1 ? registered[0] : undefined;
  return registered.includes(requested) ? requested : undefined;
}

/** Problems reported to the client through its redirect URI (RFC 6749 §4.1.2.1). */
function authorizationProblem(params: URLSearchParams): Omit<OAuthError, "status"> | undefined {
  if (params.get("response_type") !== "code") {
    return { error: "unsupported_response_type", description: "response_type must be code" };
  }
  if (!params.get("code_challenge")) {
    return { error: "invalid_request", description: "PKCE is required: send code_challenge" };
  }
  if (params.get("code_challenge_method") !== "S256") {
    return { error: "invalid_request", description: "code_challenge_method must be S256" };
  }
  const resource = params.get("resource");
  if (resource !== null && !isResourceIndicator(resource)) {
    return {
      error: "invalid_target",
      description: "resource must be an absolute URI without a fragment",
    };
  }
  const scopeProblem = checkScope(params.get("scope"));
  return scopeProblem && { error: scopeProblem.error, description: scopeProblem.description };
}
