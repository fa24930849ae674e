import { apiRelativePath } from "./api-path.js";
import { PrefectApiError, redactSecrets } from "./errors.js";

/** What error messages need to know about the client that sent a request. */
export interface RequestContext {
  apiUrl: string;
  secrets: readonly string[];
}

/** Method and API-relative path of a request, as error messages show them. */
export function describeRequest(
  request: Pick<Request, "method" | "url">,
  apiUrl: string,
): { method: string; path: string } {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    path: apiRelativePath(url, apiUrl) ?? url.pathname,
  };
}

/**
 * Prefect's explanation from an error body, with secrets redacted before it is shortened, so a cut
 * cannot leave part of one behind. FastAPI errors carry `detail` (a string or a list of problems);
 * Prefect's own handlers send `exception_message`, with the problems of an invalid request (422) in
 * `exception_detail`; OAuth endpoints send `error_description`.
 */
export function prefectDetail(body: unknown, secrets: readonly string[] = []): string | undefined {
  const clean = (text: string) => truncate(redactSecrets(text, secrets));
  if (typeof body === "string") return body.trim() ? clean(body.trim()) : undefined;
  if (!body || typeof body !== "object") return undefined;
  const { detail, exception_message, exception_detail, error_description } = body as Record<
    string,
    unknown
  >;
  if (typeof detail === "string") return clean(detail);
  // Prefect Cloud's OAuth endpoints answer in RFC 6749's shape.
  if (detail === undefined && typeof error_description === "string") {
    return clean(error_description);
  }
  const problems = Array.isArray(exception_detail) ? exception_detail : detail;
  if (Array.isArray(problems)) {
    const listed = problems.map(describeProblem).join("; ");
    return clean(typeof exception_message === "string" ? `${exception_message} ${listed}` : listed);
  }
  if (typeof exception_message === "string") return clean(exception_message);
  return detail === undefined ? undefined : clean(JSON.stringify(detail));
}

/** One FastAPI validation problem as `where: what`, e.g. `body.limit: Input should be ≤ 200`. */
function describeProblem(problem: unknown): string {
  const { loc, msg } = (problem ?? {}) as { loc?: unknown; msg?: unknown };
  const where = Array.isArray(loc) ? loc.join(".") : "";
  return where ? `${where}: ${String(msg)}` : String(msg);
}

/** Builds the error for an HTTP error response whose body is already parsed (JSON or text). */
export function httpError(
  label: { method: string; path: string },
  status: number,
  body: unknown,
  context: RequestContext,
  hint?: string,
): PrefectApiError {
  const detail = prefectDetail(body, context.secrets);
  return new PrefectApiError({
    reason: "http",
    ...label,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(hint === undefined ? {} : { hint }),
  });
}

/** Reads and parses an error response's body without throwing. */
export async function readErrorBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function truncate(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
