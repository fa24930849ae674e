import { randomUUID } from "node:crypto";
import {
  cloudWorkspaceSettings,
  PREFECT_VERSION,
  resolvePrefectSettings,
} from "@prefect-mcp/client";
import { type CloudSimulator, startCloudSimulator } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUrl, connectTools } from "./mcp-harness.js";

describe("get_identity", () => {
  it("names a self-hosted server, its URL and its version", async () => {
    const tools = await connectTools();
    const result = await tools.call("get_identity");
    await tools.close();
    expect(result.isError).toBeFalsy();
    expect(result.data).toEqual({
      api_url: apiUrl.replace(/\/$/, ""),
      server_type: "oss",
      server_version: PREFECT_VERSION,
      auth: "none",
    });
  });

  it("says which kind of credential is configured, never its value", async () => {
    const authString = "admin:identity-test-password";
    const tools = await connectTools({
      settings: resolvePrefectSettings({ env: {}, overrides: { apiUrl, authString } }),
    });
    const result = await tools.call("get_identity");
    await tools.close();
    expect(result.data.auth).toBe("auth string");
    expect(JSON.stringify(result)).not.toContain("identity-test-password");
    expect(JSON.stringify(result)).not.toContain(Buffer.from(authString).toString("base64"));
  });

  it("on a Cloud workspace URL, turns each Cloud part that cannot be read into a note", async () => {
    // A Cloud-shaped URL on the test server: the workspace ids come from the URL, and the account
    // reads (/me/, /accounts/…) answer 404 there, as an unreachable Cloud part would fail.
    const account = "0a8f2f8e-8d1c-4c59-9d2e-6f1f4b1a2c3d";
    const workspace = "5b7e9c1a-3f4d-4e6b-8a9c-0d1e2f3a4b5c";
    const apiKey = "pnu_identitytestkey0123456789abcdefghij";
    const cloudUrl = `${apiUrl.replace(/\/$/, "")}/accounts/${account}/workspaces/${workspace}`;
    const tools = await connectTools({
      settings: resolvePrefectSettings({ env: {}, overrides: { apiUrl: cloudUrl, apiKey } }),
    });
    const result = await tools.call("get_identity");
    await tools.close();
    expect(result.isError).toBeFalsy();
    expect(result.data).toMatchObject({
      api_url: cloudUrl,
      server_type: "cloud",
      auth: "api key",
      account: { id: account },
      workspace: { id: workspace },
    });
    expect(result.data.user).toBeUndefined();
    expect(result.data.notes).toHaveLength(3);
    expect(result.data.notes.join("\n")).toMatch(/^user unavailable: .*404/m);
    expect(result.data.notes.join("\n")).toMatch(/^account unavailable: /m);
    expect(JSON.stringify(result)).not.toContain(apiKey);
  });
});

describe("get_identity on Prefect Cloud", () => {
  const user = {
    id: randomUUID(),
    handle: "marvin",
    email: "marvin@example.com",
    first_name: "Marvin",
    last_name: "Android",
  };
  const account = {
    id: randomUUID(),
    handle: "sirius",
    name: "Sirius Cybernetics",
    plan_type: "PRO",
    plan_tier: "pro-2025",
    features: ["automations", "audit-log"],
    automations_limit: 40,
    work_pool_limit: 7,
    run_retention_days: 30,
  };
  const workspace = {
    id: randomUUID(),
    handle: "happy-vertical",
    name: "Happy Vertical",
    description: "doors that sigh",
  };
  const apiKey = "pnu_identitysimulatorkey0123456789abcdef";
  let sim: CloudSimulator;
  beforeAll(async () => {
    sim = await startCloudSimulator({
      accounts: [account],
      workspaces: [{ accountId: account.id, ...workspace, prefectApiUrl: apiUrl }],
      user,
      apiKeys: [{ key: apiKey, workspaceIds: [workspace.id] }],
      signing: { kind: "shared-key", key: "identity-test-signing-key-of-32-bytes" },
    });
  });
  afterAll(() => sim?.close());

  const expected = () => ({
    server_type: "cloud",
    user: {
      id: user.id,
      handle: "marvin",
      email: "marvin@example.com",
      name: "Marvin Android",
    },
    account: {
      id: account.id,
      name: "Sirius Cybernetics",
      handle: "sirius",
      plan_type: "PRO",
      plan_tier: "pro-2025",
      limits: { automations: 40, work_pools: 7, run_retention_days: 30 },
      features: ["automations", "audit-log"],
    },
    workspace: {
      id: workspace.id,
      name: "Happy Vertical",
      handle: "happy-vertical",
      description: "doors that sigh",
    },
  });

  it("names the user, the account with its plan, limits and features, and the workspace", async () => {
    const tools = await connectTools({
      settings: resolvePrefectSettings({
        env: {},
        overrides: { apiUrl: sim.workspaceApiUrl(workspace.id), apiKey },
      }),
    });
    const result = await tools.call("get_identity");
    await tools.close();
    expect(result.isError).toBeFalsy();
    expect(result.data).toEqual({
      api_url: sim.workspaceApiUrl(workspace.id),
      auth: "api key",
      ...expected(),
    });
    expect(JSON.stringify(result)).not.toContain(apiKey);
  });

  it("reads the same identity with an OAuth token for the workspace", async () => {
    const token = await sim.mintAccessToken({ workspaceIds: [workspace.id] });
    const tools = await connectTools({
      settings: cloudWorkspaceSettings({
        apiBaseUrl: sim.apiUrl,
        accountId: account.id,
        workspaceId: workspace.id,
        token,
      }),
    });
    const result = await tools.call("get_identity");
    await tools.close();
    expect(result.isError).toBeFalsy();
    expect(result.data).toMatchObject({ ...expected(), auth: "oauth token" });
    expect(result.data.notes).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain(token);
  });
});
