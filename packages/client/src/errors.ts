/** Why a Prefect API call produced no usable response. */
export type PrefectApiErrorReason = "http" | "timeout" | "network" | "invalid-response";

export interface PrefectApiErrorInit {
  reason: PrefectApiErrorReason;
  method: string;
  /** The API path relative to the configured API URL, without the query string. */
  path: string;
  status?: number;
  /** Prefect's own `detail` from the error body, when it sent one. */
  detail?: string;
  /** Extra words for the message: what happened underneath, or what to do about it. */
  hint?: string;
}

/**
 * Any failed call to the Prefect API: an HTTP error status, a timeout, a network failure, or a
 * payload that does not have the expected shape. Never carries headers or credentials.
 */
export class PrefectApiError extends Error {
  override readonly name = "PrefectApiError";
  readonly reason: PrefectApiErrorReason;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly detail: string | undefined;

  constructor(init: PrefectApiErrorInit) {
    super(describe(init));
    this.reason = init.reason;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.detail = init.detail;
  }
}

function describe({ reason, method, path, status, detail, hint }: PrefectApiErrorInit): string {
  const call = `${method} ${path}`;
  const parts: string[] = [];
  switch (reason) {
    case "http":
      parts.push(`Prefect API ${call} failed with HTTP ${status}${statusMeaning(status)}`);
      break;
    case "timeout":
      parts.push(`Prefect API ${call} timed out`);
      break;
    case "network":
      parts.push(`Prefect API ${call} could not reach the server`);
      break;
    case "invalid-response":
      parts.push(`Prefect API ${call} returned an unexpected payload`);
      break;
  }
  if (detail) parts.push(detail.replace(/\.+$/, ""));
  if (hint) parts.push(hint);
  return `${parts.join(": ")}${statusAdvice(reason, status)}`;
}

function statusMeaning(status: number | undefined): string {
  const meanings: Record<number, string> = {
    400: " Bad Request",
    401: " Unauthorized",
    403: " Forbidden",
    404: " Not Found",
    408: " Request Timeout",
    409: " Conflict",
    422: " Unprocessable Entity",
    429: " Too Many Requests",
    500: " Internal Server Error",
    502: " Bad Gateway",
    503: " Service Unavailable",
    504: " Gateway Timeout",
  };
  return status === undefined ? "" : (meanings[status] ?? "");
}

function statusAdvice(reason: PrefectApiErrorReason, status: number | undefined): string {
  if (reason === "network") {
    return ". Check that the Prefect server is running and that PREFECT_API_URL points at it (it usually ends in /api).";
  }
  if (reason === "timeout") return ". The server may be overloaded; retry, or narrow the request.";
  if (status === 401) {
    return ". Check the credentials: PREFECT_API_KEY for Prefect Cloud, PREFECT_API_AUTH_STRING for a server started with PREFECT_SERVER_API_AUTH_STRING.";
  }
  if (status === 403) return ". The credentials are valid but not allowed to read this.";
  if (status === 404) return ". Check the id or name, and that PREFECT_API_URL ends in /api.";
  if (reason === "invalid-response") {
    return ". Check that PREFECT_API_URL points at Prefect's API (it usually ends in /api), not at a proxy or web page.";
  }
  return ".";
}

/** A request the read-only guard refused; it never left the process. */
export class NotAllowedError extends Error {
  override readonly name = "NotAllowedError";
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string, reason?: string) {
    super(
      `Refused ${method} ${path}: ${
        reason ??
        "prefect-mcp only reads from Prefect. To change state, use the prefect CLI (for example `prefect deployment run`, `prefect flow-run cancel`)."
      }`,
    );
    this.method = method;
    this.path = path;
  }
}

/** The Prefect connection is not configured, or configured wrongly; the message says how to fix it. */
export class PrefectSettingsError extends Error {
  override readonly name = "PrefectSettingsError";
}

/**
 * Replaces every occurrence of each secret (and of the forms it is sent in) with `[redacted]`.
 * Used on any text that came from outside (error bodies, network error causes) before it reaches a
 * message, since a server may echo a request's credentials back.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) {
    // Short values would redact ordinary words; no real key or auth string is this short.
    if (secret.length < 4) continue;
    redacted = redacted.split(secret).join("[redacted]");
  }
  return redacted;
}
