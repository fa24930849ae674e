import { readFile } from "node:fs/promises";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { builtBin, isolatedEnv } from "@prefect-mcp/testing";
import type { UpstreamEnv } from "./upstream-env.js";

export type ServerKind = "ours" | "upstream";
export const SERVER_KINDS: readonly ServerKind[] = ["ours", "upstream"];

/** How to start one of the two servers over stdio. */
export interface LaunchSpec {
  kind: ServerKind;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** What `/proc/<pid>/cmdline` must contain: proof the pid measured is the server itself. */
  processName: string;
}

/** What both servers are pointed at, the same for each. */
export interface ServerSetting {
  /** Prefect's API as the servers see it: the recording proxy. */
  apiUrl: string;
  /** A loopback port nothing listens on: both servers' docs proxies fail at once (see README). */
  docsUrl: string;
  /** A throwaway HOME and PREFECT_HOME, so nothing of the developer's Prefect setup is read. */
  home: string;
}

function commonEnv(setting: ServerSetting): Record<string, string> {
  return isolatedEnv({
    HOME: setting.home,
    PREFECT_HOME: setting.home,
    PREFECT_API_URL: setting.apiUrl,
    PREFECT_DOCS_MCP_URL: setting.docsUrl,
  });
}

/**
 * Our stdio server as built by `pnpm build`: the bench measures what ships, not the sources.
 * `docs: false` turns its docs proxy off (`--no-docs`).
 */
export function ourSpec(setting: ServerSetting, { docs = true } = {}): LaunchSpec {
  return {
    kind: "ours",
    command: process.execPath,
    args: [builtBin("prefect-mcp"), ...(docs ? [] : ["--no-docs"])],
    env: commonEnv(setting),
    cwd: setting.home,
    processName: "node",
  };
}

/**
 * PrefectHQ's server through its console script, whose shebang runs the venv's Python directly,
 * so the spawned pid is the Python process. Its cwd is the throwaway home: it reads `.env` from
 * the working directory. It has no switch for its docs proxy: `docs: false` builds the server the
 * way the script does, minus the proxy, through the function its module exposes for that.
 */
export function upstreamSpec(
  setting: ServerSetting,
  upstream: UpstreamEnv,
  { docs = true } = {},
): LaunchSpec {
  return {
    kind: "upstream",
    command: docs ? upstream.serverBin : upstream.python,
    args: docs
      ? []
      : [
          "-c",
          "from prefect_mcp_server.server import build_prefect_mcp_server as build; " +
            "build(include_docs_proxy=False).run()",
        ],
    env: {
      ...commonEnv(setting),
      // Its docs proxy gives up after this many seconds; the closed port refuses at once anyway.
      PREFECT_DOCS_MCP_INIT_TIMEOUT: "2",
    },
    cwd: setting.home,
    processName: "python",
  };
}

/** One tool call as the bench sees it. */
export interface CallOutcome {
  latencyMs: number;
  /** Characters of the text content: what MCP clients put in the model's context. */
  textChars: number;
  /** Characters of `structuredContent` as JSON (0 when absent). */
  structuredChars: number;
  /** The call failed: an MCP error result, or a result that says `success: false` (upstream's). */
  error?: string;
}

export interface RunningServer {
  kind: ServerKind;
  pid: number;
  /** Milliseconds from spawn to the first tools/list answer. */
  coldStartMs: number;
  toolNames: string[];
  call(name: string, args: Record<string, unknown>): Promise<CallOutcome>;
  close(): Promise<void>;
}

/** Of the server's stderr, what a start failure reports. */
const STDERR_KEPT = 20_000;

/** Spawns the server, initializes, lists its tools and times all of that as its cold start. */
export async function launch(spec: LaunchSpec): Promise<RunningServer> {
  const transport = new StdioClientTransport({
    command: spec.command,
    args: spec.args,
    env: spec.env,
    cwd: spec.cwd,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_KEPT);
  });
  const client = new Client({ name: "prefect-mcp-bench", version: "1.0.0" });
  const started = performance.now();
  let toolNames: string[];
  try {
    await client.connect(transport);
    toolNames = (await client.listTools()).tools.map((tool) => tool.name);
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(`the ${spec.kind} server did not start: ${String(error)}\n${stderr}`);
  }
  const coldStartMs = performance.now() - started;
  const pid = transport.pid;
  if (pid === null) throw new Error(`the ${spec.kind} server has no pid`);
  await assertProcess(pid, spec.processName);

  return {
    kind: spec.kind,
    pid,
    coldStartMs,
    toolNames,
    close: () => client.close(),
    async call(name, args) {
      const sent = performance.now();
      let result: CallToolResult;
      try {
        result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      } catch (error) {
        return {
          latencyMs: performance.now() - sent,
          textChars: 0,
          structuredChars: 0,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      const latencyMs = performance.now() - sent;
      const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
      const structured = result.structuredContent;
      const error = result.isError
        ? text.slice(0, 500)
        : structured?.success === false
          ? String(structured.error ?? "success: false")
          : undefined;
      return {
        latencyMs,
        textChars: text.length,
        structuredChars: structured === undefined ? 0 : JSON.stringify(structured).length,
        ...(error === undefined ? {} : { error }),
      };
    },
  };
}

async function assertProcess(pid: number, name: string): Promise<void> {
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
  if (!path.basename(cmdline[0] ?? "").startsWith(name)) {
    throw new Error(`pid ${pid} is \`${cmdline.join(" ")}\`, not the ${name} process measured`);
  }
}

/** The process's resident memory (VmRSS) in bytes. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
