import type { paths } from "./generated/prefect-api.js";
import type { READ_ONLY_POST_ROUTES, READ_ONLY_POST_SUFFIXES } from "./read-only-guard.js";

type ReadOnlyPostRoute = Extract<
  keyof paths,
  `${string}${(typeof READ_ONLY_POST_SUFFIXES)[number]}` | (typeof READ_ONLY_POST_ROUTES)[number]
>;

/**
 * Prefect's API as this client may call it: every GET, and POST only on the routes the read-only
 * guard lets through, so a mutating call does not even compile. (The guard still refuses it at run
 * time for callers without types.)
 */
export type ReadOnlyPaths = {
  [P in keyof paths]: Pick<paths[P], "parameters" | "get"> &
    (P extends ReadOnlyPostRoute ? Pick<paths[P], "post"> : { post?: never });
};
