import createClient, { type MaybeOptionalInit } from "openapi-fetch";
import type { PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import packageJson from "../package.json" with { type: "json" };
import { authMiddleware } from "./auth.js";
import { type CloudApi, createCloudApi } from "./cloud.js";
import { NotAllowedError, PrefectApiError } from "./errors.js";
import { describeRequest, httpError, type RequestContext } from "./http-errors.js";
import type { ReadOnlyPaths } from "./read-only-paths.js";
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from "./retries.js";
import { type CloudWorkspace, type PrefectSettings, secretsOf } from "./settings.js";
import { createTransport, type Transport } from "./transport.js";

export interface PrefectClientOptions {
  /** Per-attempt timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (default 3). */
  retries?: number;
  /** First backoff in ms, doubled per retry with full jitter (default 250). */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts in ms (default 10 000). */
  retryMaxDelayMs?: number;
  /** Appended to the `prefect-mcp/<version>` User-Agent, e.g. `prefect-mcp-stdio/1.0.0`. */
  userAgentSuffix?: string;
  /** The `fetch` underneath all layers; tests use it to simulate a server. */
  fetch?: Transport;
}

type Method = "get" | "post";
type Init<P extends PathsWithMethod<ReadOnlyPaths, M>, M extends Method> = MaybeOptionalInit<
  ReadOnlyPaths[P],
  M
>;
/** The JSON body of an operation's 200 response. */
type Data<
  P extends PathsWithMethod<ReadOnlyPaths, M>,
  M extends Method,
> = ReadOnlyPaths[P][M] extends {
  responses: { 200: { content: { "application/json": infer Body } } };
}
  ? Body
  : unknown;

/** A typed call: path and parameters are checked against Prefect's spec; resolves to the body. */
export type ReadMethod<M extends Method> = <
  P extends PathsWithMethod<ReadOnlyPaths, M>,
  I extends Init<P, M>,
>(
  path: P,
  ...init: RequiredKeysOf<I> extends never ? [I?] : [I]
) => Promise<Data<P, M>>;

export interface PrefectClient {
  /** The API URL requests go to, without a trailing slash. */
  readonly apiUrl: string;
  /** Set when the API URL is a Prefect Cloud workspace. */
  readonly cloudWorkspace: CloudWorkspace | undefined;
  /** GET any read endpoint. */
  readonly GET: ReadMethod<"get">;
  /** POST to a query endpoint (`…/filter`, `…/count`, …); nothing else is allowed. */
  readonly POST: ReadMethod<"post">;
  /** Prefect Cloud's account-level reads; each throws unless the API URL is a Cloud workspace. */
  readonly cloud: CloudApi;
}

/** Per-call options that could route a request around the client's own transport. */
const TRANSPORT_OVERRIDES = ["fetch", "middleware", "baseUrl", "Request"] as const;

/**
 * A read-only Prefect API client. Every request passes the read-only guard, CSRF handling,
 * timeouts and retries; every failure is a PrefectApiError (or NotAllowedError) whose message never
 * holds a credential.
 */
export function createPrefectClient(
  settings: PrefectSettings,
  options: PrefectClientOptions = {},
): PrefectClient {
  const retry: RetryOptions = {
    timeoutMs: options.timeoutMs ?? settings.requestTimeoutMs ?? DEFAULT_RETRY_OPTIONS.timeoutMs,
    retries: options.retries ?? DEFAULT_RETRY_OPTIONS.retries,
    baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_OPTIONS.baseDelayMs,
    maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_OPTIONS.maxDelayMs,
  };
  const userAgent = [`prefect-mcp/${packageJson.version}`, options.userAgentSuffix]
    .filter(Boolean)
    .join(" ");
  const secrets = secretsOf(settings);
  const connect = (apiUrl: string) => {
    const transport = createTransport({ apiUrl, secrets, retry, fetch: options.fetch });
    const raw = createClient<ReadOnlyPaths>({ baseUrl: apiUrl, fetch: transport });
    raw.use(authMiddleware(settings, userAgent));
    return { raw, context: { apiUrl, secrets } };
  };

  const workspace = connect(settings.apiUrl);
  const call =
    (method: "GET" | "POST") =>
    (path: string, init?: Record<string, unknown>): Promise<unknown> =>
      send(workspace.raw.request as UntypedRequest, workspace.context, method, path, init);

  return {
    apiUrl: settings.apiUrl,
    cloudWorkspace: settings.cloud,
    GET: call("GET") as ReadMethod<"get">,
    POST: call("POST") as ReadMethod<"post">,
    cloud: createCloudApi(settings.cloud, (apiRoot) => {
      const root = connect(apiRoot);
      return (path, init) =>
        send(root.raw.request as UntypedRequest, root.context, "GET", path, init);
    }),
  };
}

type UntypedRequest = (
  method: string,
  path: string,
  init?: Record<string, unknown>,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** Sends one call and returns its parsed body, or throws the typed error for its failure. */
export async function send(
  request: UntypedRequest,
  context: RequestContext,
  method: string,
  path: string,
  init: Record<string, unknown> = {},
): Promise<unknown> {
  const safeInit = { ...init };
  for (const key of TRANSPORT_OVERRIDES) delete safeInit[key];
  let result: Awaited<ReturnType<UntypedRequest>>;
  try {
    result = await request(method, path, safeInit);
  } catch (error) {
    if (error instanceof PrefectApiError || error instanceof NotAllowedError) throw error;
    if (error instanceof SyntaxError) {
      throw new PrefectApiError({
        reason: "invalid-response",
        method,
        path,
        hint: "the body is not valid JSON",
      });
    }
    throw error;
  }
  const { data, error, response } = result;
  if (!response.ok) {
    // A stubbed fetch's response has no URL; then the path template is the best label there is.
    const label = response.url
      ? describeRequest({ method, url: response.url }, context.apiUrl)
      : { method, path };
    throw httpError(label, response.status, error, context);
  }
  return data;
}
