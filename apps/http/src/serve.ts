import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createPrefectClient, type PrefectSettings } from "@prefect-mcp/client";
import {
  createPrefectMcpServer,
  DEFAULT_DOCS_MCP_URL,
  type DocsProxy,
  displayApiUrl,
  startDocsProxy,
} from "@prefect-mcp/tools";
import { allowedApiUrls, type LookupAll } from "./api-url-policy.js";
import { operatorSettings, requestSettings } from "./request-settings.js";

export interface ServeHttpOptions {
  host?: string;
  /** 0 picks any free port (default 8000). */
  port?: number;
  profile?: string;
  apiUrl?: string;
  enable?: readonly string[];
  disable?: readonly string[];
  /** Proxy Prefect's docs MCP server (default true). */
  docs?: boolean;
  /** Browser origins allowed to call /mcp; a request without Origin always passes. */
  allowedOrigins?: readonly string[];
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** How long shutdown waits for in-flight requests before dropping them (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Where settings come from (default `process.env`). */
  env?: Record<string, string | undefined>;
  name?: string;
  version?: string;
  /** Receives one JSON object per log line (default: written to stderr). */
  log?: (entry: Record<string, unknown>) => void;
  lookup?: LookupAll;
}

export interface HttpServerHandle {
  /** The bound base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** The effective allow-list for X-Prefect-Api-Url. */
  allowedApiUrls: readonly string[];
  /** Stops accepting, lets in-flight requests finish (bounded), closes the docs proxy. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/** Serves the Prefect MCP tools over Streamable HTTP at `/mcp` (stateless), plus health checks. */
export async function serveHttp(options: ServeHttpOptions = {}): Promise<HttpServerHandle> {
  const log =
    options.log ??
    ((entry: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(entry)}\n`));
  const emit = (entry: Record<string, unknown>) =>
    log({ time: new Date().toISOString(), ...entry });
  const warn = (message: string) => emit({ level: "warn", message });
  const env: Record<string, string | undefined> = {
    ...(options.env ?? process.env),
    ...(options.profile ? { PREFECT_PROFILE: options.profile } : {}),
  };
  const operator = operatorSettings({ env, apiUrl: options.apiUrl });
  const allowed = allowedApiUrls(env.PREFECT_MCP_ALLOWED_API_URLS, operator?.apiUrl);
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map(originOf));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const host = options.host ?? "127.0.0.1";
  const loopback = LOOPBACK_HOSTS.has(host);

  // One docs proxy for the process; each request's server borrows it.
  const docs: DocsProxy | false =
    options.docs === false
      ? false
      : startDocsProxy({
          url: env.PREFECT_DOCS_MCP_URL ?? DEFAULT_DOCS_MCP_URL,
          timeoutMs: 5_000,
          log: warn,
          onReady: () => {},
        });

  let port = 0;
  let shuttingDown = false;
  const inFlight = new Set<ServerResponse>();

  const handleMcp = async (req: IncomingMessage, res: ServerResponse, entry: LogEntry) => {
    if (req.method !== "POST") {
      return sendJson(
        res,
        405,
        { error: "Use POST for /mcp (stateless Streamable HTTP)." },
        {
          Allow: "POST",
        },
      );
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === TOO_LARGE) {
      return sendJson(
        res,
        413,
        { error: `Request body over ${maxBodyBytes} bytes.` },
        { Connection: "close" },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return sendJson(res, 400, {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32700, message: "Parse error: the request body is not valid JSON." },
      });
    }
    describeRpc(parsed, entry);

    const server = createPrefectMcpServer({
      settings: () =>
        requestSettings(req.headers, {
          env,
          operator,
          ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
          allowedApiUrls: allowed,
          ...(options.lookup ? { lookup: options.lookup } : {}),
        }),
      ...(options.enable?.length ? { enable: options.enable } : {}),
      ...(options.disable?.length ? { disable: options.disable } : {}),
      docs,
      log: warn,
      clientOptions: {
        // Redirects are refused by the client itself, so an allowed host cannot bounce the server
        // elsewhere (e.g. to a metadata address).
        userAgentSuffix: `prefect-mcp-http/${options.version ?? "0.0.0"}`,
      },
      name: options.name ?? "prefect-mcp-http",
      ...(options.version ? { version: options.version } : {}),
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      transport.close().catch(() => {});
      server.close().catch(() => {});
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, parsed);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const entry: LogEntry = { method: req.method, path };
    inFlight.add(res);
    res.on("close", () => {
      inFlight.delete(res);
      emit({
        ...entry,
        status: res.statusCode,
        duration_ms: Math.round(performance.now() - started),
      });
    });
    if (shuttingDown) res.setHeader("Connection", "close");

    if (loopback && !hostAllowed(req.headers.host, port)) {
      return sendJson(res, 403, {
        error:
          "Host header not allowed: this server only answers to localhost, 127.0.0.1 or [::1].",
      });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(originOf(origin))) {
      return sendJson(res, 403, {
        error:
          "Origin not allowed. The operator lists browser origins in --allowed-origins / PREFECT_MCP_ALLOWED_ORIGINS.",
      });
    }
    if (path === "/mcp") return handleMcp(req, res, entry);
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      return sendJson(res, 200, { status: "ok" });
    }
    if (path === "/readyz" && (req.method === "GET" || req.method === "HEAD")) {
      const ready = await readiness(operator);
      return sendJson(res, ready.ok ? 200 : 503, ready.body);
    }
    return sendJson(res, 404, { error: "Not found. MCP is served at POST /mcp." });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      emit({
        level: "error",
        message: `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      });
      if (!res.headersSent) sendJson(res, 500, { error: "Internal server error." });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8000, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  emit({
    level: "info",
    message: "listening",
    url,
    mcp: `${url}/mcp`,
    allowed_api_urls: allowed,
    default_prefect: operator ? displayApiUrl(operator.apiUrl) : null,
    allowed_origins: [...allowedOrigins],
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      });
      // Keep-alive connections become idle as their responses finish; close them as they do.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const late = await Promise.race([closed.then(() => false), timedOut]);
      clearInterval(idle);
      clearTimeout(timer);
      if (late) {
        emit({
          level: "warn",
          message: `shutdown: ${inFlight.size} request(s) still running after ${timeoutMs} ms; dropping them`,
        });
        server.closeAllConnections();
        await closed;
      }
      if (docs) await docs.close().catch(() => {});
    })();
    return closing;
  };

  return { url, allowedApiUrls: allowed, close };
}

