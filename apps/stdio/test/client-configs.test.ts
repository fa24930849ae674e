import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFlow, createSeedClient, readMarkedSection, readmePath } from "@prefect-mcp/testing";
import { parse as parseToml } from "smol-toml";
import { describe, expect, inject, it } from "vitest";
import {
  CLAUDE_CODE_COMMAND,
  CLIENT_CONFIG_READMES,
  CLIENT_CONFIGS,
  CLIENT_CONFIGS_SECTION,
  type ClientConfig,
  clientConfig,
  EXAMPLE_PREFECT_API_URL,
  HTTP_SERVER_URL,
} from "../scripts/client-configs.js";
import { BIN, connectStdio, isolatedEnv } from "./stdio-process.js";

type Transport = "stdio" | "http";

/** A server entry reduced to what matters, whichever client's format it came from. */
interface ServerEntry {
  command?: unknown;
  args?: unknown;
  type?: unknown;
  url?: unknown;
  headers: Record<string, string>;
}

/**
 * Field names each JSON client documents: the object that holds the servers, and which key holds
 * a Streamable HTTP server's URL (Gemini CLI's `url` would mean SSE, Windsurf's is `serverUrl`).
 */
const JSON_FIELDS: Record<string, { servers: string; url: string }> = {
  Cursor: { servers: "mcpServers", url: "url" },
  "VS Code": { servers: "servers", url: "url" },
  "Gemini CLI": { servers: "mcpServers", url: "httpUrl" },
  Windsurf: { servers: "mcpServers", url: "serverUrl" },
  Kiro: { servers: "mcpServers", url: "url" },
};

/** Parses one config the way its client reads it and returns the `prefect` server in it. */
function serverEntry(config: ClientConfig, transport: Transport): ServerEntry {
  const text = config[transport];
  switch (config.language) {
    case "json": {
      const fields = JSON_FIELDS[config.client];
      if (!fields) throw new Error(`No documented JSON fields for ${config.client}`);
      const server = JSON.parse(text)[fields.servers]?.prefect;
      return { ...server, url: server?.[fields.url], headers: server?.headers ?? {} };
    }
    case "toml": {
      const server = (parseToml(text) as { mcp_servers: Record<string, Record<string, unknown>> })
        .mcp_servers.prefect;
      // Codex sends http_headers as written and env_http_headers from its environment.
      const envHeaders = Object.fromEntries(
        Object.entries((server?.env_http_headers ?? {}) as Record<string, string>).map(
          ([name, variable]) => [name, `$${variable}`],
        ),
      );
      return {
        ...server,
        headers: { ...(server?.http_headers as Record<string, string>), ...envHeaders },
      };
    }
    case "sh":
      return claudeMcpAdd(text);
  }
}

/** `claude mcp add [--transport T] [--header "K: V"]… NAME (URL | -- COMMAND ARGS…)`. */
function claudeMcpAdd(command: string): ServerEntry {
  const words = (command.replace(/\\\n\s*/g, " ").match(/"[^"]*"|\S+/g) ?? []).map((word) =>
    word.startsWith('"') ? word.slice(1, -1) : word,
  );
  expect(words.slice(0, 3)).toEqual(["claude", "mcp", "add"]);
  const entry: ServerEntry = { headers: {} };
  const positional: string[] = [];
  for (let i = 3; i < words.length; i++) {
    const word = words[i] as string;
    if (word === "--") {
      entry.command = words[i + 1];
      entry.args = words.slice(i + 2);
      break;
    }
    if (word === "--transport") entry.type = words[++i];
    else if (word === "--header") {
      const header = words[++i] ?? "";
      const colon = header.indexOf(":");
      entry.headers[header.slice(0, colon)] = header.slice(colon + 1).trim();
    } else positional.push(word);
  }
  expect(positional[0]).toBe("prefect");
  entry.url = positional[1];
  return entry;
}

