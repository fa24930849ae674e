import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { paths } from "@prefect-mcp/client";
import createClient, {
  type Client,
  type ClientPathsWithMethod,
  type MaybeOptionalInit,
} from "openapi-fetch";

export interface SeedClientOptions {
  /** e.g. `http://127.0.0.1:41234/api` */
  apiUrl: string;
  /** `user:password` for a server started with `PREFECT_SERVER_API_AUTH_STRING`. */
  authString?: string;
}

type Method = "get" | "post" | "patch" | "put" | "delete";
type PathOf<M extends Method> = ClientPathsWithMethod<Client<paths>, M>;
type Init<P extends PathOf<M>, M extends Method> = MaybeOptionalInit<paths[P], M>;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type SuccessStatus = 200 | 201 | 202 | 204;
/** The JSON body of an operation's 2xx responses; `undefined` for one without a body (204). */
type SuccessBody<Operation> = Operation extends { responses: infer Responses }
  ? {
      [S in keyof Responses & SuccessStatus]: Responses[S] extends {
        content: { "application/json": infer Body };
      }
        ? Body
        : undefined;
    }[keyof Responses & SuccessStatus]
  : never;

/** A typed call that resolves to the response body, or throws SeedRequestError on any non-2xx. */
export type SeedMethod<M extends Method> = <P extends PathOf<M>, I extends Init<P, M>>(
  path: P,
  ...init: RequiredKeys<I> extends never ? [I?] : [I]
) => Promise<SuccessBody<paths[P][M]>>;

/**
 * A client that may write to Prefect, for arranging test state only. It is deliberately not the
 * public `@prefect-mcp/client`, whose transport refuses every write.
 */
export interface SeedClient {
  readonly apiUrl: string;
  readonly GET: SeedMethod<"get">;
  readonly POST: SeedMethod<"post">;
  readonly PATCH: SeedMethod<"patch">;
  readonly PUT: SeedMethod<"put">;
  readonly DELETE: SeedMethod<"delete">;
}

/** A seeding request Prefect refused. */
export class SeedRequestError extends Error {
  override readonly name = "SeedRequestError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** Prefect's explanation: its `detail`, or the validation errors of a 422. */
    readonly detail: string,
  ) {
    super(`${method} ${path} failed with HTTP ${status}: ${detail}`);
  }
}

export function createSeedClient(options: SeedClientOptions): SeedClient {
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = {};
  if (options.authString) {
    headers.Authorization = `Basic ${Buffer.from(options.authString).toString("base64")}`;
  }
  const raw = createClient<paths>({
    baseUrl: apiUrl,
    headers,
    fetch: withCsrfToken(fetchWithRetries, apiUrl, headers),
  });
  const request = raw.request as unknown as (
    method: string,
    path: string,
    init?: object,
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

  const call =
    (method: string) =>
    async (path: string, init?: object): Promise<unknown> => {
      let result: Awaited<ReturnType<typeof request>>;
      try {
        result = await request(method, path, init);
      } catch (cause) {
        if (cause instanceof SeedRequestError) throw cause;
        throw new Error(`${method} ${path}: could not reach Prefect at ${apiUrl}`, { cause });
      }
      const { data, error, response } = result;
      if (!response.ok) {
        const url = new URL(response.url);
        const relative = url.pathname.slice(new URL(apiUrl).pathname.length) || url.pathname;
        throw new SeedRequestError(method, relative, response.status, describeError(error));
      }
      return data;
    };

  return {
    apiUrl,
    GET: call("GET") as SeedMethod<"get">,
    POST: call("POST") as SeedMethod<"post">,
    PATCH: call("PATCH") as SeedMethod<"patch">,
    PUT: call("PUT") as SeedMethod<"put">,
    DELETE: call("DELETE") as SeedMethod<"delete">,
  };
}

/**
 * Under load the server's SQLite database is briefly locked and Prefect answers 503; its own
 * Python client retries those, and so does this one. A 503 means the transaction rolled back.
 * With every package's suite seeding its own server on two cores, a lock can outlast 8 s (seen in
 * full runs as the tools suite grew), so the waits add up to about 16 s.
 */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000];

/**
 * A kept-alive socket that the server closed while idle fails the next request before the server
 * read it (undici: "other side closed", ECONNRESET); resending that one cannot duplicate a write.
 */
function isStaleSocket(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return (
    cause?.code === "UND_ERR_SOCKET" ||
    cause?.code === "ECONNRESET" ||
    /other side closed/.test(cause?.message ?? "")
  );
}

async function fetchWithRetries(request: Request): Promise<Response> {
  for (const delay of RETRY_DELAYS_MS) {
    let response: Response;
    try {
      response = await fetch(request.clone());
    } catch (error) {
      if (!isStaleSocket(error)) throw error;
      await sleep(delay);
      continue;
    }
    if (!RETRY_STATUSES.has(response.status)) return response;
    await response.body?.cancel();
    await sleep(delay);
  }
  return fetch(request);
}

type Fetch = (request: Request) => Promise<Response>;

/**
 * A server started with CSRF protection refuses writes without a token it issued to a named client.
 * The token is fetched on the first refusal (and again if it has expired), then sent with each
 * request.
 */
function withCsrfToken(next: Fetch, apiUrl: string, headers: Record<string, string>): Fetch {
  const client = randomUUID();
  let token: string | undefined;
  const send = (request: Request) => {
    const copy = request.clone();
    if (token) {
      copy.headers.set("Prefect-Csrf-Token", token);
      copy.headers.set("Prefect-Csrf-Client", client);
    }
    return next(copy);
  };
  return async (request) => {
    const response = await send(request);
    if (response.status !== 403 || !(await isCsrfRefusal(response.clone()))) return response;
    const issued = await next(
      new Request(`${apiUrl}/csrf-token?client=${encodeURIComponent(client)}`, { headers }),
    );
    if (!issued.ok) {
      const body = await issued.json().catch(() => undefined);
      throw new SeedRequestError(
        "GET",
        "/csrf-token",
        issued.status,
        `${describeError(body)} (fetching the CSRF token this server demands for writes)`,
      );
    }
    token = ((await issued.json()) as { token: string }).token;
    return send(request);
  };
}

async function isCsrfRefusal(response: Response): Promise<boolean> {
  const body = (await response.json().catch(() => ({}))) as { detail?: unknown };
  return typeof body.detail === "string" && /CSRF token|client identifier/i.test(body.detail);
}

/**
 * Prefect explains an error in `detail`, or for invalid bodies in `exception_detail` (a list of
 * validation errors), or in `exception_message` alone (e.g. 401, 503).
 */
function describeError(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 500) || "(empty body)";
  if (!body || typeof body !== "object") return "(no detail)";
  const { detail, exception_detail, exception_message } = body as Record<string, unknown>;
  if (typeof detail === "string") return detail;
  const problems = Array.isArray(exception_detail) ? exception_detail : detail;
  if (Array.isArray(problems)) {
    return problems
      .map((problem: { loc?: unknown[]; msg?: string }) =>
        `${(problem.loc ?? []).join(".")}: ${problem.msg ?? JSON.stringify(problem)}`.trim(),
      )
      .join("; ");
  }
  if (typeof exception_message === "string") return exception_message;
  return JSON.stringify(body).slice(0, 500);
}
