import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { createPrefectClient, PrefectApiError, resolvePrefectSettings } from "@prefect-mcp/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensurePrefectEnv,
  type PrefectServer,
  runProcess,
  startPrefectServer,
} from "../src/index.js";
import { testingPackageDir } from "../src/repo-root.js";

async function answersHealth(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function waitUntilDown(apiUrl: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await answersHealth(apiUrl))) return true;
    await sleep(250);
  }
  return false;
}

function clientFor(apiUrl: string, authString?: string) {
  return createPrefectClient(
    resolvePrefectSettings({ env: {}, overrides: { apiUrl, authString } }),
    { retries: 0 },
  );
}

describe("startPrefectServer", () => {
  it("serves the pinned Prefect on loopback and is gone after stop()", async () => {
    const server = await startPrefectServer();
    expect(server.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(await clientFor(server.apiUrl).GET("/admin/version")).toBe(
      (await ensurePrefectEnv()).version,
    );
    await server.stop();
    expect(await answersHealth(server.apiUrl)).toBe(false);
    expect(existsSync(server.home)).toBe(false);
  });

  it("takes its server down when the process that started it is killed outright", async () => {
    // Plain node with tsx's loader, so the killed process is the one holding the supervisor's pipe.
    const holder = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@prefect-mcp/source", "test/helpers/hold-server.ts"],
      { cwd: testingPackageDir(), stdio: ["ignore", "pipe", "inherit"] },
    );
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: holder.stdout }).once("line", resolve);
      holder.once("exit", (code) => reject(new Error(`holder exited early with ${code}`)));
    });
    const { apiUrl } = JSON.parse(firstLine) as { apiUrl: string };
    expect(await answersHealth(apiUrl)).toBe(true);

    holder.kill("SIGKILL");
    expect(await waitUntilDown(apiUrl, 30_000)).toBe(true);
  });

  it("kill() takes the server down at once and restart() brings it back with the same data", async () => {
    const server = await startPrefectServer();
    try {
      const client = clientFor(server.apiUrl);
      const created = await fetch(`${server.apiUrl}/flows/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "survives-a-crash" }),
      });
      expect(created.status).toBe(201);
      await server.kill();
      expect(await answersHealth(server.apiUrl)).toBe(false);
      expect(existsSync(server.home)).toBe(true);
      await server.restart();
      const flows = await client.POST("/flows/filter", { body: {} });
      expect(flows.map((flow: { name: string }) => flow.name)).toContain("survives-a-crash");
    } finally {
      await server.stop();
    }
    expect(existsSync(server.home)).toBe(false);
  });

  it("reports a server that cannot start, with the end of its log", async () => {
    await expect(
      startPrefectServer({
        env: { PREFECT_SERVER_DATABASE_CONNECTION_URL: "notadialect://nowhere" },
        startTimeoutMs: 60_000,
      }),
    ).rejects.toThrow(/Prefect server did not start[\s\S]*last lines of its log[\s\S]*\S/);
  });
});

describe("a server started with an auth string and CSRF protection", () => {
  const authString = "operator:correct-horse-battery";
  let server: PrefectServer;

  beforeAll(async () => {
    server = await startPrefectServer({ authString, csrfProtection: true });
  });
  afterAll(() => server?.stop());

  it("rejects a client without the auth string with a clear 401", async () => {
    const error = await clientFor(server.apiUrl)
      .POST("/flows/filter", { body: {} })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrefectApiError);
    expect((error as PrefectApiError).status).toBe(401);
    expect((error as PrefectApiError).message).toMatch(/401 Unauthorized.*PREFECT_API_AUTH_STRING/);
  });

  it("answers GETs and query POSTs for a client with the auth string, fetching a CSRF token", async () => {
    const client = clientFor(server.apiUrl, authString);
    expect(await client.GET("/admin/version")).toMatch(/^3\./);
    expect(await client.POST("/flows/filter", { body: { limit: 1 } })).toEqual([]);
    expect(await client.POST("/flow_runs/count", { body: {} })).toBe(0);
  });
});

describe("ensurePrefectEnv", () => {
  it("installs once when several processes ask at the same time, and all of them get the venv", async () => {
    const venvs = await mkdtemp(path.join(tmpdir(), "prefect-mcp-venvs-"));
    try {
      const env = { ...process.env, PREFECT_MCP_VENV_DIR: venvs };
      const args = [
        "--import",
        "tsx",
        "--conditions=@prefect-mcp/source",
        "test/helpers/ensure-env.ts",
      ];
      const runs = await Promise.all(
        [1, 2, 3].map(() =>
          runProcess(process.execPath, args, { cwd: testingPackageDir(), env, timeoutMs: 240_000 }),
        ),
      );
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const results = runs.map((run) => JSON.parse(run.stdout) as { python: string });
      expect(new Set(results.map((result) => result.python)).size).toBe(1);
      const installs = runs.filter((run) => run.stderr.includes("installing prefect=="));
      expect(installs).toHaveLength(1);
      const version = await runProcess(results[0]?.python ?? "", [
        "-c",
        "import prefect; print(prefect.__version__)",
      ]);
      expect(version.stdout.trim()).toBe((await ensurePrefectEnv()).version);
    } finally {
      await rm(venvs, { recursive: true, force: true });
    }
  }, 300_000);

  it("says that Python is needed when no python3 is on PATH", async () => {
    const saved = { path: process.env.PATH, venvs: process.env.PREFECT_MCP_VENV_DIR };
    process.env.PATH = "/nonexistent";
    const venvs = await mkdtemp(path.join(tmpdir(), "prefect-mcp-no-python-"));
    process.env.PREFECT_MCP_VENV_DIR = venvs;
    try {
      await expect(ensurePrefectEnv()).rejects.toThrow(/Python 3\.10 or newer.*no `python3`/s);
    } finally {
      process.env.PATH = saved.path;
      if (saved.venvs === undefined) delete process.env.PREFECT_MCP_VENV_DIR;
      else process.env.PREFECT_MCP_VENV_DIR = saved.venvs;
      await rm(venvs, { recursive: true, force: true });
    }
  });
});
