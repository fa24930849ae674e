import { describe, expect, it } from "vitest";
import { CloudSettingsError, parseCloudSettings } from "../src/index.js";

const KEY = "k".repeat(32);

describe("PREFECT_MCP_CLOUD_* settings", () => {
  it("defaults to production Prefect Cloud and Cloud's own issuer and audience with a shared key", () => {
    const settings = parseCloudSettings({ PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: KEY });
    expect(settings).toMatchObject({
      environment: "prod",
      apiBaseUrl: "https://api.prefect.cloud/api",
      authBaseUrl: "https://api.prefect.cloud",
      authorizationServer: "https://api.prefect.cloud",
      publicBaseUrl: undefined,
      verification: {
        kind: "shared-key",
        algorithm: "HS256",
        issuer: "AuthServerID",
        audience: "AuthServerID",
      },
    });
  });

  it("takes the URL defaults from PREFECT_MCP_CLOUD_ENVIRONMENT, each overridable", () => {
    const staging = parseCloudSettings({
      PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: KEY,
      PREFECT_MCP_CLOUD_ENVIRONMENT: "stg",
    });
    expect(staging.apiBaseUrl).toBe("https://api.stg.prefect.dev/api");
    const local = parseCloudSettings({
      PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: KEY,
      PREFECT_MCP_CLOUD_ENVIRONMENT: "local",
      PREFECT_MCP_CLOUD_AUTH_BASE_URL: "http://127.0.0.1:4300/",
    });
    expect(local).toMatchObject({
      apiBaseUrl: "http://localhost:4200/api",
      authBaseUrl: "http://127.0.0.1:4300",
      authorizationServer: "http://127.0.0.1:4300",
    });
  });

  it("verifies with the JWKS when there is no key: RS256, issuer = the authorization server, audience = our resource", () => {
    const settings = parseCloudSettings({
      PREFECT_MCP_CLOUD_AUTH_JWKS_URI: "https://auth.example.com/jwks.json",
      PREFECT_MCP_CLOUD_AUTHORIZATION_SERVER: "https://auth.example.com",
    });
    expect(settings.verification).toEqual({
      kind: "jwks",
      jwksUri: "https://auth.example.com/jwks.json",
      algorithm: "RS256",
      issuer: "https://auth.example.com",
      audience: undefined,
    });
  });

  it("reads the public base URL from its legacy name too, the new name winning", () => {
    const legacy = parseCloudSettings({
      PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: KEY,
      PREFECT_MCP_PUBLIC_BASE_URL: "https://mcp.example.com/",
    });
    expect(legacy.publicBaseUrl).toBe("https://mcp.example.com");
    const both = parseCloudSettings({
      PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: KEY,
      PREFECT_MCP_PUBLIC_BASE_URL: "https://old.example.com",
      PREFECT_MCP_CLOUD_PUBLIC_BASE_URL: "https://new.example.com",
    });
    expect(both.publicBaseUrl).toBe("https://new.example.com");
  });

  it("names every problem at once and the fix", () => {
    const attempt = () =>
      parseCloudSettings({
        PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: KEY,
        PREFECT_MCP_CLOUD_API_BASE_URL: "ftp://files.example.com",
        PREFECT_MCP_CLOUD_AUTH_ALGORITHM: "none",
      });
    expect(attempt).toThrow(CloudSettingsError);
    expect(attempt).toThrow(/PREFECT_MCP_CLOUD_API_BASE_URL must be an http\(s\) URL/);
    expect(attempt).toThrow(/PREFECT_MCP_CLOUD_AUTH_ALGORITHM must be one of/);
  });

  it("refuses an algorithm that does not fit the key material", () => {
    expect(() =>
      parseCloudSettings({
        PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: KEY,
        PREFECT_MCP_CLOUD_AUTH_ALGORITHM: "RS256",
      }),
    ).toThrow(/does not fit a shared key/);
    expect(() =>
      parseCloudSettings({
        PREFECT_MCP_CLOUD_AUTH_JWKS_URI: "https://auth.example.com/jwks.json",
        PREFECT_MCP_CLOUD_AUTH_ALGORITHM: "HS256",
      }),
    ).toThrow(/needs a shared key/);
  });

  it("treats empty values as unset", () => {
    expect(() =>
      parseCloudSettings({
        PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: "  ",
        PREFECT_MCP_CLOUD_AUTH_JWKS_URI: "",
      }),
    ).toThrow(/No way to verify access tokens/);
  });
});
