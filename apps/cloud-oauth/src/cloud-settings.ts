import { z } from "zod";

/** The scope every token must carry: it is what the user consents to. */
export const REQUIRED_SCOPE = "prefect-cloud:workspaces";

/** Prefect Cloud's own issuer and audience for tokens signed with the shared key. */
export const SHARED_KEY_ISSUER = "AuthServerID";

export const ENVIRONMENTS = {
  prod: { api: "https://api.prefect.cloud/api", auth: "https://api.prefect.cloud" },
  stg: { api: "https://api.stg.prefect.dev/api", auth: "https://api.stg.prefect.dev" },
  local: { api: "http://localhost:4200/api", auth: "http://localhost:4200" },
} as const;

const SHARED_KEY_ALGORITHMS = ["HS256", "HS384", "HS512"] as const;
const JWKS_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"] as const;

export type TokenVerification =
  | {
      kind: "shared-key";
      key: Uint8Array;
      algorithm: (typeof SHARED_KEY_ALGORITHMS)[number];
      issuer: string;
      audience: string;
    }
  | {
      kind: "jwks";
      jwksUri: string;
      algorithm: (typeof JWKS_ALGORITHMS)[number];
      issuer: string;
      /** Unset: the resource URL this server publishes (`<public base URL>/mcp`). */
      audience: string | undefined;
    };

export interface CloudOAuthSettings {
  environment: keyof typeof ENVIRONMENTS;
  /** The Cloud API root workspace calls go below, e.g. `https://api.prefect.cloud/api`. */
  apiBaseUrl: string;
  /** The Cloud API origin that issues tokens and lists grants, e.g. `https://api.prefect.cloud`. */
  authBaseUrl: string;
  /** Advertised in the protected-resource metadata as the authorization server. */
  authorizationServer: string;
  /** The public URL clients reach this server at; unset: the bound URL. */
  publicBaseUrl: string | undefined;
  verification: TokenVerification;
}

/** The server cannot start with these settings; the message lists every problem and its fix. */
export class CloudSettingsError extends Error {
  override readonly name = "CloudSettingsError";
}

const url = (name: string) =>
  z
    .string()
    .trim()
    .refine(isHttpUrl, { error: `${name} must be an http(s) URL without a query or fragment` })
    .transform((value) => value.replace(/\/+$/, ""))
    .optional();

const envSchema = z.object({
  PREFECT_MCP_CLOUD_ENVIRONMENT: z
    .enum(Object.keys(ENVIRONMENTS) as [keyof typeof ENVIRONMENTS], {
      error: "PREFECT_MCP_CLOUD_ENVIRONMENT must be local, stg or prod",
    })
    .default("prod"),
  PREFECT_MCP_CLOUD_API_BASE_URL: url("PREFECT_MCP_CLOUD_API_BASE_URL"),
  PREFECT_MCP_CLOUD_AUTH_BASE_URL: url("PREFECT_MCP_CLOUD_AUTH_BASE_URL"),
  PREFECT_MCP_CLOUD_AUTHORIZATION_SERVER: url("PREFECT_MCP_CLOUD_AUTHORIZATION_SERVER"),
  PREFECT_MCP_CLOUD_PUBLIC_BASE_URL: url("PREFECT_MCP_CLOUD_PUBLIC_BASE_URL"),
  PREFECT_MCP_PUBLIC_BASE_URL: url("PREFECT_MCP_PUBLIC_BASE_URL"),
  PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: z
    .string()
    .min(32, {
      error:
        "PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY is too short: an HMAC key needs at least 32 characters (256 bits)",
    })
    .optional(),
  PREFECT_MCP_CLOUD_AUTH_JWKS_URI: url("PREFECT_MCP_CLOUD_AUTH_JWKS_URI"),
  PREFECT_MCP_CLOUD_AUTH_ISSUER: z.string().trim().min(1).optional(),
  PREFECT_MCP_CLOUD_AUTH_AUDIENCE: z.string().trim().min(1).optional(),
  PREFECT_MCP_CLOUD_AUTH_ALGORITHM: z
    .enum([...SHARED_KEY_ALGORITHMS, ...JWKS_ALGORITHMS], {
      error: `PREFECT_MCP_CLOUD_AUTH_ALGORITHM must be one of ${[...SHARED_KEY_ALGORITHMS, ...JWKS_ALGORITHMS].join(", ")}`,
    })
    .optional(),
});

