import { PREFECT_VERSION, resolvePrefectSettings } from "@prefect-mcp/client";
import { describe, expect, it } from "vitest";
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
