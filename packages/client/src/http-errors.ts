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
 * Prefect's `detail` from an error body (a string, or FastAPI's list of validation problems), with
 * secrets redacted before it is shortened, so a cut cannot leave part of one behind.
 */
export function prefectDetail(body: unknown, secrets: readonly string[] = []): string | undefined {
  const clean = (text: string) => truncate(redactSecrets(text, secrets));
  if (typeof body === "string") return body.trim() ? clean(body.trim()) : undefined;
  if (!body || typeof body !== "object") return undefined;
  // FastAPI errors carry `detail`; Prefect's auth-string middleware sends `exception_message`.
  const { detail = (body as { exception_message?: unknown }).exception_message } = body as {
    detail?: unknown;
  };
  if (detail === undefined) return undefined;
  if (typeof detail === "string") return clean(detail);
  if (Array.isArray(detail)) {
    return clean(
      detail
        .map((item) => {
          const { loc, msg } = (item ?? {}) as { loc?: unknown; msg?: unknown };
          const where = Array.isArray(loc) ? loc.join(".") : "";
          return where ? `${where}: ${String(msg)}` : String(msg);
        })
        .join("; "),
    );
  }
  return clean(JSON.stringify(detail));
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
