import { type AddressInfo, createServer } from "node:net";
import { resolvePrefectSettings } from "@prefect-mcp/client";
import { type PrefectServer, startPrefectServer } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPrefectMcpServer, defineTool, READ_ONLY } from "../src/index.js";
import { connectTools } from "./mcp-harness.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const explode = defineTool({
  name: "explode",
  title: "Explode",
  description: "Fails in a way no tool should.",
  inputSchema: z.object({}),
  outputSchema: z.object({}),
  annotations: READ_ONLY,
  async handler() {
    throw new TypeError("cannot read properties of undefined (reading 'state')");
  },
});

const huge = defineTool({
  name: "huge",
  title: "Huge",
  description: "Returns far too much.",
  inputSchema: z.object({}),
  outputSchema: z.object({ text: z.string() }),
  annotations: READ_ONLY,
  async handler() {
    return { text: "x".repeat(200_000) };
  },
});

describe("tool selection", () => {
  it("serves only the enabled tools", async () => {
    const tools = await connectTools({ enable: ["get_flows"] });
    const names = (await tools.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(["get_flows"]);
    await tools.close();
  });

  it("hides disabled tools and refuses calls to them", async () => {
    const tools = await connectTools({ disable: ["get_flows"] });
    const names = (await tools.client.listTools()).tools.map((tool) => tool.name);
    expect(names).not.toContain("get_flows");
    const result = await tools.call("get_flows");
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/Unknown tool "get_flows"/);
    await tools.close();
  });

  it("refuses an unknown tool name in the selection, listing the known ones", () => {
    expect(() => createPrefectMcpServer({ enable: ["get_flow"], docs: false })).toThrow(
      /Unknown tool name\(s\): get_flow\. Known tools: .*get_flows/,
    );
  });
});

describe("errors a user can act on", () => {
  it("names an unknown argument and lists the accepted ones", async () => {
    const tools = await connectTools();
    const result = await tools.call("get_flows", { limits: 5 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /unknown argument "limits"; accepted: filter, limit, offset, jmespath/,
    );
    await tools.close();
  });

  it("says where Prefect was expected when nothing answers, and keeps serving", async () => {
    const unreachable = `http://127.0.0.1:${await closedPort()}/api`;
    const tools = await connectTools({
      settings: resolvePrefectSettings({ env: {}, overrides: { apiUrl: unreachable } }),
      clientOptions: { retries: 0 },
    });
    const result = await tools.call("get_flows");
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      `Cannot reach Prefect at ${unreachable} (connect ECONNREFUSED ${unreachable.slice(7, -4)}). Is the server running? Check PREFECT_API_URL or your profile.`,
    );
    expect((await tools.client.listTools()).tools.length).toBeGreaterThan(0);
    await tools.close();
  });

  it("tells a misconfigured server's caller how to configure Prefect", async () => {
    const tools = await connectTools({
      settings: () => resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: "/nonexistent" } }),
    });
    const result = await tools.call("get_flows");
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/No Prefect API URL is configured.*Set PREFECT_API_URL/);
    await tools.close();
  });

  it("reports an unexpected failure without its stack, and logs the stack for the operator", async () => {
    const logged: string[] = [];
    const tools = await connectTools({ tools: [explode], log: (line) => logged.push(line) });
    const result = await tools.call("explode");
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^explode failed unexpectedly: cannot read properties.*a bug in prefect-mcp/,
    );
    expect(result.text).not.toMatch(/\bat .*\.ts:\d+/);
    expect(logged.join("\n")).toMatch(/TypeError: cannot read properties[\s\S]*server\.test\.ts/);
    await tools.close();
  });

  it("refuses to send an answer too large for a client, saying how to ask for less", async () => {
    const tools = await connectTools({ tools: [huge] });
    const result = await tools.call("huge");
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/would be over 80000 characters.*smaller limit.*jmespath/);
    await tools.close();
  });
});

describe("credentials", () => {
  const password = "correct-horse-battery-staple";
  let guarded: PrefectServer;
  beforeAll(async () => {
    guarded = await startPrefectServer({ authString: `operator:${password}` });
  });
  afterAll(() => guarded?.stop());

  it("says which credential to check when Prefect refuses it, without echoing it", async () => {
    const wrong = `operator:${password}-but-wrong`;
    const tools = await connectTools({
      settings: resolvePrefectSettings({
        env: {},
        overrides: { apiUrl: guarded.apiUrl, authString: wrong },
      }),
    });
    const result = await tools.call("get_flows");
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/refused the request \(HTTP 401\)\. Check PREFECT_API_AUTH_STRING/);
    expect(result.text).not.toContain(password);
    await tools.close();
  });

  it("resolves settings per call, as the HTTP app does with each request's headers", async () => {
    let resolutions = 0;
    const tools = await connectTools({
      settings: () => {
        resolutions += 1;
        return resolvePrefectSettings({
          env: {},
          overrides: { apiUrl: guarded.apiUrl, authString: `operator:${password}` },
        });
      },
    });
    expect((await tools.call("get_flows")).isError).toBeFalsy();
    expect((await tools.call("get_flows")).isError).toBeFalsy();
    expect(resolutions).toBe(2);
    await tools.close();
  });
});

describe("prompts", () => {
  it("offers the investigation prompts, naming the tools this server serves", async () => {
    const tools = await connectTools();
    const { prompts } = await tools.client.listPrompts();
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual([
      "debug_deployment",
      "debug_flow_run",
    ]);
    const prompt = await tools.client.getPrompt({
      name: "debug_flow_run",
      arguments: { flow_run_id: "068adce4-aeec-7e9b-8000-97b7feeb70fa" },
    });
    const text = prompt.messages
      .map((message) => (message.content.type === "text" ? message.content.text : ""))
      .join("");
    expect(text).toContain('diagnose_flow_run(flow_run_id="068adce4-aeec-7e9b-8000-97b7feeb70fa")');
    // With an id there is nothing to search: the diagnosis comes first, raw reads only after.
    expect(text).toMatch(/^1\. Call diagnose_flow_run/m);
    expect(text.indexOf("diagnose_flow_run")).toBeLessThan(text.indexOf("get_flow_run_logs"));
    await tools.close();
  });

  it("leaves out the steps whose tools are disabled", async () => {
    const tools = await connectTools({ disable: ["get_flow_run_logs", "diagnose_flow_run"] });
    const prompt = await tools.client.getPrompt({ name: "debug_flow_run", arguments: {} });
    const text = prompt.messages
      .map((message) => (message.content.type === "text" ? message.content.text : ""))
      .join("");
    expect(text).not.toContain("get_flow_run_logs");
    expect(text).not.toContain("diagnose_flow_run");
    expect(text).toMatch(/^1\. /m);
    await tools.close();
  });

  it("starts the deployment investigation from diagnose_deployment", async () => {
    const tools = await connectTools();
    const id = "068adce4-aeec-7e9b-8000-97b7feeb70fa";
    const prompt = await tools.client.getPrompt({
      name: "debug_deployment",
      arguments: { deployment_id: id },
    });
    const text = prompt.messages
      .map((message) => (message.content.type === "text" ? message.content.text : ""))
      .join("");
    expect(text).toMatch(
      new RegExp(`^1\\. Call diagnose_deployment\\(deployment_id="${id}"\\)`, "m"),
    );
    await tools.close();
  });
});
