import { type Exchange, readBody, sendDetail, sendRaw } from "./http.js";
import type { SimulatedWorkspace } from "./types.js";

/** Request headers worth passing on; the caller's Authorization is Cloud's to check, not Prefect's. */
const FORWARDED_REQUEST_HEADERS = ["content-type", "accept"];

/**
 * Serves a workspace API call from the workspace's real Prefect server: same method, path below the
 * workspace URL, query and body; the upstream status, Content-Type and body come back unchanged.
 */
export async function forwardToWorkspace(
  exchange: Exchange,
  workspace: SimulatedWorkspace,
  /** The path below the workspace URL, starting with "/". */
  rest: string,
  /** This workspace's URL on the simulator, for redirects Prefect sends back. */
  workspaceApiUrl: string,
): Promise<void> {
  const { req } = exchange;
  const upstreamBase = workspace.prefectApiUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);

  let upstream: Response;
  try {
    upstream = await fetch(`${upstreamBase}${rest}${exchange.url.search}`, {
      method,
      headers,
      // As bytes, not a Buffer: packages that type-check this file with DOM's fetch accept only that.
      ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}),
      // A redirect is the caller's to follow (or refuse), as it would be against Cloud.
      redirect: "manual",
    });
  } catch (error) {
    const reason = error instanceof Error ? (error.cause ?? error).toString() : String(error);
    sendDetail(exchange, 502, `The workspace's Prefect server is unreachable: ${reason}`);
    return;
  }

  const responseHeaders: Record<string, string> = {};
  const contentType = upstream.headers.get("content-type");
  if (contentType) responseHeaders["Content-Type"] = contentType;
  const location = upstream.headers.get("location");
  if (location) {
    // Prefect redirects to its own URL; the caller should see the workspace URL instead.
    const absolute = new URL(location, `${upstreamBase}${rest}`).href;
    responseHeaders.Location = absolute.startsWith(upstreamBase)
      ? `${workspaceApiUrl}${absolute.slice(upstreamBase.length)}`
      : absolute;
  }
  sendRaw(exchange, upstream.status, Buffer.from(await upstream.arrayBuffer()), responseHeaders);
}
