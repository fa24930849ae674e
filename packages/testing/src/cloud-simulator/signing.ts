import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import type { TokenSigning } from "./types.js";

/** Prefect Cloud's default issuer and audience for tokens signed with a shared key. */
const SHARED_KEY_DEFAULT = "AuthServerID";

export interface TokenSigner {
  readonly issuer: string;
  /** The audience when the token request names no `resource` (or in shared-key mode, always). */
  readonly defaultAudience: string;
  /** jwks mode binds tokens to the RFC 8707 `resource` they were requested for. */
  readonly audienceFromResource: boolean;
  /** The public keys to serve, in jwks mode. */
  readonly jwks: JSONWebKeySet | undefined;
  sign(claims: JWTPayload): Promise<string>;
  /** Checks signature, issuer, expiry and not-before; any audience. Throws when the token fails. */
  verify(token: string): Promise<JWTPayload>;
}

export async function createTokenSigner(
  signing: TokenSigning,
  origin: string,
): Promise<TokenSigner> {
  if (signing.kind === "shared-key") {
    const key = new TextEncoder().encode(signing.key);
    const issuer = signing.issuer ?? SHARED_KEY_DEFAULT;
    return {
      issuer,
      defaultAudience: signing.audience ?? SHARED_KEY_DEFAULT,
      audienceFromResource: false,
      jwks: undefined,
      sign: (claims) =>
        new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key),
      verify: async (token) =>
        (await jwtVerify(token, key, { issuer, algorithms: ["HS256"], requiredClaims: ["exp"] }))
          .payload,
    };
  }

  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const issuer = signing.issuer ?? origin;
  return {
    issuer,
    defaultAudience: signing.audience ?? origin,
    audienceFromResource: true,
    jwks: { keys: [{ ...publicJwk, kid, alg: "RS256", use: "sig" }] },
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: "JWT", kid }).sign(privateKey),
    verify: async (token) =>
      (
        await jwtVerify(token, publicKey, {
          issuer,
          algorithms: ["RS256"],
          requiredClaims: ["exp"],
        })
      ).payload,
  };
}
