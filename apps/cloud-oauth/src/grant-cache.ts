import { createHash } from "node:crypto";
import { fetchGrantedWorkspaces, type GrantedCloudWorkspace } from "@prefect-mcp/client";

export interface GrantLookupOptions {
  authBaseUrl: string;
  /** How long one token's grant is trusted before asking Cloud again (default 60 s). */
  ttlMs?: number;
  /** Entries kept at most; the oldest go first (default 10 000). */
  maxEntries?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type GrantLookup = (
  token: string,
  expiresAt: number | undefined,
) => Promise<GrantedCloudWorkspace[]>;

/**
 * The workspaces a token's grant covers, cached briefly (a stateless server would otherwise ask
 * Cloud on every request) and keyed by a hash of the token, so no token sits in memory as a key.
 * Concurrent requests with one token share a single lookup; a failed lookup is not cached.
 */
export function createGrantLookup(options: GrantLookupOptions): GrantLookup {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { until: number; workspaces: Promise<GrantedCloudWorkspace[]> }>();

  return (token, expiresAt) => {
    const key = createHash("sha256").update(token).digest("hex");
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.workspaces;
    cache.delete(key);

    const workspaces = fetchGrantedWorkspaces({
      authBaseUrl: options.authBaseUrl,
      token,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    // Never past the token's own expiry.
    const until = Math.min(now + ttlMs, expiresAt ? expiresAt * 1000 : Number.POSITIVE_INFINITY);
    cache.set(key, { until, workspaces });
    workspaces.catch(() => {
      if (cache.get(key)?.workspaces === workspaces) cache.delete(key);
    });
    // Maps iterate in insertion order: the first keys are the oldest.
    for (const oldest of cache.keys()) {
      if (cache.size <= maxEntries) break;
      cache.delete(oldest);
    }
    return workspaces;
  };
}
