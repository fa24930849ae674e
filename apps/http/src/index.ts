export {
  ALLOWED_API_URLS_ENV,
  API_URL_HEADER,
  allowedApiUrls,
  checkApiUrl,
  isForbiddenAddress,
  isUnderPrefix,
  PREFECT_CLOUD_ACCOUNTS_PREFIX,
} from "./api-url-policy.js";
export {
  LISTEN_OPTIONS,
  LISTEN_OPTIONS_USAGE,
  type ListenOptions,
  parseListenOptions,
} from "./cli-args.js";
export {
  hostMcpOverHttp,
  type LogEntry,
  type McpHttpHost,
  type McpHttpHostOptions,
  sendJson,
  serveUntilSignal,
  stderrJsonLog,
} from "./mcp-http-host.js";
export { API_KEY_HEADER, AUTH_STRING_HEADER, requestSettings } from "./request-settings.js";
export {
  DEFAULT_MAX_BODY_BYTES,
  type HttpServerHandle,
  type ServeHttpOptions,
  serveHttp,
} from "./serve.js";
export { sharedDocsProxy } from "./shared-docs-proxy.js";
