import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** One request the proxy saw, in arrival order. */
export interface ProxiedRequest {
  method: string;
  /** The path without the query string, e.g. `/api/flow_runs/filter`. */
  path: string;
  /** Response status sent back (0 when the connection was dropped). */
  status: number;
  /** Milliseconds from the request's arrival to the end of the response. */
  durationMs: number;
  /** When it arrived, on this process's `performance.now()` clock (to tell parallel requests from
   * sequential ones). */
  startedAt: number;
  /** With `recordBodies`: the query string (`?…`, or empty) and the request body as text. */
  query?: string;
  body?: string;
}

export interface LoopbackProxyOptions {
  /** Also record each request's query string and body, e.g. to replay the requests later. */
  recordBodies?: boolean;
}

/**
 * What the proxy does to the requests that match (all, by default):
 * - `delay`: waits `ms` before forwarding;
 * - `drop`: destroys the client's connection without an answer;
 * - `status`: answers `status` itself (e.g. 500, 429 with `retryAfterSeconds`);
 * - `truncate`: forwards, then sends only the first half of the body and closes;
 * - `not-json`: answers 200 with an HTML body.
 */
export type ProxyFault =
  | { kind: "delay"; ms: number }
  | { kind: "drop" }
  | { kind: "status"; status: number; retryAfterSeconds?: number; body?: string }
  | { kind: "truncate" }
  | { kind: "not-json" };

export interface FaultRule {
  fault: ProxyFault;
  /** Only requests whose path contains this string (default: every request). */
  pathIncludes?: string;
  /** Apply to this many matching requests, then pass the rest through (default: unlimited). */
  times?: number;
}

export interface LoopbackProxy {
  /** The proxy's base URL with the target's path, e.g. `http://127.0.0.1:40111/api`. */
  url: string;
  /** Every request seen since start or the last `reset()`. */
  requests: ProxiedRequest[];
  /** Replaces the fault rules (an empty list passes everything through). */
  setFaults(rules: FaultRule[]): void;
  /** Forgets recorded requests and fault rules. */
  reset(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host"]);

/**
 * A loopback HTTP proxy in front of a real Prefect server: it records the method and path of every
 * request (to count requests per tool call and prove no write reached Prefect) and can inject
 * delays, dropped connections, error statuses and broken bodies on demand.
 */
export async function startLoopbackProxy(
  targetUrl: string,
  options: LoopbackProxyOptions = {},
): Promise<LoopbackProxy> {
  const target = new URL(targetUrl);
  const requests: ProxiedRequest[] = [];
  let rules: Array<FaultRule & { used: number }> = [];
  const sockets = new Set<Socket>();

  const pickFault = (path: string): ProxyFault | undefined => {
    for (const rule of rules) {
      if (rule.pathIncludes && !path.includes(rule.pathIncludes)) continue;
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      rule.used += 1;
      return rule.fault;
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const record = (status: number) =>
      requests.push({
        method: req.method ?? "GET",
        path,
        status,
        durationMs: performance.now() - started,
        startedAt: started,
        ...(options.recordBodies
          ? { query: url.slice(path.length), body: body.toString("utf8") }
          : {}),
      });

    const fault = pickFault(path);
    if (fault?.kind === "drop") {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfterSeconds !== undefined) {
        headers["retry-after"] = String(fault.retryAfterSeconds);
      }
      res.writeHead(fault.status, headers);
      res.end(fault.body ?? JSON.stringify({ detail: `injected ${fault.status}` }));
      record(fault.status);
      return;
    }
    if (fault?.kind === "not-json") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>502 Bad Gateway from a misconfigured proxy</body></html>");
      record(200);
      return;
    }
    if (fault?.kind === "delay") await sleep(fault.ms);

    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    let upstream: Response;
    try {
      upstream = await fetch(new URL(req.url ?? "/", target.origin), {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
    } catch {
      // The target is down (e.g. a test killed Prefect): behave like a refused connection.
      record(0);
      req.socket.destroy();
      return;
    }
    const answer = Buffer.from(await upstream.arrayBuffer());
    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== "content-length" && name !== "content-encoding") {
        responseHeaders[name] = value;
      }
    });
    if (fault?.kind === "truncate") {
      // Promise the whole body, send half, then close: the client sees a cut-off response.
      res.writeHead(upstream.status, { ...responseHeaders, "content-length": answer.length });
      record(upstream.status);
      // Destroy only once the half is flushed, or the client sees a refused connection instead.
      res.write(answer.subarray(0, Math.floor(answer.length / 2)), () => req.socket.destroy());
      return;
    }
    res.writeHead(upstream.status, responseHeaders);
    res.end(answer);
    record(upstream.status);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const basePath = target.pathname.replace(/\/$/, "");

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    setFaults(next) {
      rules = next.map((rule) => ({ ...rule, used: 0 }));
    },
    reset() {
      requests.length = 0;
      rules = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
