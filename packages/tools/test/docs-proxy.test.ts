import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type DocsProxy, startDocsProxy } from "../src/index.js";
import { connectTools } from "./mcp-harness.js";

/** A real docs MCP server on loopback (stateless Streamable HTTP), standing in for Prefect's. */
async function startDocsServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const docs = new McpServer({ name: "fake-prefect-docs", version: "1.0.0" });
    docs.registerTool(
      "search_prefect",
      { description: "Search the Prefect docs", inputSchema: { query: z.string() } },
      async ({ query }) => ({
        content: [{ type: "text", text: `Docs about ${query}: see /concepts/work-pools` }],
      }),
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on("close", () => {
      void transport.close();
      void docs.close();
    });
    await docs.connect(transport);
    await transport.handleRequest(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, server };
}

async function toolNamesEventually(
  tools: Awaited<ReturnType<typeof connectTools>>,
  wanted: string,
): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const names = (await tools.client.listTools()).tools.map((tool) => tool.name);
    if (names.includes(wanted)) return names;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return (await tools.client.listTools()).tools.map((tool) => tool.name);
}

describe("docs proxy", () => {
  let docs: { url: string; server: Server };
  beforeAll(async () => {
    docs = await startDocsServer();
  });
  afterAll(() => new Promise((resolve) => docs.server.close(resolve)));

  it("re-exposes the docs server's tools with a docs_ prefix and forwards calls", async () => {
    const tools = await connectTools({ docs: { url: docs.url, timeoutMs: 5_000 } });
    try {
      const names = await toolNamesEventually(tools, "docs_search_prefect");
      expect(names).toContain("docs_search_prefect");
      expect(names).toContain("get_flows");
      const result = await tools.call("docs_search_prefect", { query: "work pools" });
      expect(result.isError).toBeFalsy();
      expect(result.text).toBe("Docs about work pools: see /concepts/work-pools");
    } finally {
      await tools.close();
    }
  });

  it("lets per-request servers share one proxy, which outlives each of them", async () => {
    let shared: DocsProxy | undefined;
    const ready = new Promise<void>((resolve) => {
      shared = startDocsProxy({ url: docs.url, timeoutMs: 5_000, log: () => {}, onReady: resolve });
    });
    await ready;
    try {
      for (let request = 0; request < 2; request++) {
        const tools = await connectTools({ docs: shared });
        const result = await tools.call("docs_search_prefect", { query: `request ${request}` });
        expect(result.text).toBe(`Docs about request ${request}: see /concepts/work-pools`);
        await tools.close();
      }
    } finally {
      await shared?.close();
    }
  });

  it("serves every other tool without waiting, then warns once, when the docs server hangs", async () => {
    // Accepts connections and never answers: the worst case for a server that waits on its docs.
    const hanging = createNetServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const { port } = hanging.address() as AddressInfo;
    const warnings: string[] = [];
    const tools = await connectTools({
      docs: { url: `http://127.0.0.1:${port}/mcp`, timeoutMs: 1_500 },
      log: (message) => warnings.push(message),
    });
    try {
      expect((await tools.call("get_flows", { limit: 1 })).isError).toBeFalsy();
      expect(warnings).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /docs MCP server at http:\/\/127\.0\.0\.1:\d+\/mcp is unavailable/,
      );
      const names = (await tools.client.listTools()).tools.map((tool) => tool.name);
      expect(names.some((name) => name.startsWith("docs_"))).toBe(false);
      expect((await tools.call("get_flows", { limit: 1 })).isError).toBeFalsy();
    } finally {
      await tools.close();
      hanging.close();
    }
  });
});
