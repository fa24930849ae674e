import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { connectStdioMcp, isolatedEnv, type ProcessExit, runProcess } from "@prefect-mcp/testing";

export { isolatedEnv };

import type { ToolDefinition } from "@prefect-mcp/tools";

/** The built bin, run with plain node as `npx @prefect-mcp/stdio` would. */
export const BIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

if (!existsSync(BIN)) {
  throw new Error(
    `${BIN} is missing: these tests run the built bin. Run \`pnpm --filter @prefect-mcp/stdio build\` (or \`pnpm test\`, which builds first).`,
  );
}

/** A real MCP client talking to `node dist/main.js <args>` over stdio. */
export async function connectStdio(args: string[], env: Record<string, string>) {
  const session = await connectStdioMcp({ command: process.execPath, args: [BIN, ...args], env });
  return {
    ...session,
    async toolNames() {
      const { tools } = await session.client.listTools();
      return tools.map((tool) => tool.name);
    },
  };
}

export type Exit = Pick<ProcessExit, "code" | "signal">;

/** Runs the bin to completion with no stdin (for --help, --version, --list-tools, bad flags). */
export function runCli(args: string[], env = isolatedEnv()): Promise<ProcessExit> {
  return runProcess(process.execPath, [BIN, ...args], { env });
}

let catalogue: Promise<ToolDefinition[]> | undefined;

/** The tools the built bin serves, from its own `--list-tools --json`. */
export function builtCatalogue(): Promise<ToolDefinition[]> {
  catalogue ??= runCli(["--list-tools", "--json"]).then(({ code, stdout, stderr }) => {
    if (code !== 0) throw new Error(`--list-tools --json exited with ${code}: ${stderr}`);
    return JSON.parse(stdout) as ToolDefinition[];
  });
  return catalogue;
}

export async function builtToolNames(): Promise<string[]> {
  return (await builtCatalogue()).map((tool) => tool.name);
}

/**
 * The bin driven by hand-written JSON-RPC, to see exactly what it writes on stdout and how it
 * exits.
 */
export class RawSession {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  private waiters: (() => void)[] = [];

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [BIN, ...args], { env });
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => resolve({ code, signal })),
    );
  }

  send(message: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  }

  /** The complete stdout lines so far. */
  lines(): string[] {
    return this.stdout.split("\n").slice(0, -1);
  }

  /** Sends a request and waits for the response with its id. */
  async request(id: number, method: string, params: Record<string, unknown> = {}) {
    this.send({ id, method, params });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = this.lines()
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((message) => message.id === id);
      if (response) return response;
      if (Date.now() > deadline) throw new Error(`no response to ${method} (id ${id})`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** The MCP handshake a client does first. */
  async initialize() {
    const response = await this.request(1, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw-json-rpc", version: "1.0.0" },
    });
    this.send({ method: "notifications/initialized" });
    return response;
  }

  /** Waits for the process to exit, failing the test if it takes longer than `ms`. */
  async exit(ms = 10_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        reject(new Error(`prefect-mcp did not exit within ${ms} ms; stderr:\n${this.stderr}`));
      }, ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
