import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ensureChromium } from "@prefect-mcp/testing";
import { type Browser, chromium, type Frame, type Page } from "playwright-core";
import { build } from "vite";
import { viteSingleFile } from "vite-plugin-singlefile";
import {
  type AppToolCall,
  MCP_BINDING,
  type McpRequest,
  type ShowRequest,
  type Theme,
} from "./host-api.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Written on every run, for a human to look at. */
const SCREENSHOT_DIR = path.resolve(HERE, "../../test-results/screenshots");
/** The README's pictures, refreshed only with PREFECT_MCP_UPDATE_SCREENSHOTS=1. */
const DOCS_SCREENSHOT_DIR = path.resolve(HERE, "../../../../docs/screenshots");
const VIEWPORT = { width: 1100, height: 900 };
const VIEW = 'iframe[data-testid="view"]';

/** Bundles host.html and host.ts into one self-contained HTML file, as a host page to load. */
async function buildHostPage(outDir: string): Promise<string> {
  await build({
    configFile: false,
    root: HERE,
    logLevel: "warn",
    plugins: [viteSingleFile()],
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      rollupOptions: { input: path.join(HERE, "host.html") },
    },
  });
  return path.join(outDir, "host.html");
}

/**
 * Headless Chromium showing the test host page, its MCP requests answered by `client` (a real
 * server). One per test file: launching the browser is the slow part.
 */
export async function openBrowserHost(client: Client): Promise<BrowserHost> {
  const outDir = await mkdtemp(path.join(tmpdir(), "prefect-mcp-host-"));
  const [hostPage, executablePath] = await Promise.all([buildHostPage(outDir), ensureChromium()]);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      // Root in a container has no user namespaces for Chromium's sandbox.
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
      // Out of process, a sandboxed iframe's requests escape page.on("request"); in process, the
      // same sandbox (opaque origin, scripts only) applies and every request it makes is seen.
      "--disable-features=IsolateSandboxedIframes",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const host = new BrowserHost(browser, page, pathToFileURL(hostPage).href, outDir);
    await page.exposeBinding(MCP_BINDING, async (source, request: McpRequest) => {
      // The view's iframe sees the binding too; only the host may reach the server.
      if (source.frame !== page.mainFrame()) throw new Error("only the host page may call MCP");
      return host.answer(client, request);
    });
    await page.goto(host.url);
    await host.checkRequestsAreSeen();
    return host;
  } catch (error) {
    await browser.close();
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
}

export class BrowserHost {
  /** Every URL the page (host or view) requested, in order. */
  readonly requests: string[] = [];
  /** Uncaught errors and console errors of the host and the view. */
  readonly errors: string[] = [];

  constructor(
    private readonly browser: Browser,
    readonly page: Page,
    readonly url: string,
    private readonly outDir: string,
  ) {
    page.on("request", (request) => this.requests.push(request.url()));
    page.on("pageerror", (error) => this.errors.push(error.stack ?? error.message));
    page.on("console", (message) => {
      if (message.type() === "error") this.errors.push(message.text());
    });
  }

  /**
   * Proves that a request from a sandboxed iframe reaches `requests`: without that, finding none
   * would prove nothing.
   */
  async checkRequestsAreSeen(): Promise<void> {
    const probe = "http://network-probe.invalid/probe.txt";
    // Answered here, so the probe neither leaves the machine nor logs a load error.
    await this.page.route(probe, (route) => route.fulfill({ status: 200, body: "seen" }));
    const seen = this.page.waitForRequest(probe, { timeout: 5_000 });
    await this.page.evaluate((url) => {
      const iframe = document.createElement("iframe");
      iframe.id = "network-probe";
      iframe.setAttribute("sandbox", "allow-scripts");
      iframe.srcdoc = `<script>fetch(${JSON.stringify(url)}, { mode: "no-cors" })</script>`;
      document.body.append(iframe);
    }, probe);
    await seen.catch(() => {
      throw new Error("page.on('request') does not see a sandboxed iframe's requests");
    });
    await this.page.evaluate(() => document.getElementById("network-probe")?.remove());
    await this.page.unroute(probe);
    this.requests.splice(0, this.requests.length, this.url);
  }

  async answer(client: Client, request: McpRequest): Promise<unknown> {
    switch (request.method) {
      case "tools/list":
        return client.listTools();
      case "resources/read":
        return client.readResource(request.params);
      case "tools/call":
        return client.callTool(request.params);
    }
  }

  /** Shows a tool call's result in its view and waits until the view says it is ready. */
  async show(
    tool: string,
    input: Record<string, unknown>,
    result: CallToolResult,
    theme: Theme = "light",
  ): Promise<Frame> {
    const request: ShowRequest = { tool, input, result, theme };
    await this.page.evaluate((shown) => window.testHost.show(shown), request);
    const view = await this.view();
    await view.waitForSelector("body[data-status=ready]", { timeout: 15_000 }).catch(async () => {
      const status = await view.evaluate(() => document.body.dataset.status);
      throw new Error(
        `the ${tool} view never became ready (body data-status=${status}); page errors:\n` +
          this.errors.join("\n"),
      );
    });
    return view;
  }

  /** The frame of the view shown now. */
  async view(): Promise<Frame> {
    const frame = await (await this.page.waitForSelector(VIEW)).contentFrame();
    if (!frame) throw new Error("the view's iframe has no frame");
    return frame;
  }

  setTheme(theme: Theme): Promise<void> {
    return this.page.evaluate((chosen) => window.testHost.setTheme(chosen), theme);
  }

  /** Every tools/call the views made through the bridge. */
  appToolCalls(): Promise<AppToolCall[]> {
    return this.page.evaluate(() => window.testHost.appToolCalls);
  }

  /** Requests other than the host page itself and `about:` / `data:` URLs. */
  unexpectedRequests(): string[] {
    return this.requests.filter(
      (url) => url !== this.url && !url.startsWith("about:") && !url.startsWith("data:"),
    );
  }

  /**
   * Screenshots the whole view (its iframe grown to the content's height) into
   * test-results/screenshots/, and into docs/screenshots/ when `docs` is set and
   * PREFECT_MCP_UPDATE_SCREENSHOTS=1.
   */
  async screenshot(name: string, options: { docs?: boolean } = {}): Promise<string> {
    const view = await this.view();
    const height = await view.evaluate(() => document.documentElement.scrollHeight);
    const iframe = this.page.locator(VIEW);
    const top = await iframe.evaluate((element, pixels) => {
      (element as HTMLElement).style.height = `${pixels}px`;
      return element.getBoundingClientRect().top + window.scrollY;
    }, height);
    // Chromium paints an iframe's content only inside the viewport: make it fit the whole view.
    await this.page.setViewportSize({ width: VIEWPORT.width, height: Math.ceil(top + height) });
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    try {
      await iframe.screenshot({ path: file, animations: "disabled" });
    } finally {
      await this.page.setViewportSize(VIEWPORT);
    }
    if (options.docs && process.env.PREFECT_MCP_UPDATE_SCREENSHOTS === "1") {
      await mkdir(DOCS_SCREENSHOT_DIR, { recursive: true });
      await copyFile(file, path.join(DOCS_SCREENSHOT_DIR, `${name}.png`));
    }
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await rm(this.outDir, { recursive: true, force: true });
  }
}
