import {
  InsufficientScopeError,
  InvalidTokenError,
  TemporarilyUnavailableError,
} from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { REQUIRED_SCOPE, type TokenVerification } from "./cloud-settings.js";

/**
 * Why a bearer token is refused, as the SDK's OAuth errors: InvalidTokenError (401),
 * InsufficientScopeError (403), TemporarilyUnavailableError (503: the keys could not be fetched).
 */
export type TokenRefusal = InvalidTokenError | InsufficientScopeError | TemporarilyUnavailableError;

/** The HTTP status RFC 6750 gives each refusal. */
export function refusalStatus(refusal: TokenRefusal): 401 | 403 | 503 {
  if (refusal instanceof InsufficientScopeError) return 403;
  if (refusal instanceof TemporarilyUnavailableError) return 503;
  return 401;
}

export function isTokenRefusal(error: unknown): error is TokenRefusal {
  return (
    error instanceof InvalidTokenError ||
    error instanceof InsufficientScopeError ||
    error instanceof TemporarilyUnavailableError
  );
}

/** Accepted clock drift between Prefect Cloud and this server. */
const CLOCK_TOLERANCE_SECONDS = 30;

export type VerifyToken = (token: string) => Promise<AuthInfo>;

/**
 * Checks a bearer token's signature (shared key or JWKS), exp/nbf, issuer, audience and scope with
 * jose. Every refusal is a TokenRefusal whose message tells the caller what is wrong.
 */
export function createTokenVerifier(
  verification: TokenVerification,
  resourceUrl: string,
): VerifyToken {
  const key =
    verification.kind === "shared-key"
      ? verification.key
      : createRemoteJWKSet(new URL(verification.jwksUri), { timeoutDuration: 5_000 });
  const audience = verification.audience ?? resourceUrl;
  const options = {
    algorithms: [verification.algorithm],
    issuer: verification.issuer,
    audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };

  return async (token) => {
    let payload: JWTPayload;
    try {
      // jose's overloads split on the key type; both forms take the same options.
      payload =
        key instanceof Uint8Array
          ? (await jwtVerify(token, key, options)).payload
          : (await jwtVerify(token, key, options)).payload;
    } catch (error) {
      throw refusalFor(error, verification, audience);
    }
    const scopes = scopesOf(payload);
    if (!scopes.includes(REQUIRED_SCOPE)) {
      throw new InsufficientScopeError(
        `The access token lacks the ${REQUIRED_SCOPE} scope (it has ${scopes.length ? scopes.join(" ") : "none"}); authorize again and consent to workspace access.`,
      );
    }
    const clientId = [payload.client_id, payload.azp, payload.sub].find(
      (value): value is string => typeof value === "string",
    );
    return {
      token,
      clientId: clientId ?? "unknown",
      scopes,
      ...(payload.exp !== undefined ? { expiresAt: payload.exp } : {}),
      extra: { grantId: payload.mcp_grant_id },
    };
  };
}

function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload.scope === "string") return payload.scope.split(" ").filter(Boolean);
  if (Array.isArray(payload.scp))
    return payload.scp.filter((s): s is string => typeof s === "string");
  return [];
}

function refusalFor(
  error: unknown,
  verification: TokenVerification,
  audience: string,
): TokenRefusal {
  const invalid = (message: string) => new InvalidTokenError(message);
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === "number" ? error.payload.exp : undefined;
    const when = exp ? ` at ${new Date(exp * 1000).toISOString()}` : "";
    return invalid(
      `The access token expired${when}. Get a new one: reconnect your MCP client, or run prefect-mcp-cloud-token again.`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const value = error.payload[error.claim];
    switch (error.claim) {
      case "nbf":
        return invalid(
          `The access token is not valid yet (nbf ${typeof value === "number" ? new Date(value * 1000).toISOString() : "in the future"}); check this machine's clock.`,
        );
      case "iss":
        return invalid(
          `The access token was issued by ${JSON.stringify(value ?? null)}, not by ${JSON.stringify(verification.issuer)}; get a token from this server's authorization server.`,
        );
      case "aud":
        return invalid(
          `The access token is for audience ${JSON.stringify(value ?? null)}, not this server (${JSON.stringify(audience)}); get a token issued for this server.`,
        );
      default:
        return invalid(`The access token's ${error.claim} claim is invalid: ${error.reason}.`);
    }
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey
  ) {
    return invalid(
      "The access token's signature does not verify: it was not issued by this server's authorization server, or it was altered.",
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return invalid(
      `The access token is signed with an algorithm this server does not accept (only ${verification.algorithm}).`,
    );
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new TemporarilyUnavailableError(
      "The authorization server's signing keys could not be fetched; try again shortly.",
    );
  }
  if (error instanceof errors.JOSEError) {
    return invalid("The access token is not a valid signed JWT.");
  }
  // A network failure fetching the JWKS surfaces as a plain error.
  return new TemporarilyUnavailableError(
    "The authorization server's signing keys could not be fetched; try again shortly.",
  );
}
