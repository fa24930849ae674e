import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import {
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  registerClient,
  startAuthorization,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { RATE_LIMIT_KEYS } from "@prefect-mcp/client";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type CloudSimulator,
  type CloudSimulatorOptions,
  createFlow,
  createSeedClient,
  startCloudSimulator,
} from "../src/index.js";
import { startRecordingServer, unusedApiUrl } from "./helpers/recording-server.js";

const prefectApiUrl = inject("prefectApiUrl");
const seed = createSeedClient({ apiUrl: prefectApiUrl });

const ACME = {
  id: "a0000000-0000-4000-8000-000000000001",
  handle: "acme",
  name: "Acme Corp",
  plan_type: "PRO",
  plan_tier: "pro",
  features: ["automations"],
  automations_limit: 50,
  work_pool_limit: 10,
  run_retention_days: 30,
};
const GLOBEX = { id: "a0000000-0000-4000-8000-000000000002", handle: "globex", name: "Globex" };
const PROD = "b0000000-0000-4000-8000-000000000001"; // Acme, the real Prefect server
const STAGING = "b0000000-0000-4000-8000-000000000002"; // Acme, a recording upstream
const RESEARCH = "b0000000-0000-4000-8000-000000000003"; // Globex, the real Prefect server
const DOWN = "b0000000-0000-4000-8000-000000000004"; // Globex, nothing listening

const SHARED_KEY = "simulated-shared-signing-key-of-32-bytes!";
const CONFIDENTIAL = { clientId: "ci-robot", clientSecret: "robot-s3cret" };
const PUBLIC_CLIENT = "desktop-app";
const CALLBACK = "http://127.0.0.1:8976/callback";
const PROD_KEY = "pnu_simulated_prod_only";
const ALL_KEY = "pnu_simulated_everything";
const SCOPE = "prefect-cloud:workspaces";

let upstream: Awaited<ReturnType<typeof startRecordingServer>>;
let sim: CloudSimulator;

async function options(signing: CloudSimulatorOptions["signing"]): Promise<CloudSimulatorOptions> {
  return {
    accounts: [ACME, GLOBEX],
    workspaces: [
      { accountId: ACME.id, id: PROD, handle: "prod", name: "Production", prefectApiUrl },
      {
        accountId: ACME.id,
        id: STAGING,
        handle: "staging",
        name: "Staging",
        description: "pre-release",
        prefectApiUrl: upstream.apiUrl,
      },
      { accountId: GLOBEX.id, id: RESEARCH, handle: "research", name: "Research", prefectApiUrl },
      {
        accountId: GLOBEX.id,
        id: DOWN,
        handle: "down",
        name: "Down",
        prefectApiUrl: await unusedApiUrl(),
      },
    ],
    apiKeys: [
      { key: PROD_KEY, workspaceIds: [PROD] },
      { key: ALL_KEY, workspaceIds: [PROD, STAGING, RESEARCH, DOWN] },
    ],
    oauthClients: [
      { ...CONFIDENTIAL, workspaceIds: [PROD, STAGING] },
      { clientId: PUBLIC_CLIENT, workspaceIds: [PROD], redirectUris: [CALLBACK] },
    ],
    autoConsentWorkspaceIds: [RESEARCH],
    signing,
    rateLimits: {
      [ACME.id]: {
        baseline: { runs: 10, flows: 2 },
        throttled: [{ minute: "2025-03-01T12:02:45Z", key: "runs", requested: 120, granted: 100 }],
      },
    },
  };
}

beforeAll(async () => {
  upstream = await startRecordingServer();
  sim = await startCloudSimulator(await options({ kind: "shared-key", key: SHARED_KEY }));
});
afterAll(async () => {
  await sim?.close();
  await upstream?.close();
});

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