describe("the client configs in the READMEs", () => {
  it("cover the seven clients, each with a stdio and an HTTP form", () => {
    expect(CLIENT_CONFIGS.map((config) => config.client)).toEqual([
      "Claude Code",
      "Cursor",
      "VS Code",
      "Codex",
      "Gemini CLI",
      "Windsurf",
      "Kiro",
    ]);
  });

  it.each(CLIENT_CONFIGS.map((config) => [config.client, config] as const))(
    "%s: the stdio config runs `npx -y @prefect-mcp/stdio`",
    (_client, config) => {
      const server = serverEntry(config, "stdio");
      expect(server).toMatchObject({ command: "npx", args: ["-y", "@prefect-mcp/stdio"] });
      expect(server.url).toBeUndefined();
      if (config.client === "VS Code") expect(server.type).toBe("stdio");
    },
  );

  it.each(CLIENT_CONFIGS.map((config) => [config.client, config] as const))(
    "%s: the HTTP config reaches the shared server's /mcp with the Prefect URL and key headers",
    (_client, config) => {
      const server = serverEntry(config, "http");
      expect(server.url).toBe(HTTP_SERVER_URL);
      expect(HTTP_SERVER_URL.endsWith("/mcp")).toBe(true);
      expect(server.command).toBeUndefined();
      expect(server.headers["X-Prefect-Api-Url"]).toBe(EXAMPLE_PREFECT_API_URL);
      // The key is never written into the file: an environment variable or a prompt supplies it.
      expect(server.headers["X-Prefect-Api-Key"]).toMatch(
        /^(\$PREFECT_API_KEY|\$\{env:PREFECT_API_KEY\}|\$\{PREFECT_API_KEY\}|\$\{input:prefect-api-key\})$/,
      );
      if (["Claude Code", "VS Code"].includes(config.client)) expect(server.type).toBe("http");
    },
  );

  it("declares the VS Code input its HTTP config takes the key from, as a password", () => {
    expect(JSON.parse(clientConfig("VS Code").http).inputs).toEqual([
      expect.objectContaining({ id: "prefect-api-key", type: "promptString", password: true }),
    ]);
  });

  it.each(CLIENT_CONFIG_READMES.map(({ file, render }) => [file, render] as const))(
    "%s shows exactly these configs",
    (file, render) => {
      expect(
        readMarkedSection(readmePath(file), CLIENT_CONFIGS_SECTION),
        `${file}'s client configs are stale: run \`pnpm docs:update\``,
      ).toBe(render());
    },
  );

  it("leads the stdio README with Claude Code's config", () => {
    const readme = readFileSync(readmePath("apps/stdio/README.md"), "utf8");
    expect(readme.indexOf(`\`\`\`sh\n${CLAUDE_CODE_COMMAND}\n\`\`\``)).toBeLessThan(
      readme.indexOf("## Options"),
    );
  });
});

describe("Cursor's stdio config, started as Cursor starts it", () => {
  const apiUrl = inject("prefectApiUrl");

  it("names this package, whose one bin is the built server that answers with Prefect's data", async () => {
    const { command, args } = serverEntry(clientConfig("Cursor"), "stdio");
    expect([command, ...(args as string[])]).toEqual(["npx", "-y", "@prefect-mcp/stdio"]);
    // npx runs the package's only bin; the package is not published here, so start that bin itself.
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"),
    ) as { name: string; bin: Record<string, string> };
    expect(manifest.name).toBe((args as string[])[1]);
    const bins = Object.values(manifest.bin);
    expect(bins).toHaveLength(1);
    expect(path.resolve(path.dirname(BIN), "..", bins[0] as string)).toBe(BIN);

    const flow = await createFlow(createSeedClient({ apiUrl }));
    // No flags: the config passes none. The docs proxy points nowhere so the test stays offline.
    const session = await connectStdio(
      (args as string[]).slice(2),
      isolatedEnv({ PREFECT_API_URL: apiUrl, PREFECT_DOCS_MCP_URL: "http://127.0.0.1:9/mcp" }),
    );
    try {
      const result = await session.call("get_flows", { filter: { name: { any_: [flow.name] } } });
      expect(result.isError).toBeFalsy();
      expect(result.data.flows).toEqual([expect.objectContaining({ id: flow.id })]);
    } finally {
      await session.close();
    }
  });
});
