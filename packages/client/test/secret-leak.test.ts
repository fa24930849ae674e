import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  createPrefectClient,
  NotAllowedError,
  PrefectApiError,
  type PrefectClient,
  type PrefectClientOptions,
  type PrefectSettings,
  PrefectSettingsError,
  resolvePrefectSettings,
} from "../src/index.js";
import { rejection } from "./rejection.js";

const API_URL = "http://prefect.test/api";
const FLOW_ID = "3f5a1c8e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
const API_KEY = "pnu_FAKEkey7Hq2mZx9Lw4Vb8Nc1Rt6Yp3Ks0Jd5";
const PASSWORD = "Sup3rS3cret-pass";
const AUTH_STRING = `user:${PASSWORD}`;
const AUTH_BASE64 = Buffer.from(AUTH_STRING).toString("base64");

/** The clients under test, each with every form its credential travels in. */
const CREDENTIALS = [
  { name: "an API key", settings: { apiKey: API_KEY }, secrets: [API_KEY] },
  {
    name: "an auth string",
    settings: { authString: AUTH_STRING },
    secrets: [AUTH_STRING, AUTH_BASE64, PASSWORD],
  },
  {
    name: "both an API key and an auth string",
    settings: { apiKey: API_KEY, authString: AUTH_STRING },
    secrets: [API_KEY, AUTH_STRING, AUTH_BASE64, PASSWORD],
  },
] as const;

// A secret cut short (e.g. by truncation) still leaks; no 10-character piece of one may show.
const FRAGMENT_LENGTH = 10;

function fragments(secret: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start + FRAGMENT_LENGTH <= secret.length; start++) {
    pieces.push(secret.slice(start, start + FRAGMENT_LENGTH));
  }
  return pieces;
}

/** Asserts that no secret, nor any piece of one, appears anywhere an error is rendered. */
function expectNoSecrets(error: unknown, secrets: readonly string[]) {
  expect(error).toBeInstanceOf(Error);
  const err = error as Error;
  const renderings = {
    message: err.message,
    string: String(err),
    json: JSON.stringify(err),
    stack: err.stack ?? "",
    inspect: inspect(err, { depth: 5 }),
  };
  for (const [where, text] of Object.entries(renderings)) {
    for (const secret of secrets) {
      expect(text, `${where} contains a secret`).not.toContain(secret);
      for (const piece of fragments(secret)) {
        expect(text, `${where} contains a piece of a secret`).not.toContain(piece);
      }
    }
  }
}

/** What a careless server might echo: the header it received and each form of the credential. */
function echo(request: Request, secrets: readonly string[]): string {
  const authorization = request.headers.get("authorization") ?? "";
  return `[${authorization}] ${secrets.map((secret, i) => `secret${i}=${secret}`).join(" ")}`;
}

type Transport = (request: Request) => Promise<Response>;

function newClient(
  settings: Partial<PrefectSettings>,
  fetch: Transport,
  options: PrefectClientOptions = {},
): PrefectClient {
  return createPrefectClient(
    { apiUrl: API_URL, sources: { apiUrl: "env" }, ...settings },
    { fetch, retryBaseDelayMs: 1, retries: 1, ...options },
  );
}

const getFlow = (client: PrefectClient) =>
  client.GET("/flows/{id}", { params: { path: { id: FLOW_ID } } });
const filterFlows = (client: PrefectClient) => client.POST("/flows/filter", { body: { limit: 1 } });

const ERROR_BODIES = {
  "a string detail": (request: Request, secrets: readonly string[]) => ({
    detail: `Invalid credentials ${echo(request, secrets)}`,
  }),
  "a FastAPI validation list": (request: Request, secrets: readonly string[]) => ({
    detail: [
      {
        loc: ["header", "authorization", request.headers.get("authorization")],
        msg: `Invalid credentials ${echo(request, secrets)}`,
        type: "value_error",
        input: echo(request, secrets),
      },
    ],
  }),
  "an exception_message": (request: Request, secrets: readonly string[]) => ({
    exception_message: `Invalid credentials ${echo(request, secrets)}`,
  }),
};

