import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import {
  type CloudSimulator,
  createFlow,
  createSeedClient,
  startCloudSimulator,
  toolCaller,
  uniqueName,
} from "@prefect-mcp/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type CloudOAuthServerHandle, parseCloudSettings, serveCloudOAuth } from "../src/index.js";
import { initialize, SCOPE } from "./cloud-fixture.js";

const sharedApiUrl = inject("prefectApiUrl");
const CALLBACK = "http://127.0.0.1:1/oauth/callback";

/**
 * What an interactive MCP client (Claude Code, Cursor) keeps between steps of the OAuth flow, in
 * memory. Opening the browser is replaced by remembering the authorization URL.
 */
class InteractiveClient implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  private client: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = "";

  get redirectUrl() {
    return CALLBACK;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "interactive test client",
      redirect_uris: [CALLBACK],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe("the authorization-code flow with PKCE, tokens verified against the JWKS", () => {
  let sim: CloudSimulator;
  let server: CloudOAuthServerHandle;
  const accountId = crypto.randomUUID();
  const workspaceId = crypto.randomUUID();
  const flowName = uniqueName("consented-flow");

  beforeAll(async () => {
    await createFlow(createSeedClient({ apiUrl: sharedApiUrl }), { name: flowName });
    sim = await startCloudSimulator({
      accounts: [{ id: accountId, handle: "acme", name: "Acme" }],
      workspaces: [
        {
          accountId,
          id: workspaceId,
          handle: "production",
          name: "Production",
          prefectApiUrl: sharedApiUrl,
        },
      ],
      autoConsentWorkspaceIds: [workspaceId],
      signing: { kind: "jwks" },
    });
    server = await serveCloudOAuth({
      port: 0,
      docs: false,
      log: () => {},
      settings: parseCloudSettings({
        PREFECT_MCP_CLOUD_AUTH_JWKS_URI: sim.jwksUrl,
        PREFECT_MCP_CLOUD_API_BASE_URL: sim.apiUrl,
        PREFECT_MCP_CLOUD_AUTH_BASE_URL: sim.url,
      }),
    });
  });

  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  it("lets an SDK client discover, register, consent and then read the consented workspace", async () => {
    const provider = new InteractiveClient();
    const mcpUrl = new URL(server.resourceUrl);

    // First contact: 401 → metadata discovery → dynamic registration → "open the browser".
    const first = new Client({ name: "interactive", version: "1.0.0" });
    await expect(
      first.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider })),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizationUrl?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(provider.authorizationUrl?.searchParams.get("resource")).toBe(server.resourceUrl);

    // The user consents; the authorization server redirects back with a code.
    const consent = await fetch(provider.authorizationUrl as URL, { redirect: "manual" });
    const code = new URL(consent.headers.get("location") ?? "").searchParams.get("code");
    expect(code).toBeTruthy();
    const finishing = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await finishing.finishAuth(code as string);

    // The token is for this server (RFC 8707 resource → aud) and carries the workspaces scope.
    const accessToken = provider.tokens()?.access_token ?? "";
    expect(decodeJwt(accessToken)).toMatchObject({ aud: server.resourceUrl, scope: SCOPE });

    const client = new Client({ name: "interactive", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    try {
      const call = toolCaller(client);
      const flows = await call("get_flows", {});
      expect(flows.isError, flows.text).toBeFalsy();
      expect(flows.text).toContain(flowName);
      const granted = await call("list_authorized_workspaces", {});
      expect(granted.data).toMatchObject({
        workspaces: [{ workspace_id: workspaceId, workspace_name: "Production" }],
      });
    } finally {
      await client.close();
    }
  });

  it("refuses a JWKS-signed token minted for another resource", async () => {
    const token = await sim.mintAccessToken({
      workspaceIds: [workspaceId],
      audience: "https://elsewhere.example/mcp",
    });
    const answer = await initialize(server.resourceUrl, `Bearer ${token}`);
    expect(answer.status).toBe(401);
    expect(answer.body.error_description).toContain(
      `audience "https://elsewhere.example/mcp", not this server ("${server.resourceUrl}")`,
    );
  });
});
