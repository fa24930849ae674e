import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools } from "./mcp-harness.js";

// The MCP Apps contract as hosts read it: the tool's listing names a ui:// resource in `_meta.ui`
// and resources/read of that URI answers one HTML document.
const MCP_APP_MIME_TYPE = "text/html;profile=mcp-app";
const LINKS = {
  get_dashboard: "ui://prefect/dashboard",
  diagnose_flow_run: "ui://prefect/flow-run",
  get_flow_runs: "ui://prefect/flow-run",
};

describe("MCP Apps views", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  beforeAll(async () => {
    tools = await connectTools();
  });
  afterAll(() => tools.close());

  it("links the dashboard, diagnosis and flow-run tools to their views, and no other tool", async () => {
    const { tools: listed } = await tools.client.listTools();
    for (const tool of listed) {
      const uri = LINKS[tool.name as keyof typeof LINKS];
      if (uri) {
        expect(tool._meta, tool.name).toEqual({ ui: { resourceUri: uri } });
      } else {
        expect(tool._meta, tool.name).toBeUndefined();
      }
    }
    expect(listed.filter((tool) => tool._meta).map((tool) => tool.name)).toHaveLength(3);
  });

  it("lists each view once as an MCP App resource", async () => {
    const { resources } = await tools.client.listResources();
    expect(resources.map((resource) => resource.uri).sort()).toEqual([
      "ui://prefect/dashboard",
      "ui://prefect/flow-run",
    ]);
    for (const resource of resources) {
      expect(resource.mimeType).toBe(MCP_APP_MIME_TYPE);
      expect(resource.description).toBeTruthy();
    }
  });

  it("answers each linked URI with a whole HTML document", async () => {
    for (const uri of new Set(Object.values(LINKS))) {
      const { contents } = await tools.client.readResource({ uri });
      expect(contents).toHaveLength(1);
      const [content] = contents;
      expect(content?.uri).toBe(uri);
      expect(content?.mimeType).toBe(MCP_APP_MIME_TYPE);
      const html = (content as { text: string }).text;
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toMatch(/<\/html>\s*$/i);
    }
  });

  it("serves neither links nor resources with ui: false", async () => {
    const plain = await connectTools({ ui: false });
    try {
      const { tools: listed } = await plain.client.listTools();
      expect(listed.filter((tool) => tool._meta)).toEqual([]);
      expect(plain.client.getServerCapabilities()?.resources).toBeUndefined();
      await expect(plain.client.listResources()).rejects.toThrow(/Method not found/);
    } finally {
      await plain.close();
    }
  });
});
