import { randomUUID } from "node:crypto";
import type { TokenSigner } from "./signing.js";

/** The one scope Prefect Cloud's MCP authorization server grants. */
export const WORKSPACES_SCOPE = "prefect-cloud:workspaces";

export interface IssueTokenRequest {
  clientId: string;
  workspaceIds: string[];
  /** default: the signer's default audience */
  audience?: string;
  scope?: string;
  expiresInSeconds?: number;
  notBeforeSeconds?: number;
  issuedAtSeconds?: number;
  issuer?: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface TokenHolder {
  clientId: string;
  workspaceIds: string[];
}

/** Offsets below this are far smaller than any epoch time a test would mean (it is 2001). */
const EPOCH_THRESHOLD = 1_000_000_000;

/**
 * Issues access tokens and remembers each token's grant: as in Cloud, the token carries only the
 * grant id and the server looks up which workspaces it covers.
 */
export class AccessTokens {
  private readonly grants = new Map<string, string[]>();

  constructor(
    private readonly signer: TokenSigner,
    private readonly lifetimeSeconds: number,
  ) {}

  async issue(request: IssueTokenRequest): Promise<IssuedToken> {
    const grantId = randomUUID();
    this.grants.set(grantId, [...request.workspaceIds]);
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = request.expiresInSeconds ?? this.lifetimeSeconds;
    const issuedAt = request.issuedAtSeconds ?? now;
    const accessToken = await this.signer.sign({
      sub: request.clientId,
      client_id: request.clientId,
      scope: request.scope ?? WORKSPACES_SCOPE,
      mcp_grant_id: grantId,
      iss: request.issuer ?? this.signer.issuer,
      aud: request.audience ?? this.signer.defaultAudience,
      iat: issuedAt < EPOCH_THRESHOLD ? now + issuedAt : issuedAt,
      nbf: now + (request.notBeforeSeconds ?? 0),
      exp: now + expiresIn,
      jti: randomUUID(),
    });
    return { accessToken, expiresIn };
  }

  /** The client and workspaces behind a token this simulator issued; undefined for any other. */
  async resolve(token: string): Promise<TokenHolder | undefined> {
    try {
      const claims = await this.signer.verify(token);
      const grant =
        typeof claims.mcp_grant_id === "string" ? this.grants.get(claims.mcp_grant_id) : undefined;
      if (!grant) return undefined;
      return { clientId: String(claims.client_id ?? claims.sub), workspaceIds: grant };
    } catch {
      return undefined;
    }
  }
}