interface LogEntry {
  method: string | undefined;
  path: string;
  rpc_method?: string | string[];
  tool?: string;
}

/** Notes the JSON-RPC method(s) and, for tools/call, the tool name; never arguments. */
function describeRpc(body: unknown, entry: LogEntry): void {
  const messages = (Array.isArray(body) ? body : [body]) as {
    method?: unknown;
    params?: unknown;
  }[];
  const methods = messages
    .map((message) => (typeof message?.method === "string" ? message.method : undefined))
    .filter((method): method is string => method !== undefined);
  if (methods.length) entry.rpc_method = methods.length === 1 ? methods[0] : methods;
  const call = messages.find((message) => message?.method === "tools/call");
  const name = (call?.params as { name?: unknown } | undefined)?.name;
  if (typeof name === "string") entry.tool = name.slice(0, 100);
}

const TOO_LARGE = Symbol("too large");

/**
 * Reads the body, counting bytes as they arrive. Over the limit it stops keeping them and answers
 * at once; the rest is discarded while the response (sent with `Connection: close`) goes out.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
      done = true;
    });
    req.on("error", (error) => {
      if (!done) reject(error);
      done = true;
    });
  });
}

/** Loopback binding: only Host values naming loopback with our port (DNS-rebinding defence). */
function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!match) return false;
  const name = match[1];
  const givenPort = match[2] === undefined ? 80 : Number(match[2]);
  return (name === "localhost" || name === "127.0.0.1" || name === "[::1]") && givenPort === port;
}

/** An origin as browsers send it (`scheme://host[:port]`), lowercased; garbage stays as given. */
function originOf(value: string): string {
  try {
    const origin = new URL(value.trim()).origin;
    return origin === "null" ? value.trim() : origin;
  } catch {
    return value.trim();
  }
}

async function readiness(
  operator: PrefectSettings | undefined,
): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  if (!operator) {
    return {
      ok: false,
      body: {
        status: "unavailable",
        reason:
          "no default Prefect configured (PREFECT_API_URL, a profile or --api-url); callers must send X-Prefect-Api-Url",
      },
    };
  }
  const prefect = displayApiUrl(operator.apiUrl);
  try {
    const client = createPrefectClient(operator, { timeoutMs: 5_000, retries: 0 });
    await client.GET("/health");
    return { ok: true, body: { status: "ok", prefect } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, body: { status: "unavailable", prefect, reason } };
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
