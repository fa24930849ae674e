export { authBaseUrlFromEnv } from "./auth-base-url.js";
export { CloudTokenError, type CloudTokenErrorCode } from "./errors.js";
export {
  type CloudAccessToken,
  DEFAULT_SCOPE,
  type ExchangeClientCredentialsOptions,
  exchangeClientCredentials,
} from "./exchange.js";
