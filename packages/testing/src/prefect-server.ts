import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { envWithoutPrefectSettings } from "./child-env.js";
import { freePort } from "./free-port.js";
import { ensurePrefectEnv } from "./python-env.js";
import { testingPackageDir } from "./repo-root.js";

export interface StartPrefectServerOptions {
  /** Require this `user:password` on every request (`PREFECT_SERVER_API_AUTH_STRING`). */
  authString?: string;
  /** Turn on Prefect's CSRF protection (`PREFECT_SERVER_CSRF_PROTECTION_ENABLED`). */
  csrfProtection?: boolean;
  /** How long to wait for `/api/health` (default 120 s: the first start migrates the database). */
  startTimeoutMs?: number;
  /** More server settings, e.g. `{ PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED: "false" }`. */
  env?: Record<string, string>;
}

export interface PrefectServer {
  /** e.g. `http://127.0.0.1:41234/api` */
  apiUrl: string;
  port: number;
  /** The server's temporary PREFECT_HOME (SQLite database, logs). */
  home: string;
  authString: string | undefined;
  /** The server's combined stdout and stderr. */
  logFile: string;
  /** Ends the server's whole process group and deletes its home. Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server abruptly (SIGKILL to its process group), keeping its home and database. */
  kill(): Promise<void>;
  /** Kills the server if running, then starts it again on the same port, home and database. */
  restart(): Promise<void>;
}

/**
 * Starts the pinned Prefect's `prefect server start` on a free loopback port with a throwaway
 * PREFECT_HOME and SQLite database, and resolves once `/api/health` answers. The server runs under
 * a small supervisor that ends it as soon as this process goes away, however it goes.
 */
export async function startPrefectServer(
  options: StartPrefectServerOptions = {},
): Promise<PrefectServer> {
  const prefect = await ensurePrefectEnv();
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(prefect.python, prefect.prefect, options);
    } catch (error) {
      // Another process can take the free port between our probe and the server's bind.
      const portTaken = error instanceof Error && /address already in use/i.test(error.message);
      if (!portTaken || attempt >= attempts) throw error;
    }
  }
}

async function startOnce(
  python: string,
  prefectCli: string,
  options: StartPrefectServerOptions,
): Promise<PrefectServer> {
  const home = await mkdtemp(path.join(tmpdir(), "prefect-mcp-server-"));
  const port = await freePort();
  const logFile = path.join(home, "server.log");
  const apiUrl = `http://127.0.0.1:${port}/api`;
  const launch = async () => {
    const child = spawnServer(python, prefectCli, { home, port, logFile, options });
    try {
      await waitForHealth(apiUrl, child, options.startTimeoutMs ?? 120_000);
    } catch (error) {
      await endSupervisor(child);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Prefect server did not start: ${reason}\n--- last lines of its log ---\n${await logTail(logFile)}`,
      );
    }
    return child;
  };

  let child: ChildProcess | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child) await endSupervisor(child);
    await rm(home, { recursive: true, force: true });
  };
  const kill = async () => {
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    child.ref();
    const exited = new Promise<void>((resolve) => child?.once("exit", () => resolve()));
    // The supervisor SIGKILLs the server's process group and exits, leaving the home in place.
    child.kill("SIGUSR1");
    await exited;
  };

  try {
    child = await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl,
    port,
    home,
    authString: options.authString,
    logFile,
    stop,
    kill,
    restart: async () => {
      await kill();
      child = await launch();
    },
  };
}

function spawnServer(
  python: string,
  prefectCli: string,
  at: { home: string; port: number; logFile: string; options: StartPrefectServerOptions },
): ChildProcess {
  const { home, port, options } = at;
  const log = openSync(at.logFile, "a");
  const env: Record<string, string> = {
    ...envWithoutPrefectSettings(),
    PREFECT_HOME: home,
    PREFECT_SERVER_DATABASE_CONNECTION_URL: `sqlite+aiosqlite:///${path.join(home, "prefect.db")}`,
    PREFECT_SERVER_ANALYTICS_ENABLED: "false",
    PREFECT_SERVER_UI_ENABLED: "false",
    // Events become readable after the persister's flush; the default 5 s slows every event test.
    PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL: "0.5",
    DO_NOT_TRACK: "1",
    ...(options.authString ? { PREFECT_SERVER_API_AUTH_STRING: options.authString } : {}),
    ...(options.csrfProtection ? { PREFECT_SERVER_CSRF_PROTECTION_ENABLED: "true" } : {}),
    ...options.env,
  };
  const child = spawn(
    python,
    [
      path.join(testingPackageDir(), "python", "supervise.py"),
      home,
      prefectCli,
      "server",
      "start",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    { env, stdio: ["pipe", log, log], detached: true },
  );
  closeSync(log); // the child holds its own copy
  // The supervisor must not keep this process alive; the open pipe is its lifeline, not ours.
  child.unref();
  return child;
}

async function waitForHealth(apiUrl: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once("exit", (code) => {
    exited = code ?? -1;
  });
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`the server process exited with code ${exited}`);
    try {
      const response = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`/api/health did not answer within ${Math.round(timeoutMs / 1000)} s`);
}

async function endSupervisor(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Hold the process open until the server is down, even in a script with nothing else to do.
  child.ref();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin?.end();
  const timedOut = await Promise.race([
    exited.then(() => false),
    sleep(20_000, undefined, { ref: false }).then(() => true),
  ]);
  if (timedOut && child.pid) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function logTail(file: string, lines = 40): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "(no log)");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
