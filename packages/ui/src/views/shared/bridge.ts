import { App } from "@modelcontextprotocol/ext-apps";
import { errorMessage, setStatus } from "./dom.js";
import { applyHostContext, followSystemTheme } from "./theme.js";
import { type Outcome, type ToolResultLike, toolOutcome } from "./tool-result.js";

/** The one thing views need from the host once running: calling our server's tools. */
export interface ToolCaller {
  call(tool: string, args: Record<string, unknown>): Promise<Outcome>;
}

export interface ViewOptions {
  name: string;
  /** Where a fatal error (no host, cancelled call) is shown. */
  root: HTMLElement;
  /** The arguments of the tool call that opened the view, before its result arrives. */
  onInput?(args: Record<string, unknown>): void;
  /** The result of that tool call; may come more than once (a host may replay it). */
  onResult(result: ToolResultLike, tools: ToolCaller): void;
}

/**
 * Connects the view to its host: handlers first (the host may send the tool result right after
 * the handshake), then the handshake, then the host's initial theme and style variables.
 */
export function startView(options: ViewOptions): void {
  setStatus("loading");
  followSystemTheme();
  const app = new App(
    { name: `prefect-mcp-${options.name}`, version: "1.0.0" },
    {},
    {
      autoResize: true,
    },
  );
  const tools: ToolCaller = {
    async call(tool, args) {
      try {
        return toolOutcome(await app.callServerTool({ name: tool, arguments: args }), tool);
      } catch (error) {
        return { ok: false, message: `${tool} could not be called: ${messageOf(error)}` };
      }
    },
  };

  app.ontoolinput = ({ arguments: args }) => options.onInput?.(args ?? {});
  app.ontoolresult = (result) => options.onResult(result, tools);
  app.ontoolcancelled = ({ reason }) => {
    if (document.body.dataset.status !== "loading") return;
    fatal(options.root, `The tool call was cancelled${reason ? `: ${reason}` : "."}`);
  };
  app.onhostcontextchanged = (context) => applyHostContext(context);
  app.onteardown = async () => ({});

  app.connect().then(
    () => applyHostContext(app.getHostContext()),
    (error: unknown) =>
      fatal(options.root, `This view could not connect to its MCP host: ${messageOf(error)}`),
  );
}

export function fatal(root: HTMLElement, message: string): void {
  root.replaceChildren(errorMessage(message));
  setStatus("error");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
