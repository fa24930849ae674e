import type { Middleware } from "openapi-fetch";
import type { PrefectSettings } from "./settings.js";

/**
 * Sets `Authorization` and `User-Agent` on every request. An API key is sent as a bearer token; an
 * auth string (`user:password`) as HTTP Basic. Given both, the auth string wins, as in Prefect's own
 * client.
 */
export function authMiddleware(
  settings: Pick<PrefectSettings, "apiKey" | "authString">,
  userAgent: string,
): Middleware {
  const authorization = settings.authString
    ? `Basic ${Buffer.from(settings.authString).toString("base64")}`
    : settings.apiKey
      ? `Bearer ${settings.apiKey}`
      : undefined;
  return {
    onRequest({ request }) {
      request.headers.set("User-Agent", userAgent);
      if (authorization) request.headers.set("Authorization", authorization);
    },
  };
}
