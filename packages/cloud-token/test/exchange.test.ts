import { describe, expect, it } from "vitest";
import {
  authBaseUrlFromEnv,
  CloudTokenError,
  type ExchangeClientCredentialsOptions,
  exchangeClientCredentials,
} from "../src/index.js";

const SECRET = "s3cret+/=value";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.payload.signature";

interface SentRequest {
  url: string;
  init: RequestInit;
}

/** A fetch that answers every request with this status and body, and records what was sent. */
function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const sent: SentRequest[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    sent.push({ url: String(url), init });
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const type = typeof body === "string" ? "text/html" : "application/json";
    return new Response(text, { status, headers: { "content-type": type, ...headers } });
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const GOOD_BODY = {
  access_token: TOKEN,
  token_type: "Bearer",
  expires_in: 3600,
  scope: "prefect-cloud:workspaces",
};

function exchange(
  fetch: typeof globalThis.fetch,
  extra: Partial<ExchangeClientCredentialsOptions> = {},
) {
  return exchangeClientCredentials({ clientId: "client-1", clientSecret: SECRET, fetch, ...extra });
}

/** The CloudTokenError an exchange fails with. */
async function failure(promise: Promise<unknown>): Promise<CloudTokenError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CloudTokenError);
  return error as CloudTokenError;
}

