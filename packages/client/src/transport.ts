import { csrfProtection } from "./csrf.js";
import { readOnlyGuard } from "./read-only-guard.js";
import { type RetryOptions, retrying } from "./retries.js";

/** What sends a request: `fetch`, or a layer wrapped around it. */
export type Transport = (request: Request) => Promise<Response>;

export interface TransportOptions {
  apiUrl: string;
  /** Values to scrub from anything that reaches an error message. */
  secrets: readonly string[];
  retry: RetryOptions;
  fetch?: Transport;
}

/**
 * The layers every request passes, outermost first: the read-only guard, CSRF tokens, then
 * timeouts and retries around the real `fetch`.
 */
export function createTransport(options: TransportOptions): Transport {
  const send: Transport = options.fetch ?? ((request) => fetch(request));
  return readOnlyGuard(
    csrfProtection(retrying(send, options.retry, options), options),
    options.apiUrl,
  );
}
