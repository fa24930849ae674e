import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import {
  createFlow,
  createSeedClient,
  type PrefectServer,
  startPrefectServer,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type HttpServerProcess,
  isolatedEnv,
  startHttpProcess,
  startRecordingProxy,
} from "./http-process.js";

const A_URL = inject("prefectApiUrl");
const B_AUTH = "tenant-b:s3cret-b-password";
let B: PrefectServer;
let flowA: string;
let flowB: string;

beforeAll(async () => {
  B = await startPrefectServer({ authString: B_AUTH });
  flowA = (await createFlow(createSeedClient({ apiUrl: A_URL }), { name: uniqueName("tenant-a") }))
    .name;
  flowB = (
    await createFlow(createSeedClient({ apiUrl: B.apiUrl, authString: B_AUTH }), {
      name: uniqueName("tenant-b"),
    })
  ).name;
});

afterAll(async () => {
  await B?.stop();
});

const tenantA = () => ({ "X-Prefect-Api-Url": A_URL });
const tenantB = () => ({ "X-Prefect-Api-Url": B.apiUrl, "X-Prefect-Api-Auth-String": B_AUTH });

describe("two tenants on one server", () => {
  let server: HttpServerProcess;
  beforeAll(async () => {
    server = await startHttpProcess(
      [],
      isolatedEnv({ PREFECT_MCP_ALLOWED_API_URLS: `${A_URL},${B.apiUrl}` }),
    );
  });
  afterAll(async () => {
    expect((await server.stop()).code).toBe(0);
  });

  it("answers 200 interleaved concurrent get_flows calls, each with only its own tenant's flows", async () => {
    const clients = await Promise.all(
      Array.from({ length: 8 }, (_, i) => server.connect(i % 2 ? tenantB() : tenantA())),
    );
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const client = clients[i % clients.length];
        if (!client) throw new Error("no client");
        const tenant = i % 2 ? "B" : "A";
        const result = await client.call("get_flows", { limit: 200 });
        return { tenant, result };
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`cross-tenant: 200 concurrent get_flows calls in ${seconds.toFixed(2)} s`);
    await Promise.all(clients.map((client) => client.close()));

    expect(results.filter((r) => r.tenant === "A")).toHaveLength(100);
    for (const { tenant, result } of results) {
      expect(result.isError, result.text).toBeFalsy();
      const names = (result.data.flows as { name: string }[]).map((flow) => flow.name);
      const [own, other] = tenant === "A" ? [flowA, flowB] : [flowB, flowA];
      expect(names).toContain(own);
      expect(names).not.toContain(other);
      expect(result.text).not.toContain(other);
    }
    // Every call was logged as one JSON line naming the tool, and no line holds a credential.
    const logged = () => server.logs().filter((entry) => entry.tool === "get_flows");
    for (let i = 0; i < 100 && logged().length < 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const calls = logged();
    expect(calls.length).toBeGreaterThanOrEqual(200);
    expect(calls[0]).toMatchObject({
      method: "POST",
      path: "/mcp",
      rpc_method: "tools/call",
      status: 200,
    });
    expect(typeof calls[0]?.duration_ms).toBe("number");
    expect(server.stderr).not.toContain("s3cret-b-password");
    expect(server.stderr).not.toContain(Buffer.from(B_AUTH).toString("base64"));
  });

  it("tells a caller without credentials for B that B refused, naming the auth string", async () => {
    const client = await server.connect({ "X-Prefect-Api-Url": B.apiUrl });
    const result = await client.call("get_flows");
    await client.close();
    expect(result.isError).toBe(true);
    expect(result.text).toContain("HTTP 401");
    expect(result.text).toContain("PREFECT_API_AUTH_STRING");
  });

  it("tells a caller with no URL and no default which header to send", async () => {
    const client = await server.connect();
    const result = await client.call("get_flows");
    await client.close();
    expect(result.isError).toBe(true);
    expect(result.text).toContain("X-Prefect-Api-Url");
  });

  it("refuses a loopback listener that is not allow-listed, before connecting to it", async () => {
    const connections: Socket[] = [];
    const listener = createServer((socket) => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const { port } = listener.address() as AddressInfo;
    try {
      for (const url of [`http://127.0.0.1:${port}/api`, `http://localhost:${port}/api`]) {
        const client = await server.connect({ "X-Prefect-Api-Url": url, "X-Prefect-Api-Key": "k" });
        const result = await client.call("get_flows");
        await client.close();
        expect(result.isError).toBe(true);
        expect(result.text).toContain("X-Prefect-Api-Url");
        expect(result.text).toContain("PREFECT_MCP_ALLOWED_API_URLS");
      }
      expect(connections).toHaveLength(0);
    } finally {
      listener.close();
    }
  });

  it.each([
    ["file:///etc/passwd", /only http and https/],
    ["gopher://127.0.0.1:70/_GET", /only http and https/],
    ["http://169.254.169.254/api", /link-local/],
  ])("refuses %s", async (url, reason) => {
    const client = await server.connect({ "X-Prefect-Api-Url": url });
    const result = await client.call("get_flows");
    await client.close();
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(reason);
    expect(result.text).toContain("X-Prefect-Api-Url");
  });
});

describe("the operator's credentials", () => {
  it("are used for the operator's own URL and never sent to a URL a caller names", async () => {
    // The proxy forwards to B and records what arrives; it is allow-listed, so only the
    // credential rule stands between it and the operator's auth string.
    const proxy = await startRecordingProxy(B.apiUrl);
    const server = await startHttpProcess(
      [],
      isolatedEnv({
        PREFECT_API_URL: B.apiUrl,
        PREFECT_API_AUTH_STRING: B_AUTH,
        PREFECT_MCP_ALLOWED_API_URLS: `${B.apiUrl},${proxy.apiUrl},http://169.254.169.254/api`,
      }),
    );
    try {
      const operator = await server.connect();
      const own = await operator.call("get_flows", { limit: 200 });
      await operator.close();
      expect(own.isError, own.text).toBeFalsy();
      expect(own.data.flows.map((flow: { name: string }) => flow.name)).toContain(flowB);

      const named = await server.connect({ "X-Prefect-Api-Url": B.apiUrl });
      const sameUrl = await named.call("get_flows", { limit: 200 });
      await named.close();
      expect(sameUrl.isError, sameUrl.text).toBeFalsy();

      const borrower = await server.connect({ "X-Prefect-Api-Url": proxy.apiUrl });
      const borrowed = await borrower.call("get_flows", { limit: 200 });
      await borrower.close();
      expect(proxy.seen.length).toBeGreaterThan(0);
      expect(proxy.seen.every((request) => request.authorization === undefined)).toBe(true);
      expect(borrowed.isError).toBe(true);
      expect(borrowed.text).toContain("HTTP 401");

      // A caller bringing B's auth string through the proxy gets B's flows.
      const owner = await server.connect({
        "X-Prefect-Api-Url": proxy.apiUrl,
        "X-Prefect-Api-Auth-String": B_AUTH,
      });
      const proxied = await owner.call("get_flows", { limit: 200 });
      await owner.close();
      expect(proxied.isError, proxied.text).toBeFalsy();
      expect(proxy.seen.some((request) => request.authorization?.startsWith("Basic "))).toBe(true);

      const readyz = await fetch(`${server.url}/readyz`);
      expect(readyz.status).toBe(200);
    } finally {
      expect((await server.stop()).code).toBe(0);
      await proxy.close();
    }
  });
});
