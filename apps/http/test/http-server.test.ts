import { createFlow, createSeedClient, uniqueName } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { VALID_OPTIONS } from "../src/cli-args.js";
import { packageInfo } from "../src/package-info.js";
import {
  type HttpServerProcess,
  isolatedEnv,
  MCP_HEADERS,
  rawRequest,
  runCli,
  startHttpProcess,
  startRecordingProxy,
} from "./http-process.js";

const A_URL = inject("prefectApiUrl");
const initialize = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1.0.0" },
  },
});

describe("prefect-mcp-http's command line", () => {
  it("prints usage with every option on --help and exits 0", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: prefect-mcp-http/);
    for (const option of VALID_OPTIONS) expect(stdout).toContain(option);
    expect(stdout).toContain("PREFECT_MCP_ALLOWED_API_URLS");
  });

  it("prints the version on --version", async () => {
    const { code, stdout } = await runCli(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${packageInfo.version}\n`);
  });

  it.each([
    [["--bogus"], "Unknown option --bogus"],
    [["--port", "http"], "--port"],
    [["--enable", "get_everything"], "get_everything"],
    [["--allowed-origins", "https://a.example/path"], "--allowed-origins"],
    [["--max-body-bytes", "0"], "--max-body-bytes"],
  ])("refuses %j with exit code 2", async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("refuses to start with a malformed allow-list", async () => {
    const { code, stderr } = await runCli(
      ["--port", "0"],
      isolatedEnv({ PREFECT_MCP_ALLOWED_API_URLS: "ftp://x/api" }),
    );
    expect(code).toBe(1);
    expect(stderr).toContain("PREFECT_MCP_ALLOWED_API_URLS");
  });
});

describe("the HTTP surface", () => {
  let server: HttpServerProcess;
  beforeAll(async () => {
    server = await startHttpProcess(
      ["--allowed-origins", "https://good.example", "--max-body-bytes", "65536"],
      isolatedEnv({ PREFECT_API_URL: A_URL }),
    );
  });
  afterAll(async () => {
    expect((await server.stop()).code).toBe(0);
  });

  it("logs the bound URL and the effective allow-list at start", () => {
    const start = server.logs().find((entry) => entry.message === "listening");
    expect(start?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(start?.allowed_api_urls).toEqual([A_URL, "https://api.prefect.cloud/api/accounts"]);
  });

  it("serves the operator's Prefect to a client that sends no headers", async () => {
    const name = uniqueName("default-tenant");
    await createFlow(createSeedClient({ apiUrl: A_URL }), { name });
    const client = await server.connect();
    const result = await client.call("get_flows", { filter: { name: { any_: [name] } } });
    await client.close();
    expect(result.isError, result.text).toBeFalsy();
    expect(result.data.flows.map((flow: { name: string }) => flow.name)).toEqual([name]);
  });

  it("serves the MCP Apps views the tools link to, as built", async () => {
    const client = await server.connect();
    try {
      const { tools } = await client.client.listTools();
      const uri = tools.find((tool) => tool.name === "get_dashboard")?._meta?.ui;
      expect(uri).toEqual({ resourceUri: "ui://prefect/dashboard" });
      const { contents } = await client.client.readResource({ uri: "ui://prefect/dashboard" });
      expect((contents[0] as { text: string }).text).toMatch(/^<!doctype html>/i);
    } finally {
      await client.close();
    }
  });

  it("answers 403 to a foreign Origin and serves an allowed one", async () => {
    const mcp = `${server.url}/mcp`;
    const bad = await rawRequest(mcp, {
      method: "POST",
      headers: { ...MCP_HEADERS, Origin: "https://evil.example" },
      body: initialize,
    });
    expect(bad.status).toBe(403);
    const good = await rawRequest(mcp, {
      method: "POST",
      headers: { ...MCP_HEADERS, Origin: "https://good.example" },
      body: initialize,
    });
    expect(good.status).toBe(200);
    expect(good.body).toContain('"protocolVersion"');
  });

  it("answers 403 to a Host that is not loopback with its port (DNS rebinding)", async () => {
    const port = new URL(server.url).port;
    for (const host of ["evil.example", `evil.example:${port}`, "localhost:1"]) {
      const response = await rawRequest(`${server.url}/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, Host: host },
        body: initialize,
      });
      expect(response.status, host).toBe(403);
    }
    const ok = await rawRequest(`${server.url}/healthz`, {
      headers: { Host: `localhost:${port}` },
    });
    expect(ok.status).toBe(200);
  });

  it("answers 413 to a body over the limit, declared or streamed", async () => {
    const big = Buffer.alloc(65_537, " ");
    const declared = await rawRequest(`${server.url}/mcp`, {
      method: "POST",
      headers: MCP_HEADERS,
      body: big,
    });
    expect(declared.status).toBe(413);
    const streamed = await rawRequest(`${server.url}/mcp`, {
      method: "POST",
      headers: MCP_HEADERS,
      chunks: [Buffer.alloc(40_000, " "), Buffer.alloc(40_000, " ")],
    });
    expect(streamed.status).toBe(413);
  });

  it("answers malformed JSON with a JSON-RPC parse error and keeps serving", async () => {
    const response = await rawRequest(`${server.url}/mcp`, {
      method: "POST",
      headers: MCP_HEADERS,
      body: '{"jsonrpc": "2.0", "id": 1, "method": ',
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 } });
    const client = await server.connect();
    expect((await client.client.listTools()).tools.map((tool) => tool.name)).toContain("get_flows");
    await client.close();
  });

  it("answers GET and DELETE /mcp with 405 and an Allow header", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await rawRequest(`${server.url}/mcp`, { method });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe("POST");
    }
  });

  it("is ready with a reachable default Prefect", async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });
});

describe("health with Prefect down or absent", () => {
  it("is healthy but not ready with an unreachable default Prefect", async () => {
    const server = await startHttpProcess(
      [],
      isolatedEnv({ PREFECT_API_URL: "http://127.0.0.1:1/api" }),
    );
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reason: string }).reason).toBeTruthy();
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  });

  it("is not ready without a default Prefect", async () => {
    const server = await startHttpProcess();
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reason: string }).reason).toContain(
        "no default Prefect configured",
      );
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes a slow call in flight on SIGTERM, then exits 0", async () => {
    const name = uniqueName("slow-tenant");
    await createFlow(createSeedClient({ apiUrl: A_URL }), { name });
    const proxy = await startRecordingProxy(A_URL, 2_000);
    const server = await startHttpProcess(
      [],
      isolatedEnv({ PREFECT_MCP_ALLOWED_API_URLS: proxy.apiUrl }),
    );
    try {
      const client = await server.connect({ "X-Prefect-Api-Url": proxy.apiUrl });
      const call = client.call("get_flows", { filter: { name: { any_: [name] } } });
      while (proxy.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const started = performance.now();
      const exit = server.stop("SIGTERM");
      const result = await call;
      expect(result.isError, result.text).toBeFalsy();
      expect(result.data.flows.map((flow: { name: string }) => flow.name)).toEqual([name]);
      expect(await exit).toEqual({ code: 0, signal: null });
      expect(performance.now() - started).toBeGreaterThan(1_000);
      // A new connection after shutdown is refused.
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      await server.stop("SIGKILL");
      await proxy.close();
    }
  });
});
