/**
 * prefect-mcp's tools inside your own agent, three ways: call a tool as a function, serve the tools
 * over a transport you hold, and hand their definitions to another host as JSON Schema.
 * Run against your Prefect, from packages/tools (after `pnpm build`):
 *   PREFECT_API_URL=http://127.0.0.1:4200/api npx tsx examples/custom-agent.ts [part-of-flow-name]
 * or with no PREFECT_API_URL to use your active profile.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { resolvePrefectSettings } from "@prefect-mcp/client";
import { createPrefectMcpServer, prefectTools, runTool, toolDefinitions } from "@prefect-mcp/tools";

const settings = resolvePrefectSettings();
const namePart = process.argv[2];
const args = { limit: 5, ...(namePart ? { filter: { name: { like_: `%${namePart}%` } } } : {}) };

// 1. A tool as a function: arguments and output validated as the server does; errors throw.
const getFlows = prefectTools.find((tool) => tool.name === "get_flows");
if (!getFlows) throw new Error("get_flows is not in the catalogue");
const { flows } = (await runTool(getFlows, args, { settings })) as { flows: { name: string }[] };
console.log(`runTool get_flows → ${flows.map((flow) => flow.name).join(", ") || "no flows"}`);

// 2. The MCP server on a transport of your own: in memory here, so your agent holds the client.
const server = createPrefectMcpServer({ settings, docs: false, disable: ["read_events"] });
const client = new Client({ name: "my-agent", version: "1.0.0" });
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
const { tools } = await client.listTools();
console.log(`MCP tools/list → ${tools.length} tools: ${tools.map((tool) => tool.name).join(", ")}`);
const answer = await client.callTool({ name: "get_flows", arguments: args });
const [text] = answer.content as { type: string; text?: string }[];
console.log(`MCP tools/call get_flows → ${text?.text?.split("\n")[0] ?? "(no text)"}`);
await client.close();
await server.close();

// 3. The definitions for a host that registers tools itself, e.g. a model API's `tools` parameter.
const definitions = toolDefinitions().map(({ name, description, inputSchema }) => ({
  name,
  description,
  input_schema: inputSchema,
}));
const example = definitions.find((definition) => definition.name === "diagnose_flow_run");
console.log(
  `toolDefinitions → ${definitions.length} tools as JSON Schema, e.g. diagnose_flow_run: ${JSON.stringify(example?.input_schema)}`,
);
