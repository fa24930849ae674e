import { fileURLToPath } from "node:url";
import { createFlow, isolatedEnv, runProcess, uniqueName } from "@prefect-mcp/testing";
import { describe, expect, it } from "vitest";
import { allTools } from "../src/index.js";
import { apiUrl, seed } from "./mcp-harness.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));

describe("examples/custom-agent.ts, run as a user runs it", () => {
  it("lists flows through runTool and its own MCP client, and prints the tool definitions", async () => {
    const tag = uniqueName("agent");
    const flows = [
      await createFlow(seed, { name: `${tag}-a` }),
      await createFlow(seed, { name: `${tag}-b` }),
    ];

    // Imports resolve by package name (@prefect-mcp/tools is this package, by self-reference).
    const { code, stdout, stderr } = await runProcess(
      TSX,
      ["--conditions=@prefect-mcp/source", "examples/custom-agent.ts", tag],
      { cwd: PACKAGE_DIR, env: isolatedEnv({ PREFECT_API_URL: apiUrl }) },
    );

    expect(code, stderr).toBe(0);
    const line = (prefix: string) => stdout.split("\n").find((text) => text.startsWith(prefix));
    expect(line("runTool get_flows → ")).toBe(
      `runTool get_flows → ${flows
        .map((flow) => flow.name)
        .reverse()
        .join(", ")}`,
    );
    const served = allTools.filter((tool) => tool.name !== "read_events").map((tool) => tool.name);
    expect(line("MCP tools/list → ")).toBe(
      `MCP tools/list → ${served.length} tools: ${served.join(", ")}`,
    );
    for (const flow of flows) expect(line("MCP tools/call get_flows → ")).toContain(flow.name);
    const definitions = line("toolDefinitions → ") ?? "";
    expect(definitions).toContain(`${allTools.length} tools as JSON Schema`);
    const schema = JSON.parse(definitions.slice(definitions.indexOf("{")));
    expect(schema).toMatchObject({
      type: "object",
      properties: { flow_run_id: { type: "string", format: "uuid" } },
      required: ["flow_run_id"],
    });
  });
});
