import {
  AppBridge,
  getToolUiResourceUri,
  type HostOptions,
  PostMessageTransport,
  RESOURCE_MIME_TYPE,
} from "@modelcontextprotocol/ext-apps/app-bridge";
import type {
  CallToolResult,
  ListToolsResult,
  ReadResourceResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { AppToolCall, ShowRequest, Theme } from "./host-api.js";

// A minimal MCP Apps host, as a chat client embeds a tool's view: it finds the view through the
// server's tools/list and resources/read, renders it in a sandboxed srcdoc iframe, and proxies
// the view's tool calls to the real server (through a Playwright binding).

// ext-apps' d.ts re-export their types from extensionless paths NodeNext cannot follow.
type HostContext = NonNullable<HostOptions["hostContext"]>;

const INITIALIZE_TIMEOUT_MS = 15_000;
const TEARDOWN_TIMEOUT_MS = 2_000;
const views = document.getElementById("views") as HTMLElement;
const appToolCalls: AppToolCall[] = [];
let current:
  | {
      bridge: AppBridge;
      transport: PostMessageTransport;
      iframe: HTMLIFrameElement;
      context: HostContext;
    }
  | undefined;

async function show(request: ShowRequest): Promise<void> {
  const { tools } = (await window.mcp({ method: "tools/list" })) as ListToolsResult;
  const tool = tools.find((candidate) => candidate.name === request.tool);
  if (!tool) throw new Error(`tools/list has no tool ${request.tool}`);
  const uri = getToolUiResourceUri(tool);
  if (!uri) throw new Error(`${request.tool} declares no view (_meta.ui.resourceUri)`);
  const { contents } = (await window.mcp({
    method: "resources/read",
    params: { uri },
  })) as ReadResourceResult;
  const content = contents.find((candidate) => candidate.uri === uri);
  if (!content || !("text" in content) || content.mimeType !== RESOURCE_MIME_TYPE) {
    throw new Error(`resources/read ${uri} returned no ${RESOURCE_MIME_TYPE} text`);
  }

  await close();
  setTheme(request.theme);
  const iframe = document.createElement("iframe");
  // Scripts only, opaque origin: the view reaches neither this page's DOM nor its storage, and
  // talks to the host only by postMessage. (That it makes no request is the test's to check.)
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.title = request.tool;
  iframe.dataset.testid = "view";
  views.replaceChildren(iframe);

  const context: HostContext = {
    theme: request.theme,
    displayMode: "inline",
    availableDisplayModes: ["inline"],
    platform: "web",
    locale: "en-US",
    timeZone: "UTC",
    containerDimensions: { width: iframe.clientWidth, maxHeight: 4_000 },
    toolInfo: { tool },
  };
  const bridge = new AppBridge(
    null,
    { name: "prefect-mcp-test-host", version: "1.0.0" },
    { serverTools: {}, serverResources: {}, logging: {} },
    { hostContext: context },
  );
  bridge.oncalltool = async (params) => {
    appToolCalls.push({ name: params.name, arguments: params.arguments ?? {} });
    return (await window.mcp({ method: "tools/call", params })) as CallToolResult;
  };
  bridge.onreadresource = async (params) =>
    (await window.mcp({ method: "resources/read", params })) as ReadResourceResult;
  bridge.onsizechange = ({ height }) => {
    if (height !== undefined) iframe.style.height = `${height}px`;
  };
  bridge.onloggingmessage = ({ level, data }) => console.log(`[view ${level}]`, data);
  const initialized = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the ${uri} view never sent ui/notifications/initialized`)),
      INITIALIZE_TIMEOUT_MS,
    );
    bridge.oninitialized = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  // Listen before the view loads, so its ui/initialize request is not missed.
  const frameWindow = iframe.contentWindow as Window;
  const transport = new PostMessageTransport(frameWindow, frameWindow);
  current = { bridge, transport, iframe, context };
  await bridge.connect(transport);
  iframe.srcdoc = content.text;
  await initialized;
  await bridge.sendToolInput({ arguments: request.input });
  await bridge.sendToolResult(request.result);
}

function setTheme(theme: Theme): void {
  document.body.dataset.theme = theme;
  if (!current) return;
  current.context = { ...current.context, theme };
  current.bridge.setHostContext(current.context);
}

/** Unmounts the current view as a host does: teardown request first, then the iframe goes. */
async function close(): Promise<void> {
  if (!current) return;
  const { bridge, transport, iframe } = current;
  current = undefined;
  await Promise.race([
    bridge.teardownResource({}).catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, TEARDOWN_TIMEOUT_MS)),
  ]);
  await transport.close();
  iframe.remove();
}

window.testHost = { show, setTheme, appToolCalls };
