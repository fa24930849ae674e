import type { CloudSimulator } from "@prefect-mcp/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudTokenError, exchangeClientCredentials } from "../src/index.js";
import { CLIENT_SECRET, closedPortUrl, startSimulator } from "./cloud-simulator.js";

let simulator: CloudSimulator;
let clientId: string;

beforeAll(async () => {
  ({ simulator, clientId } = await startSimulator());
});

afterAll(async () => {
  await simulator?.close();
});

describe("exchangeClientCredentials against the Cloud simulator", () => {
  it("gets a bearer token whose grant covers Prefect Cloud workspaces", async () => {
    const before = Date.now();
    const token = await exchangeClientCredentials({
      clientId,
      clientSecret: CLIENT_SECRET,
      authBaseUrl: simulator.url,
    });

    expect(token).toMatchObject({
      token_type: "Bearer",
      expires_in: 3600,
      scope: "prefect-cloud:workspaces",
    });
    expect(token.expires_at.getTime()).toBeGreaterThanOrEqual(before + 3600_000);
    const claims = decodeJwt(token.access_token);
    expect(claims.scope).toBe("prefect-cloud:workspaces");
    expect(claims.client_id).toBe(clientId);
    expect(claims.mcp_grant_id).toEqual(expect.any(String));
    expect(simulator.requests.at(-1)).toEqual({
      method: "POST",
      path: "/auth/mcp/oauth/token",
      auth: "basic",
      status: 200,
    });
  });

  it("fails with credentials_rejected (invalid_client) for a wrong secret", async () => {
    const wrong = `${CLIENT_SECRET}-wrong`;
    const error = await exchangeClientCredentials({
      clientId,
      clientSecret: wrong,
      authBaseUrl: simulator.url,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CloudTokenError);
    expect(error).toMatchObject({
      code: "credentials_rejected",
      status: 401,
      oauthError: "invalid_client",
    });
    expect((error as Error).message).not.toContain(wrong);
    expect((error as Error).message).not.toContain(CLIENT_SECRET);
  });

  it("fails with credentials_rejected (invalid_scope) for another scope, quoting the server", async () => {
    const error = await exchangeClientCredentials({
      clientId,
      clientSecret: CLIENT_SECRET,
      authBaseUrl: simulator.url,
      scope: "prefect-cloud:admin",
    }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "credentials_rejected", oauthError: "invalid_scope" });
    expect((error as Error).message).toContain('refused scope "prefect-cloud:admin"');
    expect((error as Error).message).toContain(
      "The only supported scope is prefect-cloud:workspaces",
    );
  });

  it("fails with unreachable when nothing listens at the auth base URL", async () => {
    const error = await exchangeClientCredentials({
      clientId,
      clientSecret: CLIENT_SECRET,
      authBaseUrl: await closedPortUrl(),
    }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "unreachable" });
    expect((error as Error).message).toContain("ECONNREFUSED");
  });
});
