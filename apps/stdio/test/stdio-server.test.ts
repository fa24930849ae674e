import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createFlow, createSeedClient } from "@prefect-mcp/testing";
import { allTools } from "@prefect-mcp/tools";
import { describe, expect, inject, it } from "vitest";
import { packageInfo } from "../src/package-info.js";
import { builtToolNames, connectStdio, isolatedEnv, RawSession } from "./stdio-process.js";

const apiUrl = inject("prefectApiUrl");
const seed = createSeedClient({ apiUrl });
const withPrefect = () => isolatedEnv({ PREFECT_API_URL: apiUrl });

describe("prefect-mcp over stdio against a real Prefect server", () => {
  it("introduces itself and lists every Prefect tool after initialize", async () => {
    const session = await connectStdio(["--no-docs"], withPrefect());
    try {
      expect(session.client.getServerVersion()).toMatchObject({
        name: "prefect-mcp",
        version: packageInfo.version,
      });
      const names = await session.toolNames();
      expect(names).toContain("get_flows");
      expect(names).toEqual(await builtToolNames());
      expect(names.some((name) => name.startsWith("docs_"))).toBe(false);
    } finally {
      await session.close();
    }
  });

  it("serves the whole catalogue of @prefect-mcp/tools", async () => {
    expect(
      await builtToolNames(),
      "dist/ is older than the tools' source: run `pnpm turbo run build --filter=@prefect-mcp/stdio...`",
    ).toEqual(allTools.map((tool) => tool.name));
  });

  it("answers a get_flows call with a flow seeded in Prefect", async () => {
    const flow = await createFlow(seed);
    const session = await connectStdio(["--no-docs"], withPrefect());
    try {
      const result = await session.call("get_flows", {
        filter: { name: { any_: [flow.name] } },
      });
      expect(result.isError).toBeFalsy();
      expect(result.data.flows).toEqual([
        expect.objectContaining({ id: flow.id, name: flow.name }),
      ]);
      expect(result.text).toContain(flow.name);
    } finally {
      await session.close();
    }
  });

  it("serves the MCP Apps views from the built packages, and none with --no-ui", async () => {
    const session = await connectStdio(["--no-docs"], withPrefect());
    try {
      const { resources } = await session.client.listResources();
      expect(resources.map((resource) => resource.uri).sort()).toEqual([
        "ui://prefect/dashboard",
        "ui://prefect/flow-run",
      ]);
      for (const { uri } of resources) {
        const { contents } = await session.client.readResource({ uri });
        expect((contents[0] as { text: string }).text).toMatch(/^<!doctype html>/i);
      }
    } finally {
      await session.close();
    }
    const plain = await connectStdio(["--no-docs", "--no-ui"], withPrefect());
    try {
      const { tools } = await plain.client.listTools();
      expect(tools.filter((tool) => tool._meta)).toEqual([]);
      expect(plain.client.getServerCapabilities()?.resources).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it("serves only the tools named by --enable", async () => {
    const session = await connectStdio(["--no-docs", "--enable", "get_flows"], withPrefect());
    try {
      expect(await session.toolNames()).toEqual(["get_flows"]);
    } finally {
      await session.close();
    }
  });

  it("hides the tools named by --disable", async () => {
    const session = await connectStdio(["--no-docs", "--disable", "get_flows"], withPrefect());
    try {
      const names = await session.toolNames();
      expect(names).not.toContain("get_flows");
      expect(names).toEqual((await builtToolNames()).filter((name) => name !== "get_flows"));
      const refused = await session.call("get_flows");
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/Unknown tool "get_flows"/);
    } finally {
      await session.close();
    }
  });

  it("reaches Prefect at --api-url when the environment names none", async () => {
    const flow = await createFlow(seed);
    const session = await connectStdio(["--no-docs", "--api-url", apiUrl], isolatedEnv());
    try {
      const result = await session.call("get_flows", { filter: { id: { any_: [flow.id] } } });
      expect(result.isError).toBeFalsy();
      expect(result.data.flows.map((found: { id: string }) => found.id)).toEqual([flow.id]);
    } finally {
      await session.close();
    }
  });

  it("uses the profile named by --profile instead of the file's active one", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "prefect-mcp-profiles-"));
    const profiles = path.join(dir, "profiles.toml");
    await writeFile(
      profiles,
      [
        'active = "nowhere"',
        "[profiles.nowhere]",
        'PREFECT_API_URL = "http://127.0.0.1:9/api"',
        "[profiles.local]",
        `PREFECT_API_URL = "${apiUrl}"`,
        "",
      ].join("\n"),
    );
    const flow = await createFlow(seed);
    const session = await connectStdio(
      ["--no-docs", "--profile", "local"],
      isolatedEnv({ PREFECT_PROFILES_PATH: profiles }),
    );
    try {
      const result = await session.call("get_flows", { filter: { id: { any_: [flow.id] } } });
      expect(result.isError).toBeFalsy();
      expect(result.data.flows).toHaveLength(1);
      expect(session.stderr()).toContain('profile "local"');
    } finally {
      await session.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("starts without any Prefect configured and answers each tool call with how to set PREFECT_API_URL", async () => {
    const session = await connectStdio(["--no-docs"], isolatedEnv());
    try {
      expect(await session.toolNames()).toContain("get_flows");
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await session.call("get_flows");
        expect(result.isError).toBe(true);
        expect(result.text).toMatch(/No Prefect API URL is configured/);
        expect(result.text).toContain("Set PREFECT_API_URL");
      }
      const warnings = session
        .stderr()
        .split("\n")
        .filter((line) => /warning/i.test(line));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("PREFECT_API_URL");
    } finally {
      await session.close();
    }
  });
});

describe("the stdio channel and the process's life", () => {
  it("writes nothing but JSON-RPC messages to stdout during a session", async () => {
    const flow = await createFlow(seed);
    const session = new RawSession(["--no-docs"], withPrefect());
    await session.initialize();
    await session.request(2, "tools/list");
    const call = await session.request(3, "tools/call", {
      name: "get_flows",
      arguments: { filter: { id: { any_: [flow.id] } } },
    });
    await session.request(4, "tools/call", { name: "get_flows", arguments: { limit: -1 } });
    session.child.stdin.end();
    expect(await session.exit()).toEqual({ code: 0, signal: null });

    expect(JSON.stringify(call)).toContain(flow.id);
    expect(session.stdout.endsWith("\n")).toBe(true);
    const lines = session.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    }
    expect(session.stderr).toContain("serving over stdio");
  });

  // The SDK's stdio transport would close, and the process exit 0 without a word.
  it("answers a request over 10 MiB with an error, says so on stderr, and keeps serving", async () => {
    const session = await connectStdio(["--no-docs"], withPrefect());
    try {
      const padding = "x".repeat(12 * 1024 * 1024);
      await expect(session.call("get_flows", { padding })).rejects.toThrow(
        /The request is 12\.0 MiB, over the 10 MiB that prefect-mcp reads in one message/,
      );
      expect(await session.toolNames()).toContain("get_flows");
      const result = await session.call("get_flows", { limit: 1 });
      expect(result.isError).toBeFalsy();
      expect(session.stderr().split("\n").slice(1).join("\n")).toMatch(
        /^\[prefect-mcp\] a message from the client was larger than 10 MiB \(12\.0 MiB\); it was skipped and request \d+ answered with an error, and the server goes on serving\.\n$/,
      );
    } finally {
      await session.close();
    }
  });

  it("answers an oversized request whose id comes first, skips an oversized notification, and exits 0", async () => {
    const session = new RawSession(["--no-docs"], withPrefect());
    await session.initialize();
    const padding = "x".repeat(11 * 1024 * 1024);
    // Sent as {"jsonrpc", "id", "method", …}: the Python SDK's order, the id at the start.
    const refused = await session.request(2, "tools/call", {
      name: "get_flows",
      arguments: { padding },
    });
    expect(refused).toMatchObject({ id: 2, error: { code: -32600 } });
    // A notification has no id: nothing to answer, only the line on stderr.
    session.send({ method: "notifications/x", params: { padding } });
    expect(await session.request(3, "ping")).toMatchObject({ id: 3, result: {} });
    session.child.stdin.end();
    expect(await session.exit()).toEqual({ code: 0, signal: null });
    const ids = session.lines().map((line) => (JSON.parse(line) as { id?: unknown }).id);
    expect(ids).toEqual([1, 2, 3]);
    expect(session.stderr).toContain(
      "(11.0 MiB); it was skipped and request 2 answered with an error",
    );
    expect(session.stderr).toContain("(11.0 MiB); it was skipped, and the server goes on serving.");
  });

  it("exits with code 0 on SIGTERM", async () => {
    const session = new RawSession(["--no-docs"], withPrefect());
    await session.initialize();
    session.child.kill("SIGTERM");
    expect(await session.exit()).toEqual({ code: 0, signal: null });
  });

  it("exits with code 0 on SIGINT", async () => {
    const session = new RawSession(["--no-docs"], withPrefect());
    await session.initialize();
    session.child.kill("SIGINT");
    expect(await session.exit()).toEqual({ code: 0, signal: null });
  });

  it("exits with code 0 when the client closes stdin, even with the docs proxy on", async () => {
    // The docs URL points at a closed port, so the proxy is still trying or has given up.
    const session = new RawSession([], {
      ...withPrefect(),
      PREFECT_DOCS_MCP_URL: "http://127.0.0.1:9/mcp",
    });
    await session.initialize();
    session.child.stdin.end();
    expect(await session.exit()).toEqual({ code: 0, signal: null });
  });
});
