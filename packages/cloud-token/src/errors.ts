/**
 * Why a token exchange failed, from the caller's point of view:
 * - `invalid_options`: missing client credentials or a bad option; fix the configuration.
 * - `unreachable`: no answer from the auth server (DNS, refused connection, TLS, timeout); retry later.
 * - `credentials_rejected`: the auth server refused the client or the scope; retrying will not help.
 * - `invalid_response`: the server answered 200 with something that is not a usable bearer token.
 * - `http_error`: any other HTTP failure (5xx, 404, a redirect); often passes, so retry later.
 */
export type CloudTokenErrorCode =
  | "invalid_options"
  | "unreachable"
  | "credentials_rejected"
  | "invalid_response"
  | "http_error";

/** A failed exchange. Its message names the fix and never contains the client secret or a token. */
export class CloudTokenError extends Error {
  override name = "CloudTokenError";
  readonly code: CloudTokenErrorCode;
  /** The token endpoint's HTTP status, when it answered. */
  readonly status: number | undefined;
  /** The OAuth `error` the server gave, e.g. `invalid_client` or `invalid_scope`. */
  readonly oauthError: string | undefined;

  constructor(
    code: CloudTokenErrorCode,
    message: string,
    details: { status?: number; oauthError?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.oauthError = details.oauthError;
  }
}