async function requestToken(
  simulator: CloudSimulator,
  params: Record<string, string>,
  authorization?: string,
) {
  const response = await fetch(`${simulator.url}/auth/mcp/oauth/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: new URLSearchParams(params),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read token and error fields alike.
  return { response, body: (await response.json()) as Record<string, any> };
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** The authorization request a browser would make; the simulator consents at once. */
async function authorize(params: Record<string, string>) {
  const response = await fetch(
    `${sim.url}/auth/mcp/oauth/authorize?${new URLSearchParams(params)}`,
    { redirect: "manual" },
  );
  const location = response.headers.get("location");
  return { response, location: location ? new URL(location) : undefined };
}

async function codeFor(challenge: string, extra: Record<string, string> = {}) {
  const { location } = await authorize({
    response_type: "code",
    client_id: PUBLIC_CLIENT,
    redirect_uri: CALLBACK,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "xyz",
    ...extra,
  });
  return location?.searchParams.get("code") ?? "";
}

async function api(path: string, credential?: string, init: RequestInit = {}) {
  const response = await fetch(path.startsWith("http") ? path : `${sim.apiUrl}${path}`, {
    ...init,
    headers: {
      ...(credential ? { Authorization: `Bearer ${credential}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { response, status: response.status, body };
}

describe("OAuth authorization server (shared-key signing)", () => {
  it("publishes RFC 8414 metadata at the root, path-inserted and OpenID locations", async () => {
    for (const path of [
      "/.well-known/oauth-authorization-server",
      "/.well-known/oauth-authorization-server/auth/mcp",
      "/.well-known/openid-configuration",
    ]) {
      const response = await fetch(`${sim.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        issuer: sim.url,
        authorization_endpoint: `${sim.url}/auth/mcp/oauth/authorize`,
        token_endpoint: `${sim.url}/auth/mcp/oauth/token`,
        registration_endpoint: `${sim.url}/auth/mcp/oauth/register`,
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "client_credentials"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: [
          "client_secret_basic",
          "client_secret_post",
          "none",
        ],
        scopes_supported: [SCOPE],
      });
    }
  });

  it("has no JWKS in shared-key mode", async () => {
    expect(sim.jwksUrl).toBeUndefined();
    expect((await fetch(`${sim.url}/auth/mcp/oauth/jwks.json`)).status).toBe(404);
  });

  it("issues an HS256 client_credentials token to a client authenticating with HTTP Basic", async () => {
    const before = sim.requests.length;
    const { response, body } = await requestToken(
      sim,
      { grant_type: "client_credentials", scope: SCOPE },
      basic(CONFIDENTIAL.clientId, CONFIDENTIAL.clientSecret),
    );

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 3600,
      scope: SCOPE,
    });
    const { payload, protectedHeader } = await jwtVerify(
      body.access_token,
      new TextEncoder().encode(SHARED_KEY),
      { issuer: "AuthServerID", audience: "AuthServerID" },
    );
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({
      sub: CONFIDENTIAL.clientId,
      client_id: CONFIDENTIAL.clientId,
      scope: SCOPE,
      mcp_grant_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      jti: expect.any(String),
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    expect(payload.nbf).toBe(payload.iat);
    expect(sim.issuer).toBe("AuthServerID");
    expect(sim.requests.slice(before)).toEqual([
      { method: "POST", path: "/auth/mcp/oauth/token", auth: "basic", status: 200 },
    ]);
  });

  it("accepts client_secret_post and a missing scope", async () => {
    const { response } = await requestToken(sim, {
      grant_type: "client_credentials",
      client_id: CONFIDENTIAL.clientId,
      client_secret: CONFIDENTIAL.clientSecret,
    });
    expect(response.status).toBe(200);
  });

  it("refuses a wrong client secret with 401 invalid_client and a Basic challenge", async () => {
    const { response, body } = await requestToken(
      sim,
      { grant_type: "client_credentials" },
      basic(CONFIDENTIAL.clientId, "wrong"),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Basic");
    expect(body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
    expect(sim.requests.at(-1)).toMatchObject({ auth: "invalid", status: 401 });
  });

  it("refuses a scope other than prefect-cloud:workspaces with invalid_scope", async () => {
    const { response, body } = await requestToken(
      sim,
      { grant_type: "client_credentials", scope: `${SCOPE} admin` },
      basic(CONFIDENTIAL.clientId, CONFIDENTIAL.clientSecret),
    );
    expect(response.status).toBe(400);
    expect(body.error).toBe("invalid_scope");
  });

  it("keeps client_credentials from public clients and refuses unknown grant types", async () => {
    const publicClient = await requestToken(sim, {
      grant_type: "client_credentials",
      client_id: PUBLIC_CLIENT,
    });
    expect([publicClient.response.status, publicClient.body.error]).toEqual([
      400,
      "unauthorized_client",
    ]);
    const refresh = await requestToken(
      sim,
      { grant_type: "refresh_token", refresh_token: "x" },
      basic(CONFIDENTIAL.clientId, CONFIDENTIAL.clientSecret),
    );
    expect([refresh.response.status, refresh.body.error]).toEqual([400, "unsupported_grant_type"]);
  });

  it("runs the authorization-code flow with PKCE for a public client, once per code", async () => {
    const { verifier, challenge } = pkce();
    const { response, location } = await authorize({
      response_type: "code",
      client_id: PUBLIC_CLIENT,
      redirect_uri: CALLBACK,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "state-123",
      scope: SCOPE,
    });
    expect(response.status).toBe(302);
    expect(`${location?.origin}${location?.pathname}`).toBe(CALLBACK);
    expect(location?.searchParams.get("state")).toBe("state-123");
    const code = location?.searchParams.get("code") ?? "";

    const exchange = {
      grant_type: "authorization_code",
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      client_id: PUBLIC_CLIENT,
    };
    const first = await requestToken(sim, exchange);
    expect(first.response.status).toBe(200);
    expect(decodeJwt(first.body.access_token)).toMatchObject({ client_id: PUBLIC_CLIENT });

    const again = await requestToken(sim, exchange);
    expect([again.response.status, again.body.error]).toEqual([400, "invalid_grant"]);
  });

  it("refuses a code_verifier that does not match the challenge", async () => {
    const { challenge } = pkce();
    const code = await codeFor(challenge);
    const { response, body } = await requestToken(sim, {
      grant_type: "authorization_code",
      code,
      redirect_uri: CALLBACK,
      code_verifier: pkce().verifier,
      client_id: PUBLIC_CLIENT,
    });
    expect([response.status, body.error]).toEqual([400, "invalid_grant"]);
  });

  it("refuses a redirect_uri at the token endpoint that differs from the authorization request", async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const { body } = await requestToken(sim, {
      grant_type: "authorization_code",
      code,
      redirect_uri: "http://127.0.0.1:8976/other",
      code_verifier: verifier,
      client_id: PUBLIC_CLIENT,
    });
    expect(body.error).toBe("invalid_grant");
  });

  it("answers an unregistered redirect_uri or unknown client with 400 JSON, never a redirect", async () => {
    const { challenge } = pkce();
    for (const params of [
      { client_id: PUBLIC_CLIENT, redirect_uri: "https://attacker.example.test/cb" },
      { client_id: "nobody", redirect_uri: CALLBACK },
    ]) {
      const { response, location } = await authorize({
        response_type: "code",
        code_challenge: challenge,
        code_challenge_method: "S256",
        ...params,
      });
      expect(response.status).toBe(400);
      expect(location).toBeUndefined();
      expect(await response.json()).toMatchObject({ error: expect.any(String) });
    }
  });

  it("sends a request without S256 PKCE back to the client with an error", async () => {
    const { response, location } = await authorize({
      response_type: "code",
      client_id: PUBLIC_CLIENT,
      redirect_uri: CALLBACK,
      code_challenge: "plain-challenge",
      code_challenge_method: "plain",
      state: "s",
    });
    expect(response.status).toBe(302);
    expect(Object.fromEntries(location?.searchParams ?? [])).toMatchObject({
      error: "invalid_request",
      state: "s",
    });
    expect(location?.searchParams.has("code")).toBe(false);
  });

  it("lets the MCP SDK discover, register a client dynamically and complete the code flow", async () => {
    const metadata = await discoverAuthorizationServerMetadata(sim.url);
    const client = await registerClient(sim.url, {
      metadata,
      clientMetadata: {
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        client_name: "SDK test client",
      },
    });
    expect(client).toMatchObject({
      client_id: expect.any(String),
      client_id_issued_at: expect.any(Number),
      redirect_uris: [CALLBACK],
      client_name: "SDK test client",
    });
    expect(client.client_secret).toBeUndefined();

    const { authorizationUrl, codeVerifier } = await startAuthorization(sim.url, {
      metadata,
      clientInformation: client,
      redirectUrl: CALLBACK,
      scope: SCOPE,
    });
    const consent = await fetch(authorizationUrl, { redirect: "manual" });
    const code = new URL(consent.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const tokens = await exchangeAuthorization(sim.url, {
      metadata,
      clientInformation: client,
      authorizationCode: code,
      codeVerifier,
      redirectUri: CALLBACK,
    });

    // A dynamically registered client gets the auto-consented workspaces.
    const granted = await api(`${sim.url}/auth/mcp/oauth/grant/workspaces`, tokens.access_token);
    expect(granted.body.map((w: { workspace_id: string }) => w.workspace_id)).toEqual([RESEARCH]);
  });

  it("registers a confidential client with a secret it can use for client_credentials", async () => {
    const response = await fetch(`${sim.url}/auth/mcp/oauth/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        grant_types: ["client_credentials"],
        token_endpoint_auth_method: "client_secret_basic",
      }),
    });
    expect(response.status).toBe(201);
    const client = (await response.json()) as { client_id: string; client_secret: string };
    const { response: tokenResponse } = await requestToken(
      sim,
      { grant_type: "client_credentials" },
      basic(client.client_id, client.client_secret),
    );
    expect(tokenResponse.status).toBe(200);
  });

  it("refuses to register a redirect URI with a fragment", async () => {
    const response = await fetch(`${sim.url}/auth/mcp/oauth/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ redirect_uris: ["http://127.0.0.1/cb#frag"] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_redirect_uri" });
  });

  it("lists a token's granted workspaces, and refuses a missing or expired token", async () => {
    const { body } = await requestToken(
      sim,
      { grant_type: "client_credentials" },
      basic(CONFIDENTIAL.clientId, CONFIDENTIAL.clientSecret),
    );
    const granted = await api(`${sim.url}/auth/mcp/oauth/grant/workspaces`, body.access_token);
    expect(granted.body).toEqual([
      {
        account_id: ACME.id,
        account_handle: "acme",
        account_name: "Acme Corp",
        workspace_id: PROD,
        workspace_handle: "prod",
        workspace_name: "Production",
      },
      {
        account_id: ACME.id,
        account_handle: "acme",
        account_name: "Acme Corp",
        workspace_id: STAGING,
        workspace_handle: "staging",
        workspace_name: "Staging",
      },
    ]);

    const expired = await sim.mintAccessToken({ workspaceIds: [PROD], expiresInSeconds: -60 });
    for (const credential of [undefined, expired]) {
      const refused = await api(`${sim.url}/auth/mcp/oauth/grant/workspaces`, credential);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ detail: expect.any(String) });
    }
  });
});

describe("Cloud API", () => {
  it("answers /api/me/ and /api/me/workspaces for an API key", async () => {
    const me = await api("/me/", ALL_KEY);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: expect.any(String), email: expect.stringContaining("@") });

    const workspaces = await api("/me/workspaces", PROD_KEY);
    expect(workspaces.body).toEqual([
      {
        account_id: ACME.id,
        account_name: "Acme Corp",
        account_handle: "acme",
        workspace_id: PROD,
        workspace_name: "Production",
        workspace_handle: "prod",
        workspace_description: "",
      },
    ]);
    expect(sim.requests.at(-1)).toEqual({
      method: "GET",
      path: "/api/me/workspaces",
      auth: "api-key",
      status: 200,
    });
  });

  it("refuses a missing or unknown credential with 401", async () => {
    for (const credential of [undefined, "pnu_not_a_key"]) {
      const { status, body } = await api("/me/", credential);
      expect(status).toBe(401);
      expect(body).toEqual({ detail: "Invalid authentication credentials" });
    }
    expect(sim.requests.slice(-2).map((r) => r.auth)).toEqual(["none", "invalid"]);
  });

  it("refuses tokens that are expired, not yet valid or from another issuer", async () => {
    for (const overrides of [
      { expiresInSeconds: -1 },
      { notBeforeSeconds: 600 },
      { issuer: "SomeoneElse" },
    ]) {
      const token = await sim.mintAccessToken({ workspaceIds: [PROD], ...overrides });
      expect((await api("/me/", token)).status).toBe(401);
    }
  });

  it("serves an account to a caller with a workspace in it, 403 otherwise, 404 when unknown", async () => {
    expect(await api(`/accounts/${ACME.id}`, PROD_KEY)).toMatchObject({ status: 200, body: ACME });
    expect((await api(`/accounts/${GLOBEX.id}`, PROD_KEY)).status).toBe(403);
    expect((await api(`/accounts/${randomUUID()}`, PROD_KEY)).status).toBe(404);
  });

  it("serves a workspace within the caller's access, 403 outside it, 404 when unknown", async () => {
    const token = await sim.mintAccessToken({ workspaceIds: [STAGING] });
    expect(await api(`/accounts/${ACME.id}/workspaces/${STAGING}`, token)).toMatchObject({
      status: 200,
      body: {
        id: STAGING,
        account_id: ACME.id,
        name: "Staging",
        handle: "staging",
        description: "pre-release",
      },
    });
    expect(sim.requests.at(-1)?.auth).toBe("oauth");
    expect((await api(`/accounts/${ACME.id}/workspaces/${PROD}`, token)).status).toBe(403);
    // A real workspace under the wrong account is as unknown as a made-up one.
    expect((await api(`/accounts/${GLOBEX.id}/workspaces/${STAGING}`, token)).status).toBe(404);
  });

  it("forwards workspace calls to the real Prefect server and returns its data", async () => {
    const flow = await createFlow(seed);
    const token = await sim.mintAccessToken({ workspaceIds: [PROD] });

    const found = await api(`${sim.workspaceApiUrl(PROD)}/flows/filter`, token, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ flows: { name: { any_: [flow.name] } } }),
    });
    expect(found.status).toBe(200);
    expect(found.body).toEqual([expect.objectContaining({ id: flow.id, name: flow.name })]);

    // Prefect's redirects point at the workspace URL, not at the server behind it.
    const redirect = await fetch(`${sim.workspaceApiUrl(PROD)}/flows/filter/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      redirect: "manual",
    });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get("location")).toBe(`${sim.workspaceApiUrl(PROD)}/flows/filter`);

    // Prefect's own refusals come back unchanged.
    const missing = await api(`${sim.workspaceApiUrl(PROD)}/flows/${randomUUID()}`, token);
    expect(missing).toMatchObject({ status: 404, body: { detail: "Flow not found" } });
  });

  it("passes on method, path, query, body and Content-Type, but not the caller's Authorization", async () => {
    const token = await sim.mintAccessToken({ workspaceIds: [STAGING] });
    const before = upstream.received.length;
    const { response, body } = await api(
      `${sim.workspaceApiUrl(STAGING)}/flow_runs/filter?limit=3&q=a%20b`,
      token,
      { method: "PATCH", headers: { "Content-Type": "application/json" }, body: '{"x":1}' },
    );

    expect(upstream.received.slice(before)).toEqual([
      expect.objectContaining({
        method: "PATCH",
        url: "/api/flow_runs/filter?limit=3&q=a%20b",
        body: '{"x":1}',
      }),
    ]);
    const headers = upstream.received.at(-1)?.headers;
    expect(headers?.["content-type"]).toBe("application/json");
    expect(headers?.authorization).toBeUndefined();
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/vnd.recorded+json");
    expect(body).toEqual({ recorded: true });
  });

  it("refuses a workspace outside the token's grant with 403 and forwards nothing", async () => {
    const token = await sim.mintAccessToken({ workspaceIds: [PROD] });
    const before = upstream.received.length;
    const { status, body } = await api(`${sim.workspaceApiUrl(STAGING)}/flows/filter`, token, {
      method: "POST",
      body: "{}",
    });
    expect(status).toBe(403);
    expect(body).toEqual({ detail: expect.any(String) });
    expect(upstream.received.length).toBe(before);
    expect(sim.requests.at(-1)).toEqual({
      method: "POST",
      path: `/api/accounts/${ACME.id}/workspaces/${STAGING}/flows/filter`,
      auth: "oauth",
      status: 403,
    });
  });

  it("answers 404 for an unknown workspace and 502 when its Prefect server is unreachable", async () => {
    expect(
      (await api(`/accounts/${ACME.id}/workspaces/${randomUUID()}/flows/filter`, ALL_KEY)).status,
    ).toBe(404);
    const down = await api(`${sim.workspaceApiUrl(DOWN)}/flows/filter`, ALL_KEY, {
      method: "POST",
    });
    expect(down).toMatchObject({ status: 502, body: { detail: expect.any(String) } });
  });

  it("answers 404 Not found for anything else", async () => {
    expect(await api("/nowhere", ALL_KEY)).toMatchObject({
      status: 404,
      body: { detail: "Not found" },
    });
    expect((await fetch(`${sim.url}/nowhere`)).status).toBe(404);
  });
});

