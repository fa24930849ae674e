export {
  type CloudOAuthSettings,
  CloudSettingsError,
  ENVIRONMENTS,
  parseCloudSettings,
  REQUIRED_SCOPE,
  SHARED_KEY_ISSUER,
  type TokenVerification,
} from "./cloud-settings.js";
export { createGrantLookup, type GrantLookup, type GrantLookupOptions } from "./grant-cache.js";
export { METADATA_PATH, protectedResourceMetadata } from "./protected-resource.js";
export {
  type CloudOAuthServerHandle,
  type ServeCloudOAuthOptions,
  serveCloudOAuth,
} from "./serve.js";
export {
  createTokenVerifier,
  isTokenRefusal,
  refusalStatus,
  type TokenRefusal,
  type VerifyToken,
} from "./token-verifier.js";
