import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { UsageError } from "@prefect-mcp/tools";

export type LogEntry = Record<string, unknown>;

export interface McpHttpHostOptions<Caller> {
  host?: string;
  /** 0 picks any free port (default 8000). */
  port?: number;
  /** Browser origins allowed to call /mcp; a request without Origin always passes. */
  allowedOrigins?: readonly string[];
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** How long shutdown waits for in-flight requests before dropping them (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Receives one JSON object per log line (already timestamped). */
  log: (entry: LogEntry) => void;
  /**
   * Answers other paths (e.g. OAuth metadata, which browsers fetch cross-origin) before the Origin
   * check; returns true when it did.
   */
  route?(req: IncomingMessage, res: ServerResponse, path: string): boolean | Promise<boolean>;
  /**
   * Who is calling /mcp, checked before the body is read. Answers the request itself (e.g. 401)
   * and returns undefined to refuse it.
   */
  authenticate?(req: IncomingMessage, res: ServerResponse): Promise<Caller | undefined>;
  /** The MCP server for one request (stateless: a new one every time). */
  mcpServer(req: IncomingMessage, caller: Caller): McpServer;
  /** What /readyz answers. */
  readiness(): Promise<{ ok: boolean; body: Record<string, unknown> }>;
  /** Runs after the listener has stopped (close shared resources). */
  onClose?(): Promise<void>;
}

export interface McpHttpHost {
  /** The bound base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), then runs `onClose`. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * Serves MCP over stateless Streamable HTTP at `POST /mcp`, with `/healthz`, `/readyz`, Origin and
 * Host checks, a body limit, one JSON log line per request and graceful shutdown. What an app adds
 * (how a request reaches Prefect, who may call) comes in through the hooks.
 */
export async function hostMcpOverHttp<Caller>(
  options: McpHttpHostOptions<Caller>,
): Promise<McpHttpHost> {
  const emit = options.log;
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map(originOf));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const host = options.host ?? "127.0.0.1";
  const loopback = LOOPBACK_HOSTS.has(host);

  let port = 0;
  let shuttingDown = false;
  const inFlight = new Set<ServerResponse>();

  const handleMcp = async (req: IncomingMessage, res: ServerResponse, entry: LogEntry) => {
    if (req.method !== "POST") {
      return sendJson(
        res,
        405,
        { error: "Use POST for /mcp (stateless Streamable HTTP)." },
        { Allow: "POST" },
      );
    }
    let caller = undefined as Caller;
    if (options.authenticate) {
      const authenticated = await options.authenticate(req, res);
      if (authenticated === undefined) {
        req.resume();
        return;
      }
      caller = authenticated;
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

    const server = options.mcpServer(req, caller);
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
    if (options.route && (await options.route(req, res, path))) return;
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
      const ready = await options.readiness();
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
      await options.onClose?.().catch(() => {});
    })();
    return closing;
  };

  return { url, close };
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

export function sendJson(
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

/** A JSON log line writer for stderr, timestamping each entry. */
export function stderrJsonLog(log?: (entry: LogEntry) => void): (entry: LogEntry) => void {
  const write = log ?? ((entry: LogEntry) => process.stderr.write(`${JSON.stringify(entry)}\n`));
  return (entry) => write({ time: new Date().toISOString(), ...entry });
}

/**
 * Starts a server and keeps it up until SIGINT/SIGTERM. A start that fails for a reason the
 * operator can fix (a port in use, a bad allow-list entry) is one line on stderr and exit code 1,
 * not a stack; a UsageError goes on to `runApp`, which exits 2.
 */
export async function serveUntilSignal(
  bin: string,
  start: () => Promise<{ close(): Promise<void> }>,
): Promise<number> {
  let server: { close(): Promise<void> };
  try {
    server = await start();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${bin}: ${message}\n`);
    return 1;
  }
  return closeOnSignal(server.close);
}

/**
 * Waits for SIGINT or SIGTERM, logs it, lets in-flight requests finish through `close`, then
 * exits: nothing (a docs connection, a keep-alive socket) may keep the process alive after that.
 */
async function closeOnSignal(close: () => Promise<void>): Promise<never> {
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: "info", message: `${signal}: shutting down` })}\n`,
  );
  await close();
  process.exit(0);
}
