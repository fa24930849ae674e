import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import type { ProcessExit } from "./run-process.js";

export type Exit = Pick<ProcessExit, "code" | "signal">;

/**
 * A built HTTP server bin run with plain node, as `npx` would run it, that logs JSON lines on
 * stderr and announces itself with a `{"message":"listening","url":…}` line.
 */
export class ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stderr = "";
  url = "";
  readonly exited: Promise<Exit>;

  private constructor(
    readonly name: string,
    bin: string,
    args: string[],
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [bin, ...args], { env });
    this.child.stdout.resume();
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => resolve({ code, signal })),
    );
  }

  /** Starts the bin and waits for its "listening" line; throws with its stderr if it exits first. */
  static async start(options: {
    name: string;
    bin: string;
    args: string[];
    env: Record<string, string>;
    timeoutMs?: number;
  }): Promise<ServerProcess> {
    const server = new ServerProcess(options.name, options.bin, options.args, options.env);
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const started = server.logs().find((entry) => entry.message === "listening");
      if (started) {
        server.url = String(started.url);
        return server;
      }
      const early = await Promise.race([
        server.exited,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50)),
      ]);
      if (early || Date.now() > deadline) {
        server.child.kill("SIGKILL");
        throw new Error(
          `${options.name} did not start: ${JSON.stringify(early)}\n${server.stderr}`,
        );
      }
    }
  }

  /** The JSON log lines so far. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read any field of a log line.
  logs(): Record<string, any>[] {
    return this.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
  }

  /** Sends a signal and waits for the exit, failing after `ms`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", ms = 15_000): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        reject(new Error(`${this.name} did not exit within ${ms} ms; stderr:\n${this.stderr}`));
      }, ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
