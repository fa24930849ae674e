import { randomUUID } from "node:crypto";
import { z } from "zod";
import { describeRequest, httpError, type RequestContext, readErrorBody } from "./http-errors.js";
import type { Transport } from "./transport.js";

const csrfTokenSchema = z.object({ token: z.string(), expiration: z.string() });
const METHODS_NEEDING_TOKEN = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// Prefect's CSRF middleware answers 403 with one of these details.
const CSRF_REJECTION = /CSRF token|client identifier/i;
// Renew a little before expiry so a token never lapses in flight.
const EXPIRY_MARGIN_MS = 30_000;

interface CsrfToken {
  value: string;
  expiresAt: number;
}

/**
 * Supplies Prefect's CSRF token to POSTs when the server demands one
 * (`PREFECT_SERVER_CSRF_PROTECTION_ENABLED`). Nothing is fetched until a server refuses a request
 * for want of a token; then one token is fetched, cached until shortly before it expires, and the
 * request is sent again once.
 */
export function csrfProtection(next: Transport, context: RequestContext): Transport {
  const clientId = randomUUID();
  let token: CsrfToken | undefined;
  let pending: Promise<CsrfToken | undefined> | undefined;

  const fetchToken = async (like: Request): Promise<CsrfToken | undefined> => {
    const headers = new Headers();
    for (const name of ["authorization", "user-agent"]) {
      const value = like.headers.get(name);
      if (value) headers.set(name, value);
    }
    const url = `${context.apiUrl}/csrf-token?client=${encodeURIComponent(clientId)}`;
    const request = new Request(url, { headers, signal: like.signal });
    const response = await next(request);
    if (response.status === 422) {
      // "CSRF protection is disabled": the refusal was not about CSRF after all.
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      // Typically 401: the credentials are wrong, which matters more than the missing token.
      const label = describeRequest(request, context.apiUrl);
      throw httpError(label, response.status, await readErrorBody(response), context);
    }
    const parsed = csrfTokenSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) return undefined;
    return { value: parsed.data.token, expiresAt: Date.parse(parsed.data.expiration) };
  };

  const withToken = (request: Request, current: CsrfToken) => {
    const headers = new Headers(request.headers);
    headers.set("Prefect-Csrf-Token", current.value);
    headers.set("Prefect-Csrf-Client", clientId);
    return new Request(request, { headers });
  };

  return async (request) => {
    if (!METHODS_NEEDING_TOKEN.has(request.method.toUpperCase())) return next(request);
    const spare = request.clone();
    const cached = token && token.expiresAt - EXPIRY_MARGIN_MS > Date.now() ? token : undefined;
    const response = await next(cached ? withToken(request, cached) : request);
    if (response.status !== 403) return response;
    const detail = await response
      .clone()
      .text()
      .catch(() => "");
    if (!CSRF_REJECTION.test(detail)) return response;

    // Concurrent refusals share one token request.
    pending ??= fetchToken(spare).finally(() => {
      pending = undefined;
    });
    const fresh = await pending;
    if (!fresh) return response;
    token = fresh;
    await response.body?.cancel();
    return next(withToken(spare, fresh));
  };
}
