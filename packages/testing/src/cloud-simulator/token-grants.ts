import { WORKSPACES_SCOPE } from "./access-tokens.js";
import { type CodeGrant, s256Challenge } from "./authorization-codes.js";
import type { OAuthClientRecord } from "./oauth-clients.js";

/** An RFC 6749 error answer: `{error, error_description}` with this status. */
export interface OAuthError {
  status: number;
  error: string;
  description: string;
}

/** What a successful grant yields: the consented workspaces and the RFC 8707 resource, if any. */
export interface Granted {
  workspaceIds: string[];
  resource: string | undefined;
}

/** client_credentials: a confidential client gets a token for the workspaces it was consented. */
export function clientCredentialsGrant(
  client: OAuthClientRecord,
  form: URLSearchParams,
  resource: string | null,
): Granted | OAuthError {
  if (client.clientSecret === undefined) {
    return {
      status: 400,
      error: "unauthorized_client",
      description: "client_credentials is for confidential clients only",
    };
  }
  return (
    checkScope(form.get("scope")) ?? {
      workspaceIds: client.workspaceIds,
      resource: resource ?? undefined,
    }
  );
}

/** authorization_code: the code must be this client's, for this redirect URI and PKCE verifier. */
export function authorizationCodeGrant(
  grant: CodeGrant | undefined,
  client: OAuthClientRecord,
  form: URLSearchParams,
  resource: string | null,
): Granted | OAuthError {
  const invalid = (description: string) => ({ status: 400, error: "invalid_grant", description });
  if (!grant) return invalid("The authorization code is invalid, expired or already used");
  if (grant.clientId !== client.clientId) {
    return invalid("The authorization code was issued to another client");
  }
  if (grant.redirectUri !== form.get("redirect_uri")) {
    return invalid("redirect_uri does not match the authorization request");
  }
  if (s256Challenge(form.get("code_verifier") ?? "") !== grant.codeChallenge) {
    return invalid("code_verifier does not match the code_challenge");
  }
  if (resource !== null && grant.resource !== undefined && resource !== grant.resource) {
    return {
      status: 400,
      error: "invalid_target",
      description: "resource differs from the one in the authorization request",
    };
  }
  return { workspaceIds: grant.workspaceIds, resource: resource ?? grant.resource };
}

export function unsupportedGrant(grantType: string | null): OAuthError {
  return grantType === null
    ? { status: 400, error: "invalid_request", description: "grant_type is required" }
    : {
        status: 400,
        error: "unsupported_grant_type",
        description: "Supported grant types: authorization_code, client_credentials",
      };
}

/** Absent, or nothing but the one supported scope. */
export function checkScope(scope: string | null): OAuthError | undefined {
  const requested = (scope ?? "").split(" ").filter(Boolean);
  if (requested.every((s) => s === WORKSPACES_SCOPE)) return undefined;
  return {
    status: 400,
    error: "invalid_scope",
    description: `The only supported scope is ${WORKSPACES_SCOPE}`,
  };
}

/** RFC 8707 §2: an absolute URI without a fragment. */
export function isResourceIndicator(value: string): boolean {
  // `hash` is "" for a bare "#", so the character itself is checked too.
  return URL.canParse(value) && !value.includes("#");
}
