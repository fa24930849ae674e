/**
 * The path of `url` below the API URL (`/flows/filter` for `http://host/api/flows/filter`), or
 * undefined when `url` is not under the API URL at all.
 */
export function apiRelativePath(url: URL, apiUrl: string): string | undefined {
  const base = new URL(apiUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) return undefined;
  return url.pathname.slice(basePath.length);
}
