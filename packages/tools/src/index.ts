export {
  APP_OPTIONS,
  APP_OPTIONS_USAGE,
  type AppOptions,
  type AppOptionValues,
  describeArgsError,
  displayApiUrl,
  parseAppOptions,
  parseHttpUrl,
  parseToolList,
  runApp,
  selectByName,
  TOOL_OPTIONS,
  TOOL_OPTIONS_USAGE,
  UsageError,
} from "./app-options.js";
export {
  type AnyTool,
  defineTool,
  type GrantedWorkspace,
  READ_ONLY,
  type Tool,
  type ToolAnnotations,
  type ToolContext,
} from "./define-tool.js";
export { type ToolDefinition, toolDefinitions } from "./definitions.js";
export { type DocsProxy, type DocsProxyOptions, startDocsProxy } from "./docs-proxy.js";
export { InputError } from "./errors.js";
export { type RunToolOptions, runTool } from "./run-tool.js";
export {
  type CreatePrefectMcpServerOptions,
  createPrefectMcpServer,
  DEFAULT_DOCS_MCP_URL,
  type SettingsRequest,
} from "./server.js";
export { allTools, allTools as prefectTools } from "./tools/index.js";
export {
  chooseWorkspace,
  listAuthorizedWorkspaces,
  type WorkspaceGrant,
  withWorkspaceArgument,
} from "./workspace-grant.js";
