import { apiRelativePath } from "./api-path.js";
import { NotAllowedError } from "./errors.js";
import type { Transport } from "./transport.js";

/**
 * POST routes whose last segment marks a query: Prefect's convention for reads that need a body.
 * Every matching route in the pinned spec was checked to be a pure read.
 */
export const READ_ONLY_POST_SUFFIXES = ["/filter", "/count", "/history", "/paginate"] as const;

/**
 * Other POST routes that only read, named one by one. Worker polls such as
 * `/work_pools/{name}/get_scheduled_flow_runs` and `/work_queues/{id}/get_runs` read too, but they
 * also mark queues and deployments as polled ("ready"), so they are deliberately absent.
 */
export const READ_ONLY_POST_ROUTES = [
  "/events/count-by/{countable}",
  "/flow_runs/lateness",
  "/ui/flow_runs/count-task-runs",
  "/ui/flows/count-deployments",
  "/ui/flows/next-runs",
  "/ui/task_runs/dashboard/counts",
  "/work_pools/{name}/concurrency_status",
  "/work_queues/{id}/concurrency_status",
] as const;

const explicitRoutes = READ_ONLY_POST_ROUTES.map(
  (route) => new RegExp(`^${route.replace(/\{[^/}]+\}/g, "[^/]+")}$`),
);

// Encoded slashes, backslashes and dots could make a server route differently from what was checked.
const AMBIGUOUS_ENCODING = /%(2f|5c|2e)/i;

/**
 * Whether a request only reads: GET and HEAD always; POST only to a known query route. `path` is
 * relative to the API URL (e.g. `/flows/filter`) and may carry a query string.
 */
export function isReadOnlyRequest(method: string, path: string): boolean {
  const verb = method.toUpperCase();
  if (verb === "GET" || verb === "HEAD") return true;
  if (verb !== "POST") return false;
  const route = path.split("?")[0]?.replace(/\/+$/, "") ?? "";
  if (AMBIGUOUS_ENCODING.test(route) || route.split("/").includes("..")) return false;
  return (
    READ_ONLY_POST_SUFFIXES.some((suffix) => route.endsWith(suffix)) ||
    explicitRoutes.some((pattern) => pattern.test(route))
  );
}

const SECRETS_REFUSED =
  "prefect-mcp never reads secret values (include_secrets); block documents are read with their secrets obfuscated.";

/**
 * The outermost transport layer: it copies each request, judges the copy, and sends only that copy,
 * so what is checked is exactly what leaves. A refused request throws NotAllowedError before any
 * byte is sent (and before CSRF tokens or retries are considered). Besides writes, it refuses
 * requests for secret values (Prefect's `include_secrets`), which an assistant must never see.
 */
export function readOnlyGuard(next: Transport, apiUrl: string): Transport {
  return async (input) => {
    // Redirects are refused: fetch would follow one (a 307 keeps method and body) after the verdict.
    const request = new Request(input, { redirect: "error" });
    const url = new URL(request.url);
    const path = apiRelativePath(url, apiUrl);
    const verb = request.method.toUpperCase();
    const allowed =
      verb === "GET" || verb === "HEAD" || (path !== undefined && isReadOnlyRequest(verb, path));
    if (!allowed) throw new NotAllowedError(verb, path ?? url.pathname);
    if (await asksForSecrets(request, url)) {
      throw new NotAllowedError(verb, path ?? url.pathname, SECRETS_REFUSED);
    }
    return next(request);
  };
}

/** Whether a request asks Prefect to include secret values, in its query or its JSON body. */
async function asksForSecrets(request: Request, url: URL): Promise<boolean> {
  if (/^(true|1|yes|on)$/i.test(url.searchParams.get("include_secrets") ?? "")) return true;
  if (!request.body) return false;
  const body = await request
    .clone()
    .json()
    .catch(() => undefined);
  return (
    !!body && typeof body === "object" && (body as Record<string, unknown>).include_secrets === true
  );
}
