import { createHash, randomBytes } from "node:crypto";

const CODE_LIFETIME_MS = 5 * 60 * 1000;

/** What an authorization code is bound to when it is issued. */
export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  /** RFC 8707 resource named at the authorization request */
  resource: string | undefined;
  workspaceIds: string[];
}

export class AuthorizationCodes {
  private readonly codes = new Map<string, CodeGrant & { expiresAt: number }>();

  issue(grant: CodeGrant): string {
    const code = randomBytes(32).toString("base64url");
    this.codes.set(code, { ...grant, expiresAt: Date.now() + CODE_LIFETIME_MS });
    return code;
  }

  /** The code's grant, once: any redemption attempt uses the code up, as a stolen code's would. */
  redeem(code: string): CodeGrant | undefined {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    return grant && grant.expiresAt > Date.now() ? grant : undefined;
  }
}

/** RFC 7636 S256: base64url(sha256(code_verifier)). */
export function s256Challenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}
