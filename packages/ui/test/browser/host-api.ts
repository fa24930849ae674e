import type {
  CallToolRequest,
  CallToolResult,
  ReadResourceRequest,
} from "@modelcontextprotocol/sdk/types.js";

// What the test host page and the test share: the page's API on `window.testHost`, and the
// requests it forwards to the real MCP server through the Playwright binding `window.mcp`.

export type Theme = "light" | "dark";

/** A tool call the model made, whose result the host shows in the tool's view. */
export interface ShowRequest {
  tool: string;
  input: Record<string, unknown>;
  result: CallToolResult;
  theme: Theme;
}

/** A tools/call a view made through the bridge. */
export interface AppToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** The MCP requests the host page sends to the server. */
export type McpRequest =
  | { method: "tools/list" }
  | { method: "resources/read"; params: ReadResourceRequest["params"] }
  | { method: "tools/call"; params: CallToolRequest["params"] };

export interface TestHost {
  /** Finds the tool's view through tools/list and resources/read, shows it in a sandboxed iframe
   * and hands it the call's input and result; resolves once the view has both. */
  show(request: ShowRequest): Promise<void>;
  /** Switches the host's theme, as a user toggling dark mode would. */
  setTheme(theme: Theme): void;
  /** Every tools/call the views made, oldest first. */
  readonly appToolCalls: AppToolCall[];
}

/** The binding's name on `window`; the Node side answers it. */
export const MCP_BINDING = "mcp";

declare global {
  interface Window {
    /** Exposed by the test (MCP_BINDING): sends one request to the real MCP server. */
    mcp(request: McpRequest): Promise<unknown>;
    /** Set by host.ts. */
    testHost: TestHost;
  }
}
