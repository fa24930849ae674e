export interface SimulatedAccount {
  id: string;
  handle: string;
  name: string;
  plan_type?: string;
  plan_tier?: string;
  features?: string[];
  automations_limit?: number;
  work_pool_limit?: number;
  run_retention_days?: number;
}

export interface SimulatedWorkspace {
  accountId: string;
  id: string;
  handle: string;
  name: string;
  description?: string;
  /** real OSS API URL, e.g. http://127.0.0.1:41234/api */
  prefectApiUrl: string;
}

export interface SimulatedUser {
  id: string;
  handle: string;
  email: string;
  first_name: string;
  last_name: string;
}

export interface SimulatedApiKey {
  key: string;
  workspaceIds: string[];
}

export interface SimulatedOAuthClient {
  clientId: string;
  /** absent → public client (PKCE, token_endpoint_auth_method none) */
  clientSecret?: string;
  /** the consent: workspaces granted to this client's tokens (client_credentials) and auto-consented in the authorization-code flow */
  workspaceIds: string[];
  redirectUris?: string[];
}

export interface ThrottledMinute {
  /** ISO; any second within the minute is truncated to the minute. */
  minute: string;
  key: string;
  requested: number;
  granted: number;
}

export type TokenSigning =
  | {
      kind: "shared-key";
      key: string;
      /** default "AuthServerID" */
      issuer?: string;
      /** default "AuthServerID" */
      audience?: string;
    }
  | {
      kind: "jwks";
      /** default audience when the token request carries no `resource` (default: the simulator's origin) */
      audience?: string;
      /** default: the simulator's origin */
      issuer?: string;
    };

export interface CloudSimulatorOptions {
  accounts: SimulatedAccount[];
  workspaces: SimulatedWorkspace[];
  /** default: a fixed, recognisable test user */
  user?: SimulatedUser;
  apiKeys?: SimulatedApiKey[];
  oauthClients?: SimulatedOAuthClient[];
  /** Workspaces auto-consented for dynamically registered clients (default: all). */
  autoConsentWorkspaceIds?: string[];
  signing: TokenSigning;
  /** default 3600 */
  tokenLifetimeSeconds?: number;
  /** Per account: calls per minute per key when not throttled (default 0), and throttled minutes. */
  rateLimits?: Record<string, { baseline?: Record<string, number>; throttled?: ThrottledMinute[] }>;
  /** default 127.0.0.1, on a random free port */
  host?: string;
}

export interface RecordedRequest {
  method: string;
  /** The path without its query string. */
  path: string;
  /** how the caller authenticated ("invalid": it presented credentials that were refused) */
  auth: "api-key" | "oauth" | "basic" | "none" | "invalid";
  status: number;
}

export interface MintTokenOptions {
  workspaceIds: string[];
  /** default "prefect-cloud:workspaces" */
  scope?: string;
  /** exp = now + this (default: tokenLifetimeSeconds; negative → already expired) */
  expiresInSeconds?: number;
  /** nbf = now + this (default 0) */
  notBeforeSeconds?: number;
  /** iat as epoch seconds; a value below 10^9 is read as an offset from now (default: now) */
  issuedAtSeconds?: number;
  /** default: the simulator's issuer */
  issuer?: string;
  /** default: the signing audience */
  audience?: string;
  /** default "simulator-test-client" */
  clientId?: string;
}

export interface CloudSimulator {
  /** Origin, e.g. http://127.0.0.1:5123 — this is also the "auth base URL" (Cloud API origin). */
  url: string;
  /** `${url}/api` — the Cloud API root (PREFECT_MCP_CLOUD_API_BASE_URL). */
  apiUrl: string;
  /** The token issuer the simulator signs with. */
  issuer: string;
  /** `${apiUrl}/accounts/<a>/workspaces/<w>` for a workspace id. */
  workspaceApiUrl(workspaceId: string): string;
  /** `${url}/auth/mcp/oauth/jwks.json` in jwks mode; undefined in shared-key mode. */
  jwksUrl: string | undefined;
  /** Creates a grant for the given workspaces and returns a signed access token for it (overrides let tests build bad tokens). */
  mintAccessToken(options: MintTokenOptions): Promise<string>;
  /** Every request served, in order of arrival (tests assert e.g. that no workspace call was made). */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}
