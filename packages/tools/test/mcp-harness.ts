import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { resolvePrefectSettings } from "@prefect-mcp/client";
import { createSeedClient, toolCaller } from "@prefect-mcp/testing";
import { inject } from "vitest";
import { type CreatePrefectMcpServerOptions, createPrefectMcpServer } from "../src/index.js";

/** The shared real Prefect server of this test run, and a client that may seed it. */
export const apiUrl = inject("prefectApiUrl");
export const seed = createSeedClient({ apiUrl });

/**
 * A real MCP client connected in memory to a real prefect-mcp server that talks to the test run's
 * Prefect. Docs proxy off unless asked for.
 */
export async function connectTools(options: CreatePrefectMcpServerOptions = {}) {
  const server = createPrefectMcpServer({
    settings: resolvePrefectSettings({ env: {}, overrides: { apiUrl } }),
    docs: false,
    log: () => {},
    ...options,
  });
  const client = new Client({ name: "prefect-mcp-tests", version: "1.0.0" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    /** Calls a tool and returns its result as the model would see it. */
    call: toolCaller(client),
    close: () => Promise.all([client.close(), server.close()]),
  };
}
