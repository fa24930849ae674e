import { z } from "zod";
import { DEFAULT_AUTH_BASE_URL, tokenEndpoint } from "./auth-base-url.js";
import { CloudTokenError } from "./errors.js";

/** The scope the Prefect Cloud MCP server accepts. */
export const DEFAULT_SCOPE = "prefect-cloud:workspaces";
const DEFAULT_TIMEOUT_MS = 15_000;

export interface ExchangeClientCredentialsOptions {
  /** A Prefect Cloud service account's OAuth client ID. */
  clientId: string;
  clientSecret: string;
  /** The Prefect Cloud API origin (default https://api.prefect.cloud; see authBaseUrlFromEnv). */
  authBaseUrl?: string;
  /** Default `prefect-cloud:workspaces`; space-separated for several. */
  scope?: string;
  /** Give up on the auth server after this long, body included (default 15000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Aborting rejects with the signal's reason, as fetch does, not with a CloudTokenError. */
  signal?: AbortSignal;
}

export interface CloudAccessToken {
  access_token: string;
  token_type: "Bearer";
  /** Seconds the token lives, counted from when the server issued it. */
  expires_in: number;
  /** The granted scopes, space-separated; they include every requested one. */
  scope: string;
  /** Date.now()-based absolute expiry, for renewal; counted from when the request was sent, so early. */
  expires_at: Date;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === "bearer"),
  expires_in: z.number().positive(),
  scope: z.string().trim().min(1),
});

const oauthErrorSchema = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
});

/**
 * Exchanges a Prefect Cloud service account's OAuth client credentials for a bearer token for the
 * Prefect Cloud MCP server (OAuth client_credentials grant, HTTP Basic client authentication).
 * Every failure is a CloudTokenError whose `code` says what kind.
 *
 * One fetch rather than the MCP SDK's fetchToken: that drops the HTTP status of OAuth errors, puts
 * whole non-OAuth bodies in its messages, has no timeout, and wants authorization server metadata
 * to find a token endpoint that is not at /token.
 */
export async function exchangeClientCredentials(
  options: ExchangeClientCredentialsOptions,
): Promise<CloudAccessToken> {
  const { clientId, clientSecret } = options;
  if (!clientId?.trim() || !clientSecret) {
    throw new CloudTokenError(
      "invalid_options",
      "clientId and clientSecret are required: a Prefect Cloud service account's OAuth client ID and secret.",
    );
  }
  const scope = (options.scope ?? DEFAULT_SCOPE).trim();
  if (!scope) throw new CloudTokenError("invalid_options", `scope is empty; use ${DEFAULT_SCOPE}.`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new CloudTokenError(
      "invalid_options",
      `The timeout must be a positive number of milliseconds; got ${timeoutMs}.`,
    );
  }
  const endpoint = tokenEndpoint(options.authBaseUrl ?? DEFAULT_AUTH_BASE_URL);
  const shown = `${endpoint.origin}${endpoint.pathname}`;

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const sentAt = Date.now();
  let response: Response;
  let body: string;
  try {
    const fetchFn = options.fetch ?? fetch;
    response = await untilAborted(
      fetchFn(endpoint, {
        method: "POST",
        headers: {
          Authorization: basicAuthorization(clientId, clientSecret),
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
        },
        body: new URLSearchParams({ grant_type: "client_credentials", scope }),
        // A token endpoint does not redirect; following one would resend the credentials.
        redirect: "manual",
        signal,
      }),
      signal,
    );
    body = await untilAborted(response.text(), signal);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new CloudTokenError(
        "unreachable",
        `No answer from ${shown} within ${timeoutMs} ms. Check the network and the auth base URL, or allow more time (--timeout-ms, timeoutMs).`,
      );
    }
    throw new CloudTokenError(
      "unreachable",
      `Could not reach ${shown}: ${networkProblem(error)}. Check the network and the auth base URL (PREFECT_MCP_CLOUD_AUTH_BASE_URL, --auth-base-url).`,
      { cause: error },
    );
  }

  // The server's own words are shown, but never an echo of the secret.
  const fromServer = (text: string) =>
    text.replaceAll(clientSecret, "[client secret]").slice(0, 300);
  const json = parseJson(body);

  if (!response.ok) {
    const status = response.status;
    const oauth = oauthErrorSchema.safeParse(json);
    const error = oauth.success ? fromServer(oauth.data.error) : undefined;
    const description = oauth.success ? oauth.data.error_description?.trim() : undefined;
    const said = `HTTP ${status}${error ? ` ${error}` : ""}${description ? `: ${fromServer(description)}` : ""}`;
    const rejection =
      rejectionMessage(error, said, scope) ??
      (status === 401 ? rejectionMessage("invalid_client", said, scope) : undefined);
    if (rejection) {
      throw new CloudTokenError("credentials_rejected", rejection, { status, oauthError: error });
    }
    throw new CloudTokenError("http_error", `${shown} failed (${said}). ${httpHint(response)}`, {
      status,
      oauthError: error,
    });
  }

  if (json === undefined) {
    const type = response.headers.get("content-type") ?? "none";
    throw invalidResponse(shown, `is not JSON (content-type ${type})`);
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) throw invalidResponse(shown, responseProblem(json, parsed.error));
  const granted = parsed.data.scope.split(/\s+/);
  const missing = scope.split(/\s+/).filter((wanted) => !granted.includes(wanted));
  if (missing.length) {
    throw invalidResponse(
      shown,
      `grants scope "${parsed.data.scope}", without the requested "${missing.join(" ")}"`,
    );
  }
  return {
    access_token: parsed.data.access_token,
    token_type: "Bearer",
    expires_in: parsed.data.expires_in,
    scope: parsed.data.scope,
    expires_at: new Date(sentAt + parsed.data.expires_in * 1000),
  };
}