/**
 * Reads the `PREFECT_MCP_CLOUD_*` settings once, at start. Empty values count as unset. Throws a
 * CloudSettingsError naming every problem; nothing is read from the environment after this.
 */
export function parseCloudSettings(
  env: Record<string, string | undefined> = process.env,
): CloudOAuthSettings {
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((name) => [name, env[name]?.trim() ? env[name] : undefined])
      .filter(([, value]) => value !== undefined),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new CloudSettingsError(
      `Invalid settings:\n${parsed.error.issues.map((issue) => `- ${issue.message}`).join("\n")}`,
    );
  }
  const values = parsed.data;
  const defaults = ENVIRONMENTS[values.PREFECT_MCP_CLOUD_ENVIRONMENT];
  const authBaseUrl = values.PREFECT_MCP_CLOUD_AUTH_BASE_URL ?? defaults.auth;
  const authorizationServer = values.PREFECT_MCP_CLOUD_AUTHORIZATION_SERVER ?? authBaseUrl;
  const algorithm = values.PREFECT_MCP_CLOUD_AUTH_ALGORITHM;

  let verification: TokenVerification;
  const key = values.PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY;
  const jwksUri = values.PREFECT_MCP_CLOUD_AUTH_JWKS_URI;
  if (key !== undefined) {
    if (algorithm && !isOneOf(algorithm, SHARED_KEY_ALGORITHMS)) {
      throw new CloudSettingsError(
        `PREFECT_MCP_CLOUD_AUTH_ALGORITHM=${algorithm} does not fit a shared key (PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY): use ${SHARED_KEY_ALGORITHMS.join(", ")}, or verify with PREFECT_MCP_CLOUD_AUTH_JWKS_URI instead.`,
      );
    }
    verification = {
      kind: "shared-key",
      key: new TextEncoder().encode(key),
      algorithm: algorithm ?? "HS256",
      issuer: values.PREFECT_MCP_CLOUD_AUTH_ISSUER ?? SHARED_KEY_ISSUER,
      audience: values.PREFECT_MCP_CLOUD_AUTH_AUDIENCE ?? SHARED_KEY_ISSUER,
    };
  } else if (jwksUri !== undefined) {
    if (algorithm && !isOneOf(algorithm, JWKS_ALGORITHMS)) {
      throw new CloudSettingsError(
        `PREFECT_MCP_CLOUD_AUTH_ALGORITHM=${algorithm} needs a shared key; with a JWKS use ${JWKS_ALGORITHMS.join(", ")}.`,
      );
    }
    verification = {
      kind: "jwks",
      jwksUri,
      algorithm: algorithm ?? "RS256",
      issuer: values.PREFECT_MCP_CLOUD_AUTH_ISSUER ?? authorizationServer,
      audience: values.PREFECT_MCP_CLOUD_AUTH_AUDIENCE,
    };
  } else {
    throw new CloudSettingsError(
      "No way to verify access tokens: set PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY (the key Prefect Cloud signs MCP tokens with, HS256) or PREFECT_MCP_CLOUD_AUTH_JWKS_URI (its JWKS URL, e.g. https://api.prefect.cloud/auth/mcp/oauth/jwks.json).",
    );
  }

  return {
    environment: values.PREFECT_MCP_CLOUD_ENVIRONMENT,
    apiBaseUrl: values.PREFECT_MCP_CLOUD_API_BASE_URL ?? defaults.api,
    authBaseUrl,
    authorizationServer,
    publicBaseUrl: values.PREFECT_MCP_CLOUD_PUBLIC_BASE_URL ?? values.PREFECT_MCP_PUBLIC_BASE_URL,
    verification,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return (
      (parsed.protocol === "http:" || parsed.protocol === "https:") &&
      !parsed.search &&
      !parsed.hash &&
      !parsed.username &&
      !parsed.password
    );
  } catch {
    return false;
  }
}

function isOneOf<T extends string>(value: string, list: readonly T[]): value is T {
  return (list as readonly string[]).includes(value);
}