describe("exchangeClientCredentials", () => {
  it("posts a client_credentials grant with HTTP Basic auth to the Cloud token endpoint", async () => {
    const server = answering(200, GOOD_BODY);
    const before = Date.now();
    const token = await exchange(server.fetch);

    expect(token).toEqual({ ...GOOD_BODY, expires_at: expect.any(Date) });
    expect(token.expires_at.getTime()).toBeGreaterThanOrEqual(before + 3600_000);
    expect(token.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);

    const [request] = server.sent;
    expect(request?.url).toBe("https://api.prefect.cloud/auth/mcp/oauth/token");
    expect(request?.init.method).toBe("POST");
    const headers = new Headers(request?.init.headers);
    // RFC 6749 §2.3.1: both parts form-urlencoded, then base64.
    const basic = Buffer.from(
      headers.get("authorization")?.replace(/^Basic /, "") ?? "",
      "base64",
    ).toString();
    expect(basic).toBe("client-1:s3cret%2B%2F%3Dvalue");
    expect(headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(String(request?.init.body));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "client_credentials",
      scope: "prefect-cloud:workspaces",
    });
    expect(String(request?.init.body)).not.toContain(SECRET);
    expect(request?.init.redirect).toBe("manual");
  });

  it("normalises a lower-case bearer token_type and accepts extra granted scopes", async () => {
    const server = answering(200, {
      ...GOOD_BODY,
      token_type: "bearer",
      scope: "openid prefect-cloud:workspaces",
    });
    const token = await exchange(server.fetch);
    expect(token.token_type).toBe("Bearer");
    expect(token.scope).toBe("openid prefect-cloud:workspaces");
  });

  it("keeps a path in the auth base URL and requests the scope it is given", async () => {
    const server = answering(200, { ...GOOD_BODY, scope: "custom:scope" });
    await exchange(server.fetch, {
      authBaseUrl: "https://proxy.example.com/prefect/",
      scope: "custom:scope",
    });
    expect(server.sent[0]?.url).toBe("https://proxy.example.com/prefect/auth/mcp/oauth/token");
    expect(new URLSearchParams(String(server.sent[0]?.init.body)).get("scope")).toBe(
      "custom:scope",
    );
  });

  it.each([
    ["a token_type other than Bearer", { ...GOOD_BODY, token_type: "mac" }, 'token_type "mac"'],
    ["expires_in 0", { ...GOOD_BODY, expires_in: 0 }, "expires_in 0"],
    ["no expires_in", { ...GOOD_BODY, expires_in: undefined }, "has no expires_in"],
    ["expires_in as a string", { ...GOOD_BODY, expires_in: "3600" }, 'expires_in "3600"'],
    ["no scope", { ...GOOD_BODY, scope: undefined }, "has no scope"],
    [
      "a scope without the requested one",
      { ...GOOD_BODY, scope: "openid" },
      'grants scope "openid"',
    ],
    ["no access_token", { ...GOOD_BODY, access_token: undefined }, "has no access_token"],
    [
      "an empty access_token",
      { ...GOOD_BODY, access_token: "" },
      "empty or non-string access_token",
    ],
    ["a JSON array", [GOOD_BODY], "is not a JSON object"],
    ["an HTML page", "<html>Sign in</html>", "is not JSON (content-type text/html)"],
  ])("refuses a 200 answer with %s as invalid_response", async (_, body, problem) => {
    const error = await failure(exchange(answering(200, body).fetch));
    expect(error.code).toBe("invalid_response");
    expect(error.message).toContain(problem);
    expect(error.message).toContain("https://api.prefect.cloud");
  });

  it("reports a 401 invalid_client as rejected credentials with the server's description", async () => {
    const server = answering(401, {
      error: "invalid_client",
      error_description: "Client authentication failed",
    });
    const error = await failure(exchange(server.fetch));
    expect(error).toMatchObject({
      code: "credentials_rejected",
      status: 401,
      oauthError: "invalid_client",
    });
    expect(error.message).toContain("HTTP 401 invalid_client: Client authentication failed");
    expect(error.message).toContain("PREFECT_MCP_CLOUD_CLIENT_SECRET");
  });

  it("reports a 401 without an OAuth body as rejected credentials", async () => {
    const error = await failure(exchange(answering(401, "Unauthorized").fetch));
    expect(error).toMatchObject({ code: "credentials_rejected", status: 401 });
    expect(error.message).toContain("(HTTP 401)");
  });

  it.each([
    ["invalid_scope", 'refused scope "prefect-cloud:workspaces"'],
    ["invalid_grant", "refused the grant"],
    ["unauthorized_client", "may not use the client_credentials grant"],
  ])("reports a 400 %s as rejected credentials and says which", async (oauthError, says) => {
    const server = answering(400, { error: oauthError, error_description: "nope" });
    const error = await failure(exchange(server.fetch));
    expect(error).toMatchObject({ code: "credentials_rejected", status: 400, oauthError });
    expect(error.message).toContain(says);
    expect(error.message).toContain(`HTTP 400 ${oauthError}: nope`);
  });

  it("reports a 500 as an HTTP error worth retrying", async () => {
    const error = await failure(exchange(answering(500, "<html>oops</html>").fetch));
    expect(error).toMatchObject({ code: "http_error", status: 500 });
    expect(error.message).toContain("HTTP 500");
    expect(error.message).toContain("retry");
    expect(error.message).not.toContain("oops");
  });

  it("reports a 404 as an HTTP error that points at the auth base URL", async () => {
    const error = await failure(exchange(answering(404, { detail: "Not Found" }).fetch));
    expect(error).toMatchObject({ code: "http_error", status: 404 });
    expect(error.message).toContain("no /api path");
  });

  it("does not follow a redirect, and names where it pointed", async () => {
    const server = answering(307, "", { location: "https://elsewhere.example.com/token?x=1" });
    const error = await failure(exchange(server.fetch));
    expect(error).toMatchObject({ code: "http_error", status: 307 });
    expect(error.message).toContain("redirected to https://elsewhere.example.com/token:");
  });

  it("reports a refused connection as unreachable, with the reason", async () => {
    const refused = async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
          code: "ECONNREFUSED",
        }),
      });
    };
    const error = await failure(exchange(refused as typeof fetch));
    expect(error.code).toBe("unreachable");
    expect(error.message).toContain("connect ECONNREFUSED 127.0.0.1:9");
  });

  it("gives up after timeoutMs even when the fetch never settles", async () => {
    const never = () => new Promise<Response>(() => {});
    const started = Date.now();
    const error = await failure(exchange(never as typeof fetch, { timeoutMs: 50 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe("unreachable");
    expect(error.message).toContain("within 50 ms");
  });

  it("rejects with the caller's abort reason when the caller aborts", async () => {
    const controller = new AbortController();
    const never = () => new Promise<Response>(() => {});
    const pending = exchange(never as typeof fetch, { signal: controller.signal });
    controller.abort(new Error("shutting down"));
    await expect(pending).rejects.toThrow("shutting down");
  });

  it.each([
    ["no client ID", { clientId: " " }, "clientId and clientSecret are required"],
    ["no client secret", { clientSecret: "" }, "clientId and clientSecret are required"],
    ["an empty scope", { scope: " " }, "scope is empty"],
    ["a zero timeout", { timeoutMs: 0 }, "positive number of milliseconds"],
    ["a non-URL base", { authBaseUrl: "api.prefect.cloud" }, "is not a URL"],
    [
      "plain http off this machine",
      { authBaseUrl: "http://api.prefect.cloud" },
      "must be https://",
    ],
    [
      "a base URL with a query",
      { authBaseUrl: "https://api.prefect.cloud/?a=1" },
      "must not carry a user, query",
    ],
  ])("refuses %s before sending anything", async (_, extra, says) => {
    const server = answering(200, GOOD_BODY);
    const error = await failure(exchange(server.fetch, extra));
    expect(error.code).toBe("invalid_options");
    expect(error.message).toContain(says);
    expect(server.sent).toHaveLength(0);
  });

  it("allows plain http to a loopback auth server", async () => {
    const server = answering(200, GOOD_BODY);
    await exchange(server.fetch, { authBaseUrl: "http://localhost:4200" });
    expect(server.sent[0]?.url).toBe("http://localhost:4200/auth/mcp/oauth/token");
  });

  it("never puts the client secret, or a token it was given, in an error message", async () => {
    const echo = `client_secret=${SECRET}`;
    const failures = [
      answering(401, { error: "invalid_client", error_description: echo }).fetch,
      answering(400, { error: "invalid_scope", error_description: echo }).fetch,
      answering(503, { error: "temporarily_unavailable", error_description: echo }).fetch,
      answering(500, echo).fetch,
      answering(200, { ...GOOD_BODY, token_type: "mac" }).fetch,
      answering(200, { ...GOOD_BODY, expires_in: -1 }).fetch,
      answering(200, { ...GOOD_BODY, scope: "openid" }).fetch,
      answering(200, { access_token: 42 }).fetch,
      answering(200, echo).fetch,
      (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
    ];
    for (const fetch of failures) {
      const error = await failure(exchange(fetch));
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain(TOKEN);
    }
    const echoed = await failure(
      exchange(answering(401, { error: "invalid_client", error_description: echo }).fetch),
    );
    expect(echoed.message).toContain("client_secret=[client secret]");
  });
});

describe("authBaseUrlFromEnv", () => {
  it.each([
    [{}, "https://api.prefect.cloud"],
    [{ PREFECT_MCP_CLOUD_ENVIRONMENT: "prod" }, "https://api.prefect.cloud"],
    [{ PREFECT_MCP_CLOUD_ENVIRONMENT: "stg" }, "https://api.stg.prefect.dev"],
    [{ PREFECT_MCP_CLOUD_ENVIRONMENT: "local" }, "http://localhost:4200"],
    [
      {
        PREFECT_MCP_CLOUD_ENVIRONMENT: "stg",
        PREFECT_MCP_CLOUD_AUTH_BASE_URL: "https://x.example",
      },
      "https://x.example",
    ],
  ])("maps %j to %s", (env, url) => {
    expect(authBaseUrlFromEnv(env)).toBe(url);
  });

  it("refuses an unknown environment and names the valid ones", () => {
    expect(() => authBaseUrlFromEnv({ PREFECT_MCP_CLOUD_ENVIRONMENT: "dev" })).toThrow(
      /must be one of prod, stg, local; got "dev"/,
    );
  });
});