describe("rate-limit usage", () => {
  const usage = (accountId: string, query: string) =>
    api(`/accounts/${accountId}/rate-limits/usage?${query}`, ALL_KEY);
  const minutes = (...times: string[]) => times.map((t) => `2025-03-01T${t}:00.000Z`);

  it("reports every known key at its baseline, one value per minute of the window", async () => {
    const { status, body } = await usage(
      ACME.id,
      "since=2025-03-01T13:00:30Z&until=2025-03-01T13:03:00Z",
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ account: ACME.id, minutes: minutes("13:00", "13:01", "13:02") });
    expect(Object.keys(body.keys)).toEqual(RATE_LIMIT_KEYS);
    expect(body.keys.runs).toEqual({ requested: [10, 10, 10], granted: [10, 10, 10] });
    expect(body.keys.variables).toEqual({ requested: [0, 0, 0], granted: [0, 0, 0] });
  });

  it("shows a throttled minute for the keys asked for", async () => {
    const { body } = await usage(
      ACME.id,
      "since=2025-03-01T12:00:00Z&until=2025-03-01T12:04:30Z&keys=runs&keys=flows",
    );
    expect(body.minutes).toEqual(minutes("12:00", "12:01", "12:02", "12:03", "12:04"));
    expect(body.keys).toEqual({
      runs: { requested: [10, 10, 120, 10, 10], granted: [10, 10, 100, 10, 10] },
      flows: { requested: [2, 2, 2, 2, 2], granted: [2, 2, 2, 2, 2] },
    });
  });

  it("refuses windows longer than 7 days, reversed or unparsable, and accounts out of reach", async () => {
    for (const query of [
      "since=2025-03-01T00:00:00Z&until=2025-03-08T00:01:00Z",
      "since=2025-03-01T12:00:00Z&until=2025-03-01T12:00:00Z",
      "since=yesterday&until=2025-03-01T12:00:00Z",
    ]) {
      const { status, body } = await usage(ACME.id, query);
      expect([status, typeof body.detail]).toEqual([400, "string"]);
    }
    expect(
      (await usage(ACME.id, "since=2025-03-01T00:00:00Z&until=2025-03-08T00:00:00Z")).status,
    ).toBe(200);
    const outside = await api(
      `/accounts/${GLOBEX.id}/rate-limits/usage?since=2025-03-01T00:00:00Z&until=2025-03-01T00:01:00Z`,
      PROD_KEY,
    );
    expect(outside.status).toBe(403);
  });
});

