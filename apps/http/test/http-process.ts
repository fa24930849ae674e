import { existsSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  connectHttpMcp,
  isolatedEnv,
  type ProcessExit,
  runProcess,
  ServerProcess,
} from "@prefect-mcp/testing";

export { isolatedEnv };

/** The built bin, run with plain node as `npx @prefect-mcp/http` would. */
export const BIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

if (!existsSync(BIN)) {
  throw new Error(
    `${BIN} is missing: these tests run the built bin. Run \`pnpm --filter @prefect-mcp/http... build\` (or \`pnpm test\`, which builds first).`,
  );
}

/** `node dist/main.js --port 0 --no-docs <args>`, started and listening. */
export async function startHttpProcess(
  args: string[] = [],
  env = isolatedEnv(),
): Promise<HttpServerProcess> {
  const server = await ServerProcess.start({
    name: "prefect-mcp-http",
    bin: BIN,
    args: ["--port", "0", "--no-docs", ...args],
    env,
  });
  return Object.assign(server, { connect: connectTo(server) });
}

export type HttpServerProcess = ServerProcess & {
  /** A real MCP client (the SDK's Streamable HTTP transport) sending these headers. */
  connect(headers?: Record<string, string>): ReturnType<typeof connectHttpMcp>;
};

function connectTo(server: ServerProcess) {
  return (headers: Record<string, string> = {}) => connectHttpMcp(`${server.url}/mcp`, headers);
}

/** Runs the bin to completion (for --help, --version, bad flags). */
export function runCli(args: string[], env = isolatedEnv()): Promise<ProcessExit> {
  return runProcess(process.execPath, [BIN, ...args], { env, timeoutMs: 30_000 });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with exactly these headers (fetch will not send a forged Host). `chunks` are
 * written one by one without a Content-Length.
 */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    chunks?: Buffer[];
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers: options.headers });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

export const MCP_HEADERS = {
  "Content-Type": "application/json",
  Accept: "application/json, text/event-stream",
};

/**
 * A loopback HTTP proxy in front of a Prefect server: records each request's credential headers
 * and can hold every request for `delayMs` before forwarding it.
 */
export async function startRecordingProxy(target: string, delayMs = 0) {
  const targetOrigin = new URL(target).origin;
  const seen: { path: string; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const headers = { ...req.headers };
      delete headers.host;
      delete headers["content-length"];
      const upstream = await fetch(`${targetOrigin}${req.url}`, {
        method: req.method,
        headers: headers as Record<string, string>,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "",
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
