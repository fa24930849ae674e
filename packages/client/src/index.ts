export {
  createPrefectClient,
  type PrefectClient,
  type PrefectClientOptions,
  type ReadMethod,
} from "./client.js";
export type {
  CloudAccount,
  CloudApi,
  CloudUser,
  CloudWorkspaceAccess,
  CloudWorkspaceDetails,
  RateLimitUsage,
  RateLimitUsageQuery,
} from "./cloud.js";
export { RATE_LIMIT_KEYS } from "./cloud.js";
export {
  cloudWorkspaceSettings,
  type FetchGrantedWorkspacesOptions,
  fetchGrantedWorkspaces,
  GRANT_WORKSPACES_PATH,
  type GrantedCloudWorkspace,
  grantedWorkspaceSchema,
} from "./cloud-oauth.js";
export {
  NotAllowedError,
  PrefectApiError,
  type PrefectApiErrorReason,
  PrefectSettingsError,
  redactSecrets,
} from "./errors.js";
export type { components, operations, paths } from "./generated/prefect-api.js";
export { type OpenApiDocument, prefectOpenApiSpec } from "./openapi-spec.js";
export { PREFECT_VERSION } from "./prefect-version.js";
export { profilesPath } from "./profiles.js";
export {
  isReadOnlyRequest,
  READ_ONLY_POST_ROUTES,
  READ_ONLY_POST_SUFFIXES,
} from "./read-only-guard.js";
export type { ReadOnlyPaths } from "./read-only-paths.js";
export {
  type CloudWorkspace,
  detectCloudWorkspace,
  type PrefectSettingSource,
  type PrefectSettings,
  type PrefectSettingsOverrides,
  type ResolvePrefectSettingsOptions,
  resolvePrefectSettings,
  secretsOf,
} from "./settings.js";

/** Shorthand for a schema object of Prefect's API, e.g. `Schema<"FlowRun">`. */
export type Schema<Name extends keyof import("./generated/prefect-api.js").components["schemas"]> =
  import("./generated/prefect-api.js").components["schemas"][Name];