describe("jwks signing", () => {
  const RESOURCE = "http://127.0.0.1:9999/mcp";
  let jwksSim: CloudSimulator;
  beforeAll(async () => {
    jwksSim = await startCloudSimulator(
      await options({ kind: "jwks", audience: "prefect-mcp-default" }),
    );
  });
  afterAll(() => jwksSim?.close());

  it("signs RS256 tokens for the requested resource that verify against the served JWKS", async () => {
    expect(jwksSim.jwksUrl).toBe(`${jwksSim.url}/auth/mcp/oauth/jwks.json`);
    const metadata = await (
      await fetch(`${jwksSim.url}/.well-known/oauth-authorization-server`)
    ).json();
    expect(metadata).toMatchObject({ issuer: jwksSim.url, jwks_uri: jwksSim.jwksUrl });

    const { body } = await requestToken(
      jwksSim,
      { grant_type: "client_credentials", resource: RESOURCE },
      basic(CONFIDENTIAL.clientId, CONFIDENTIAL.clientSecret),
    );
    const jwks = createRemoteJWKSet(new URL(jwksSim.jwksUrl ?? ""));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, {
      issuer: jwksSim.url,
      audience: RESOURCE,
    });
    expect(protectedHeader).toMatchObject({ alg: "RS256", kid: expect.any(String) });
    expect(payload).toMatchObject({ scope: SCOPE, mcp_grant_id: expect.any(String) });
    expect(jwksSim.issuer).toBe(jwksSim.url);
  });

  it("binds an authorization code's token to the resource named when authorizing", async () => {
    const { verifier, challenge } = pkce();
    const consent = await fetch(
      `${jwksSim.url}/auth/mcp/oauth/authorize?${new URLSearchParams({
        response_type: "code",
        client_id: PUBLIC_CLIENT,
        redirect_uri: CALLBACK,
        code_challenge: challenge,
        code_challenge_method: "S256",
        resource: RESOURCE,
      })}`,
      { redirect: "manual" },
    );
    const code = new URL(consent.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const { body } = await requestToken(jwksSim, {
      grant_type: "authorization_code",
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      client_id: PUBLIC_CLIENT,
    });
    expect(decodeJwt(body.access_token).aud).toBe(RESOURCE);
  });

  it("uses the configured audience when no resource is named, and its tokens open the API", async () => {
    const token = await jwksSim.mintAccessToken({ workspaceIds: [PROD] });
    expect(decodeJwt(token)).toMatchObject({ aud: "prefect-mcp-default", iss: jwksSim.url });
    expect(decodeProtectedHeader(token).kid).toBeDefined();
    const me = await fetch(`${jwksSim.apiUrl}/me/workspaces`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(((await me.json()) as unknown[]).length).toBe(1);

    // A token from the other simulator, signed with another key, is not accepted here.
    const foreign = await sim.mintAccessToken({ workspaceIds: [PROD], issuer: jwksSim.url });
    const refused = await fetch(`${jwksSim.apiUrl}/me/`, {
      headers: { Authorization: `Bearer ${foreign}` },
    });
    expect(refused.status).toBe(401);
  });
});

it("frees its port on close()", async () => {
  const temporary = await startCloudSimulator({
    accounts: [],
    workspaces: [],
    signing: { kind: "shared-key", key: SHARED_KEY },
  });
  // An open keep-alive connection must not hold the port.
  expect((await fetch(`${temporary.url}/.well-known/oauth-authorization-server`)).status).toBe(200);
  await temporary.close();

  const port = Number(new URL(temporary.url).port);
  const listener = createServer();
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(port, "127.0.0.1", resolve);
  });
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});
