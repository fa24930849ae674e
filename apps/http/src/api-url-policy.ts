import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/**
 * Which Prefect API URLs a caller may name in `X-Prefect-Api-Url`. A server that fetches whatever
 * URL a caller sends is an SSRF hole, so a header URL must sit under one of the operator's
 * prefixes, and link-local / cloud-metadata addresses are refused whatever the list says.
 */

export const ALLOWED_API_URLS_ENV = "PREFECT_MCP_ALLOWED_API_URLS";
export const API_URL_HEADER = "X-Prefect-Api-Url";

/** Prefect Cloud's account-scoped API, allowed by default so Cloud users can bring their own key. */
export const PREFECT_CLOUD_ACCOUNTS_PREFIX = "https://api.prefect.cloud/api/accounts/";

/** Resolves a hostname to all its addresses (the default is `dns.lookup` with `all: true`). */
export type LookupAll = (hostname: string) => Promise<string[]>;

export const lookupAll: LookupAll = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export type ApiUrlVerdict = { allowed: true; url: string } | { allowed: false; reason: string };

/**
 * The effective allow-list: `PREFECT_MCP_ALLOWED_API_URLS` (comma-separated URL prefixes) when set,
 * else the operator's own Prefect URL (if any) and Prefect Cloud's accounts API. Throws on a prefix
 * that is not an http(s) URL, so a typo stops the server at start instead of refusing everyone.
 */
export function allowedApiUrls(raw: string | undefined, operatorUrl: string | undefined): string[] {
  const listed = (raw ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const prefixes = listed.length
    ? listed
    : [...(operatorUrl ? [operatorUrl] : []), PREFECT_CLOUD_ACCOUNTS_PREFIX];
  return [...new Set(prefixes.map(normalisePrefix))];
}

/** A prefix as it is compared: origin plus path, without trailing slashes. */
export function normalisePrefix(prefix: string): string {
  let url: URL;
  try {
    url = new URL(prefix);
  } catch {
    throw new Error(`${ALLOWED_API_URLS_ENV}: "${prefix}" is not a URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`${ALLOWED_API_URLS_ENV}: "${prefix}" must be an http:// or https:// URL.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error(
      `${ALLOWED_API_URLS_ENV}: "${url.origin}${url.pathname}" must not have credentials, a query or a fragment.`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Whether `url` is under `prefix`: the same origin (scheme, host and port) and a path equal to the
 * prefix's or continuing it after a `/`. So `http://a/api` allows `http://a/api/x` but neither
 * `http://a/api-evil` nor `http://a.evil/api`.
 */
export function isUnderPrefix(url: string, prefix: string): boolean {
  let candidate: URL;
  let base: URL;
  try {
    candidate = new URL(url);
    base = new URL(prefix);
  } catch {
    return false;
  }
  if (candidate.origin !== base.origin) return false;
  const root = base.pathname.replace(/\/+$/, "");
  const path = candidate.pathname;
  return path === root || path.startsWith(`${root}/`);
}

/**
 * Whether an IP address is link-local or a cloud metadata endpoint: 169.254.0.0/16, fe80::/10,
 * fd00:ec2::254, and those IPv4 addresses in IPv4-mapped, IPv4-compatible and NAT64 form.
 */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return isForbiddenIpv4(bare);
  if (family !== 6) return false;
  const words = ipv6Words(bare);
  if (!words) return false;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  if ((w0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if (w0 === 0xfd00 && w1 === 0x0ec2 && !w2 && !w3 && !w4 && !w5 && !w6 && w7 === 0x0254) {
    return true; // AWS's IPv6 metadata endpoint
  }
  const embedded = `${w6 >> 8}.${w6 & 0xff}.${w7 >> 8}.${w7 & 0xff}`;
  const upperZero = !w0 && !w1 && !w2 && !w3 && !w4;
  if (upperZero && (w5 === 0xffff || w5 === 0)) return isForbiddenIpv4(embedded); // mapped, compatible
  if (w0 === 0x64 && w1 === 0xff9b && !w2 && !w3 && !w4 && !w5) return isForbiddenIpv4(embedded); // NAT64
  return false;
}

function isForbiddenIpv4(address: string): boolean {
  const [a, b] = address.split(".").map(Number);
  return a === 169 && b === 254;
}

/** An IPv6 address as its eight 16-bit words, or undefined if it cannot be read. */
function ipv6Words(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const bytes = dotted[1].split(".").map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = bytes;
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) =>
    part ? part.split(":").map((word) => Number.parseInt(word, 16)) : [];
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return words.some((word) => Number.isNaN(word) || word < 0 || word > 0xffff) ? undefined : words;
}

/**
 * Decides whether a caller-supplied API URL may be contacted, before any connection to it: only
 * http(s), no credentials in the URL, under one of `allowed`, and neither the literal host nor any
 * address it resolves to link-local or metadata. (Resolving a name is not a connection to it.)
 */
export async function checkApiUrl(
  raw: string,
  allowed: readonly string[],
  resolve: LookupAll = lookupAll,
): Promise<ApiUrlVerdict> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { allowed: false, reason: "it is not a valid URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return {
      allowed: false,
      reason: `only http and https are allowed, not ${url.protocol.replace(":", "")}`,
    };
  }
  if (url.username || url.password) {
    return { allowed: false, reason: "it must not contain credentials" };
  }
  if (url.search || url.hash) {
    return { allowed: false, reason: "it must not have a query string or fragment" };
  }
  const normalised = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && isForbiddenAddress(host)) {
    return { allowed: false, reason: "link-local and cloud metadata addresses are never allowed" };
  }
  if (!allowed.some((prefix) => isUnderPrefix(normalised, prefix))) {
    return { allowed: false, reason: `it is not under any prefix in ${ALLOWED_API_URLS_ENV}` };
  }
  if (!isIP(host)) {
    let addresses: string[];
    try {
      addresses = await resolve(host);
    } catch {
      return { allowed: false, reason: `its host name ${host} does not resolve` };
    }
    if (addresses.some(isForbiddenAddress)) {
      return {
        allowed: false,
        reason: `its host name ${host} resolves to a link-local or cloud metadata address`,
      };
    }
  }
  return { allowed: true, url: normalised };
}
