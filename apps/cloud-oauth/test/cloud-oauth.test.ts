import { runProcess, type ServerProcess } from "@prefect-mcp/testing";
import { decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  BIN,
  cloudEnv,
  connectWithToken,
  initialize,
  isolatedEnv,
  SCOPE,
  startCloud,
  startCloudProcess,
  TOKEN_BIN,
} from "./cloud-fixture.js";

const sharedApiUrl = inject("prefectApiUrl");

const BOTH = { clientId: "svc-both", clientSecret: "svc-both-secret-9f8e7d" };
const PROD_ONLY = { clientId: "svc-prod", clientSecret: "svc-prod-secret-1a2b" };
const MINUTE = 60_000;

describe("prefect-mcp-cloud against the Cloud simulator and real Prefect servers", () => {
  let cloud: Awaited<ReturnType<typeof startCloud>>;
  let server: ServerProcess;
  let mcpUrl: string;
  const throttledAt = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 120 * MINUTE);
  const minute = (offset: number) =>
    new Date(throttledAt.getTime() + offset * MINUTE).toISOString();
  const tokensUsed: string[] = [];

  /** A token for these workspaces, signed as Cloud would, remembered for the log check. */
  const token = async (workspaceIds: string[], overrides: Record<string, unknown> = {}) => {
    const minted = await cloud.sim.mintAccessToken({ workspaceIds, ...overrides });
    tokensUsed.push(minted);
    return minted;
  };
  const grantLookups = () =>
    cloud.sim.requests.filter((request) => request.path === "/auth/mcp/oauth/grant/workspaces")
      .length;
  const workspaceCalls = (workspaceId: string) =>
    cloud.sim.requests.filter((request) => request.path.includes(`/workspaces/${workspaceId}/`))
      .length;

  beforeAll(async () => {
    cloud = await startCloud(sharedApiUrl, ({ accountId, prod, staging }) => ({
      oauthClients: [
        { ...BOTH, workspaceIds: [prod.id, staging.id] },
        { ...PROD_ONLY, workspaceIds: [prod.id] },
      ],
      rateLimits: {
        [accountId]: {
          baseline: { runs: 40, "writing-logs": 10 },
          // Two throttling periods: three minutes of `runs`, then one of `writing-logs` later.
          throttled: [
            { minute: minute(0), key: "runs", requested: 300, granted: 250 },
            { minute: minute(1), key: "runs", requested: 400, granted: 250 },
            { minute: minute(2), key: "runs", requested: 260, granted: 250 },
            { minute: minute(30), key: "writing-logs", requested: 90, granted: 60 },
          ],
        },
      },
    }));
    server = await startCloudProcess(cloudEnv(cloud.sim));
    mcpUrl = `${server.url}/mcp`;
  });

  afterAll(async () => {
    await server?.stop();
    await cloud?.stop();
  });

  it("takes a token from prefect-mcp-cloud-token and reads that workspace's real data", async () => {
    const exchange = await runProcess(process.execPath, [TOKEN_BIN], {
      env: isolatedEnv({
        PREFECT_MCP_CLOUD_CLIENT_ID: PROD_ONLY.clientId,
        PREFECT_MCP_CLOUD_CLIENT_SECRET: PROD_ONLY.clientSecret,
        PREFECT_MCP_CLOUD_AUTH_BASE_URL: cloud.sim.url,
      }),
      timeoutMs: 30_000,
    });
    expect(exchange.code, exchange.stderr).toBe(0);
    const accessToken = exchange.stdout.trim();
    tokensUsed.push(accessToken);
    expect(decodeJwt(accessToken)).toMatchObject({
      scope: SCOPE,
      mcp_grant_id: expect.any(String),
    });

    const mcp = await connectWithToken(mcpUrl, accessToken);
    try {
      // One consented workspace: no workspace_id needed.
      const flows = await mcp.call("get_flows", {});
      expect(flows.isError, flows.text).toBeFalsy();
      expect(flows.text).toContain(cloud.prod.flowName);
      expect(flows.text).not.toContain(cloud.staging.flowName);
    } finally {
      await mcp.close();
    }
  });

  it("lists workspace_id on every Prefect-reading tool and offers list_authorized_workspaces", async () => {
    const mcp = await connectWithToken(mcpUrl, await token([cloud.prod.id]));
    try {
      const { tools } = await mcp.client.listTools();
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      expect(byName.get("get_flows")?.inputSchema.properties).toHaveProperty("workspace_id");
      expect(byName.get("get_dashboard")?.inputSchema.properties).toHaveProperty("workspace_id");
      expect(byName.get("get_object_schema")?.inputSchema.properties).not.toHaveProperty(
        "workspace_id",
      );
      expect(byName.has("list_authorized_workspaces")).toBe(true);
      // The MCP Apps views come with the server, whatever the app.
      expect(byName.get("diagnose_flow_run")?._meta?.ui).toEqual({
        resourceUri: "ui://prefect/flow-run",
      });
      const { contents } = await mcp.client.readResource({ uri: "ui://prefect/flow-run" });
      expect((contents[0] as { text: string }).text).toMatch(/^<!doctype html>/i);
    } finally {
      await mcp.close();
    }
  });

  describe("refuses a request without a usable token, before any Prefect call", () => {
    const metadataUrl = () => `${server.url}/.well-known/oauth-protected-resource/mcp`;

    it("answers no token with 401 and a challenge pointing at the metadata", async () => {
      const before = cloud.sim.requests.length;
      const answer = await initialize(mcpUrl);
      expect(answer.status).toBe(401);
      expect(answer.challenge).toBe(`Bearer resource_metadata="${metadataUrl()}"`);
      expect(answer.body.error).toBe("invalid_token");
      expect(cloud.sim.requests.length).toBe(before);
    });

    const cases: {
      name: string;
      authorization: () => Promise<string>;
      status: number;
      code: string;
      says: RegExp;
    }[] = [
      {
        name: "a non-Bearer scheme",
        authorization: async () => "Basic dXNlcjpwYXNz",
        status: 401,
        code: "invalid_token",
        says: /Authorization: Bearer <token>/,
      },
      {
        name: "a token that is not a JWT",
        authorization: async () => "Bearer not-a-jwt",
        status: 401,
        code: "invalid_token",
        says: /not a valid signed JWT/,
      },
      {
        name: "an expired token",
        authorization: async () =>
          `Bearer ${await token([cloud.prod.id], { expiresInSeconds: -120, issuedAtSeconds: -3600 })}`,
        status: 401,
        code: "invalid_token",
        says: /expired at .*prefect-mcp-cloud-token/,
      },
      {
        name: "a token not valid yet",
        authorization: async () =>
          `Bearer ${await token([cloud.prod.id], { notBeforeSeconds: 600 })}`,
        status: 401,
        code: "invalid_token",
        says: /not valid yet/,
      },
      {
        name: "a token signed with another key",
        authorization: async () => {
          const forged = await new SignJWT({ scope: SCOPE, mcp_grant_id: crypto.randomUUID() })
            .setProtectedHeader({ alg: "HS256" })
            .setIssuer("AuthServerID")
            .setAudience("AuthServerID")
            .setIssuedAt()
            .setExpirationTime("10m")
            .sign(new TextEncoder().encode("some-other-key-of-32-characters!!!"));
          return `Bearer ${forged}`;
        },
        status: 401,
        code: "invalid_token",
        says: /signature does not verify/,
      },
      {
        name: "a token from another issuer",
        authorization: async () =>
          `Bearer ${await token([cloud.prod.id], { issuer: "https://issuer.invalid" })}`,
        status: 401,
        code: "invalid_token",
        says: /issued by "https:\/\/issuer.invalid", not by "AuthServerID"/,
      },
      {
        name: "a token for another audience",
        authorization: async () =>
          `Bearer ${await token([cloud.prod.id], { audience: "another-resource" })}`,
        status: 401,
        code: "invalid_token",
        says: /audience "another-resource", not this server/,
      },
      {
        name: "a token without the workspaces scope",
        authorization: async () => `Bearer ${await token([cloud.prod.id], { scope: "openid" })}`,
        status: 403,
        code: "insufficient_scope",
        says: /lacks the prefect-cloud:workspaces scope \(it has openid\)/,
      },
    ];
    for (const refusal of cases) {
      it(`answers ${refusal.name} with ${refusal.status} ${refusal.code}`, async () => {
        const authorization = await refusal.authorization();
        const before = cloud.sim.requests.length;
        const answer = await initialize(mcpUrl, authorization);
        expect(answer.status).toBe(refusal.status);
        expect(answer.body.error).toBe(refusal.code);
        expect(answer.body.error_description).toMatch(refusal.says);
        expect(answer.challenge).toContain(`error="${refusal.code}"`);
        expect(answer.challenge).toContain(`resource_metadata="${metadataUrl()}"`);
        if (refusal.code === "insufficient_scope") {
          expect(answer.challenge).toContain(`scope="${SCOPE}"`);
        }
        // Refused on the token alone: not even the grant was looked up.
        expect(cloud.sim.requests.length).toBe(before);
      });
    }
  });

  it("refuses a workspace outside the grant without calling it", async () => {
    const mcp = await connectWithToken(mcpUrl, await token([cloud.prod.id]));
    try {
      const before = workspaceCalls(cloud.staging.id);
      const answer = await mcp.call("get_flows", { workspace_id: cloud.staging.id });
      expect(answer.isError).toBe(true);
      expect(answer.text).toContain(
        `workspace_id "${cloud.staging.id}" is not a workspace you authorized`,
      );
      expect(answer.text).toContain(cloud.prod.id);
      expect(workspaceCalls(cloud.staging.id)).toBe(before);
    } finally {
      await mcp.close();
    }
  });

  describe("a grant with two workspaces", () => {
    let mcp: Awaited<ReturnType<typeof connectWithToken>>;
    beforeAll(async () => {
      mcp = await connectWithToken(mcpUrl, await token([cloud.prod.id, cloud.staging.id]));
    });
    afterAll(async () => {
      await mcp?.close();
    });

    it("requires workspace_id and lists the choices by name and id", async () => {
      const answer = await mcp.call("get_flows", {});
      expect(answer.isError).toBe(true);
      expect(answer.text).toContain("workspace_id is required");
      for (const workspace of [cloud.prod, cloud.staging]) {
        expect(answer.text).toContain(workspace.handle);
        expect(answer.text).toContain(workspace.id);
      }
    });

    it("reads each workspace's own data only (by id or by handle)", async () => {
      const prod = await mcp.call("get_flows", { workspace_id: cloud.prod.id });
      expect(prod.isError, prod.text).toBeFalsy();
      expect(prod.text).toContain(cloud.prod.flowName);
      expect(prod.text).not.toContain(cloud.staging.flowName);

      const staging = await mcp.call("get_flows", { workspace_id: cloud.staging.handle });
      expect(staging.isError, staging.text).toBeFalsy();
      expect(staging.text).toContain(cloud.staging.flowName);
      expect(staging.text).not.toContain(cloud.prod.flowName);
    });

    it("lists the authorized workspaces", async () => {
      const answer = await mcp.call("list_authorized_workspaces", {});
      expect(answer.isError, answer.text).toBeFalsy();
      const listed = (
        answer.data as { workspaces: { workspace_id: string; workspace_name: string }[] }
      ).workspaces;
      expect(
        listed.map((workspace) => [workspace.workspace_id, workspace.workspace_name]).sort(),
      ).toEqual(
        [
          [cloud.prod.id, cloud.prod.name],
          [cloud.staging.id, cloud.staging.name],
        ].sort(),
      );
    });

    it("answers get_identity with the Cloud user, account plan and limits, and workspace", async () => {
      const answer = await mcp.call("get_identity", { workspace_id: cloud.staging.id });
      expect(answer.isError, answer.text).toBeFalsy();
      expect(answer.data).toMatchObject({
        server_type: "cloud",
        api_url: cloud.sim.workspaceApiUrl(cloud.staging.id),
        account: {
          id: cloud.accountId,
          name: "Acme Corp",
          handle: "acme",
          plan_type: "PRO",
          plan_tier: "pro",
          limits: { automations: 50, work_pools: 10, run_retention_days: 30 },
          features: ["automations", "rbac"],
        },
        workspace: { id: cloud.staging.id, name: cloud.staging.name, handle: cloud.staging.handle },
        user: { id: expect.any(String) },
      });
    });
  });

  it("looks a token's grant up once and reuses it for the next requests", async () => {
    const mcp = await connectWithToken(mcpUrl, await token([cloud.prod.id]));
    try {
      const before = grantLookups();
      await mcp.call("get_flows", {});
      await mcp.call("get_deployments", {});
      await mcp.call("list_authorized_workspaces", {});
      // initialize + notifications/initialized already looked it up once; every call after reused it.
      expect(grantLookups() - before).toBe(0);
    } finally {
      await mcp.close();
    }
  });

  it("serves RFC 9728 metadata to browsers (CORS) and answers preflights", async () => {
    const url = `${server.url}/.well-known/oauth-protected-resource/mcp`;
    const answer = await fetch(url, { headers: { Origin: "https://claude.ai" } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(await answer.json()).toEqual({
      resource: mcpUrl,
      authorization_servers: [cloud.sim.url],
      scopes_supported: [SCOPE],
      bearer_methods_supported: ["header"],
      resource_name: expect.any(String),
    });
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: { Origin: "https://claude.ai", "Access-Control-Request-Method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
  });

  it("never writes a token into its logs", () => {
    expect(tokensUsed.length).toBeGreaterThan(5);
    for (const used of tokensUsed) expect(server.stderr).not.toContain(used);
    expect(server.logs().some((entry) => entry.tool === "get_flows")).toBe(true);
  });

  it("summarises the account's throttling periods with review_rate_limits", async () => {
    const mcp = await connectWithToken(mcpUrl, await token([cloud.prod.id]));
    try {
      const answer = await mcp.call("review_rate_limits", {});
      expect(answer.isError, answer.text).toBeFalsy();
      expect(answer.data).toMatchObject({
        cloud: true,
        account_id: cloud.accountId,
        summary: {
          total_minutes_throttled: 4,
          total_throttling_periods: 2,
          affected_keys: ["runs", "writing-logs"],
          first_throttled_at: minute(0),
          last_throttled_at: minute(30),
        },
        throttling_periods: [
          {
            start: minute(0),
            end: minute(2),
            duration_minutes: 3,
            keys_affected: [
              { key: "runs", total_denied: 50 + 150 + 10, peak_denied_per_minute: 150 },
            ],
          },
          {
            start: minute(30),
            end: minute(30),
            duration_minutes: 1,
            keys_affected: [{ key: "writing-logs", total_denied: 30, peak_denied_per_minute: 30 }],
          },
        ],
      });
    } finally {
      await mcp.close();
    }
  });
});

describe("prefect-mcp-cloud's start-up", () => {
  it("refuses to start without a shared key or a JWKS URI, saying which to set", async () => {
    const run = await runProcess(process.execPath, [BIN, "--port", "0"], {
      env: isolatedEnv(),
      timeoutMs: 30_000,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY");
    expect(run.stderr).toContain("PREFECT_MCP_CLOUD_AUTH_JWKS_URI");
    expect(run.stderr).not.toContain("    at ");
  });

  it("refuses a key too short for HMAC and an unknown environment", async () => {
    const run = await runProcess(process.execPath, [BIN, "--port", "0"], {
      env: isolatedEnv({
        PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: "short",
        PREFECT_MCP_CLOUD_ENVIRONMENT: "dev",
      }),
      timeoutMs: 30_000,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("at least 32 characters");
    expect(run.stderr).toContain("PREFECT_MCP_CLOUD_ENVIRONMENT must be local, stg or prod");
  });

  it("documents every PREFECT_MCP_CLOUD_ setting in --help", async () => {
    const run = await runProcess(process.execPath, [BIN, "--help"], {
      env: isolatedEnv(),
      timeoutMs: 30_000,
    });
    expect(run.code).toBe(0);
    for (const name of [
      "AUTH_TOKEN_KEY",
      "AUTH_JWKS_URI",
      "ENVIRONMENT",
      "API_BASE_URL",
      "AUTH_BASE_URL",
      "AUTHORIZATION_SERVER",
      "AUTH_ISSUER",
      "AUTH_AUDIENCE",
      "AUTH_ALGORITHM",
      "PUBLIC_BASE_URL",
    ]) {
      expect(run.stdout).toContain(`PREFECT_MCP_CLOUD_${name}`);
    }
    expect(run.stdout).toContain("PREFECT_MCP_PUBLIC_BASE_URL");
  });
});