/** RFC 6749 §2.3.1: the ID and secret are form-urlencoded before they are joined for Basic. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  const pair = `${encode(clientId)}:${encode(clientSecret)}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

/** Settles with `promise`, or rejects once `signal` aborts, even if a custom fetch ignores it. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** undici's "fetch failed" hides the reason (ECONNREFUSED, ENOTFOUND, a TLS error) in its cause. */
function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.message || cause?.code || (error instanceof Error ? error.message : String(error));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What an OAuth error that means "these credentials will not work" says, with its fix. The client
 * ID is left out: a user who swapped the two variables would otherwise see the secret.
 */
function rejectionMessage(
  error: string | undefined,
  said: string,
  scope: string,
): string | undefined {
  switch (error) {
    case "invalid_client":
      return `Prefect Cloud rejected the client credentials (${said}). Check PREFECT_MCP_CLOUD_CLIENT_ID and PREFECT_MCP_CLOUD_CLIENT_SECRET: they must be a service account's OAuth client ID and secret (not an API key), and the client must not be revoked.`;
    case "invalid_grant":
      return `Prefect Cloud refused the grant (${said}): the OAuth client's service account may be disabled or removed, or the client revoked. Create a new OAuth client for an active service account.`;
    case "unauthorized_client":
      return `This OAuth client may not use the client_credentials grant (${said}). Use an OAuth client created for a service account.`;
    case "invalid_scope":
      return `Prefect Cloud refused scope "${scope}" (${said}). Request ${DEFAULT_SCOPE} (the default) unless Prefect told you otherwise.`;
    default:
      return undefined;
  }
}

function httpHint(response: Response): string {
  const { status } = response;
  if (status >= 500) return "Prefect Cloud may be having trouble; retry in a minute.";
  if (status >= 300 && status < 400) {
    const location = response.headers.get("location");
    return `The auth server redirected${location ? ` to ${location.split("?")[0]}` : ""}: set the auth base URL to the Prefect Cloud API origin itself.`;
  }
  return `Check that the auth base URL is the Prefect Cloud API origin, e.g. ${DEFAULT_AUTH_BASE_URL} (no /api path).`;
}

function invalidResponse(shown: string, problem: string): CloudTokenError {
  return new CloudTokenError(
    "invalid_response",
    `The token response from ${shown} ${problem}, so it is not a usable bearer token. Check that the auth base URL is the Prefect Cloud API origin, e.g. ${DEFAULT_AUTH_BASE_URL}.`,
    { status: 200 },
  );
}

/** The first thing wrong with a token response, naming the field; never shows the token. */
function responseProblem(json: unknown, error: z.ZodError): string {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return "is not a JSON object";
  }
  const field = String(error.issues[0]?.path[0]);
  const value = (json as Record<string, unknown>)[field];
  if (value === undefined) return `has no ${field}`;
  if (field === "access_token") return "has an empty or non-string access_token";
  const shown = JSON.stringify(value).slice(0, 60);
  if (field === "token_type") return `has token_type ${shown}, not Bearer`;
  if (field === "expires_in") {
    return `has expires_in ${shown}; a positive number of seconds is needed to know when to renew`;
  }
  return `has ${field} ${shown}`;
}