describe.each(CREDENTIALS)("a client configured with $name", ({ settings, secrets }) => {
  describe.each([401, 403, 404, 422, 500, 503])("an HTTP %i response", (status) => {
    it.each(Object.entries(ERROR_BODIES))(
      "that echoes credentials in %s keeps them out of the error",
      async (_shape, body) => {
        const fetch: Transport = async (request) =>
          Response.json(body(request, secrets), { status });
        for (const call of [getFlow, filterFlows]) {
          const error = await rejection(call(newClient(settings, fetch, { retries: 0 })));
          expect(error).toBeInstanceOf(PrefectApiError);
          expect(error.message).toContain(`HTTP ${status}`);
          expect(error.message).toContain("Invalid credentials");
          expect(error.message).toContain("[redacted]");
          expectNoSecrets(error, secrets);
        }
      },
    );

    it("whose plain-text body echoes credentials keeps them out of the error", async () => {
      const fetch: Transport = async (request) =>
        new Response(`Upstream said no: ${echo(request, secrets)}`, {
          status,
          headers: { "content-type": "text/plain" },
        });
      const error = await rejection(getFlow(newClient(settings, fetch, { retries: 0 })));
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain("Upstream said no");
      expectNoSecrets(error, secrets);
    });
  });

  it("keeps a credential out when a long detail is cut off in the middle of it", async () => {
    for (const secret of secrets) {
      for (const offset of [2, 5, 9, 15]) {
        const fetch: Transport = async () =>
          Response.json(
            { detail: `${"x".repeat(500 - offset)}${secret} and more` },
            { status: 400 },
          );
        const error = await rejection(getFlow(newClient(settings, fetch)));
        expect(error.message).toContain("HTTP 400");
        expectNoSecrets(error, secrets);
      }
    }
  });

  it("keeps credentials out after giving up on a retryable status", async () => {
    const fetch: Transport = async (request) =>
      Response.json({ detail: `Overloaded ${echo(request, secrets)}` }, { status: 503 });
    const error = await rejection(filterFlows(newClient(settings, fetch, { retries: 2 })));
    expect(error.message).toContain("HTTP 503");
    expect(error.message).toContain("Overloaded");
    expect(error.message).toContain("after 3 attempts");
    expectNoSecrets(error, secrets);
  });

  it("keeps credentials out when the server asks to wait too long", async () => {
    const fetch: Transport = async (request) =>
      Response.json(
        { detail: `Rate limited ${echo(request, secrets)}` },
        { status: 429, headers: { "retry-after": "3600" } },
      );
    const error = await rejection(getFlow(newClient(settings, fetch)));
    expect(error.message).toContain("HTTP 429");
    expect(error.message).toContain("Rate limited");
    expectNoSecrets(error, secrets);
  });

  it("keeps credentials out when fetching a CSRF token is refused", async () => {
    const fetch: Transport = async (request) =>
      new URL(request.url).pathname.endsWith("/csrf-token")
        ? Response.json({ detail: `Not authenticated ${echo(request, secrets)}` }, { status: 401 })
        : Response.json({ detail: "Invalid CSRF token or client identifier" }, { status: 403 });
    const error = await rejection(filterFlows(newClient(settings, fetch)));
    expect(error.message).toContain("HTTP 401");
    expect(error.message).toContain("Not authenticated");
    expectNoSecrets(error, secrets);
  });

  it("keeps credentials out of network errors whose cause echoes them", async () => {
    const fetch: Transport = async (request) => {
      throw new TypeError("fetch failed", {
        cause: new Error(`getaddrinfo ENOTFOUND while sending ${echo(request, secrets)}`),
      });
    };
    const error = await rejection(getFlow(newClient(settings, fetch)));
    expect(error).toMatchObject({ reason: "network" });
    expect(error.message).toContain("getaddrinfo ENOTFOUND");
    expectNoSecrets(error, secrets);
  });

  it("keeps credentials out of network errors that carry them in the message itself", async () => {
    const fetch: Transport = async (request) => {
      throw new Error(`socket hang up ${echo(request, secrets)}`);
    };
    const error = await rejection(filterFlows(newClient(settings, fetch)));
    expect(error).toMatchObject({ reason: "network" });
    expect(error.message).toContain("socket hang up");
    expectNoSecrets(error, secrets);
  });

  it("keeps credentials out of timeouts", async () => {
    const fetch: Transport = (request) =>
      new Promise((_, reject) => {
        request.signal.addEventListener("abort", () => reject(new Error(echo(request, secrets))));
      });
    const error = await rejection(getFlow(newClient(settings, fetch, { timeoutMs: 20 })));
    expect(error).toMatchObject({ reason: "timeout" });
    expectNoSecrets(error, secrets);
  });

  it("keeps credentials out when a success response is not valid JSON", async () => {
    const fetch: Transport = async (request) =>
      new Response(`{"id": "${FLOW_ID}", "echo": "${echo(request, secrets)}"`, {
        headers: { "content-type": "application/json" },
      });
    const error = await rejection(getFlow(newClient(settings, fetch)));
    expect(error).toMatchObject({ reason: "invalid-response" });
    expectNoSecrets(error, secrets);
  });

  it("keeps credentials out of a refused write", async () => {
    let sent = 0;
    const fetch: Transport = async () => {
      sent++;
      return Response.json({});
    };
    const client = newClient(settings, fetch);
    const write = client.POST as unknown as (path: string, init: object) => Promise<unknown>;
    const error = await rejection(
      write("/flows/", { body: { name: echo(new Request(API_URL), secrets), secrets } }),
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain("POST /flows/");
    expect(sent).toBe(0);
    expectNoSecrets(error, secrets);
  });
});

describe("settings errors", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function tempDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "prefect-secret-test-"));
    dirs.push(dir);
    return dir;
  }

  function profile(body: string): string {
    const dir = tempDir();
    const file = path.join(dir, "profiles.toml");
    writeFileSync(file, `active = "dev"\n[profiles.dev]\n${body}\n`);
    return file;
  }

  function settingsError(env: Record<string, string>, overrides = {}): Error {
    try {
      resolvePrefectSettings({ env, overrides });
    } catch (error) {
      expect(error).toBeInstanceOf(PrefectSettingsError);
      return error as Error;
    }
    throw new Error("expected a PrefectSettingsError");
  }

  it("keeps the key out when a profile holding it has a malformed URL", () => {
    const file = profile(`PREFECT_API_URL = "not a url"\nPREFECT_API_KEY = "${API_KEY}"`);
    const error = settingsError({ PREFECT_PROFILES_PATH: file });
    expect(error.message).toContain("not a valid URL");
    expectNoSecrets(error, [API_KEY]);
  });

  it("keeps credentials out when a malformed URL embeds them", () => {
    const file = profile(
      `PREFECT_API_URL = "http://${AUTH_STRING}@prefect host:4200/api"\nPREFECT_API_AUTH_STRING = "${AUTH_STRING}"`,
    );
    const error = settingsError({ PREFECT_PROFILES_PATH: file });
    expect(error.message).toContain('PREFECT_API_URL in profile "dev" is not a valid URL');
    expect(error.message).toContain("@prefect host:4200/api");
    expectNoSecrets(error, [AUTH_STRING, AUTH_BASE64, PASSWORD]);
  });

  it("keeps credentials out when an overriding URL embeds them", () => {
    const error = settingsError(
      { PREFECT_HOME: tempDir() },
      { apiUrl: `https://${AUTH_STRING}@prefect.example.com/api`, apiKey: API_KEY },
    );
    expect(error.message).toContain("must not contain credentials");
    expectNoSecrets(error, [API_KEY, AUTH_STRING, AUTH_BASE64, PASSWORD]);
  });

  it("keeps the key out when the profiles file holding it is not valid TOML", () => {
    const file = profile(`PREFECT_API_KEY = "${API_KEY}\nPREFECT_API_URL = "http://h/api"`);
    const error = settingsError({ PREFECT_PROFILES_PATH: file });
    expect(error.message).toContain("not valid TOML");
    expectNoSecrets(error, [API_KEY]);
  });

  it("keeps the key out when a profile value has the wrong type", () => {
    const file = profile(`PREFECT_API_URL = ["http://h/api", "${API_KEY}"]`);
    const error = settingsError({ PREFECT_PROFILES_PATH: file });
    expect(error.message).toContain("profiles.dev.PREFECT_API_URL");
    expectNoSecrets(error, [API_KEY]);
  });
});
