import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { PREFECT_VERSION } from "@prefect-mcp/client";
import lockfile from "proper-lockfile";
import { repoRoot } from "./repo-root.js";

const run = promisify(execFile);

export interface PythonEnvSpec {
  /** The venv's folder under the cache, e.g. `prefect-3.9.1`; also names its lock. */
  name: string;
  /** Exact pip requirements, e.g. `["prefect==3.9.1"]`. */
  requirements: readonly string[];
  /** What the install marker records; a venv with another stamp is reinstalled (default: the
   * requirements, one a line). */
  stamp?: string;
}

export interface PythonEnv {
  /** The venv's folder. */
  dir: string;
  /** The venv's Python interpreter. */
  python: string;
  /** The path of a console script the venv installed, e.g. `bin("prefect")`. */
  bin(name: string): string;
}

export interface PrefectEnv {
  /** The venv's Python interpreter. */
  python: string;
  /** The venv's `prefect` CLI. */
  prefect: string;
  /** The installed Prefect version (always PREFECT_VERSION). */
  version: string;
}

/** Where the cached venvs live: `<repo>/.cache/`, or `$PREFECT_MCP_VENV_DIR`. */
export function venvCacheDir(): string {
  return process.env.PREFECT_MCP_VENV_DIR ?? path.join(repoRoot(), ".cache");
}

/** Returns the project-local venv with the pinned Prefect, creating it on first use. */
export async function ensurePrefectEnv(): Promise<PrefectEnv> {
  const env = await ensurePythonEnv({
    name: `prefect-${PREFECT_VERSION}`,
    requirements: [`prefect==${PREFECT_VERSION}`],
    // The stamp venvs made before ensurePythonEnv existed carry, so they are not reinstalled.
    stamp: PREFECT_VERSION,
  });
  return { python: env.python, prefect: env.bin("prefect"), version: PREFECT_VERSION };
}

/**
 * Returns a cached venv holding exactly `spec.requirements`, creating it on first use (with uv when
 * it is on PATH, else venv and pip). Several processes may call this at once: a file lock makes
 * one install and the rest wait.
 */
export async function ensurePythonEnv(spec: PythonEnvSpec): Promise<PythonEnv> {
  const dir = path.join(venvCacheDir(), spec.name);
  const env: PythonEnv = {
    dir,
    python: path.join(dir, "bin", "python"),
    bin: (name) => path.join(dir, "bin", name),
  };
  const marker = path.join(dir, ".installed");
  const wanted = spec.stamp ?? spec.requirements.join("\n");
  if (await isInstalled(marker, wanted)) return env;

  // A pip install takes about half a minute; wait well past that for another process's install.
  return withCacheLock(spec.name, 300_000, async () => {
    if (await isInstalled(marker, wanted)) return env;
    await rm(dir, { recursive: true, force: true });
    await install(dir, env.python, spec.requirements);
    await writeFile(marker, `${wanted}\n`);
    return env;
  });
}

/**
 * Runs `task` holding the machine-wide lock `<cache>/<name>.lock`, so that of several processes
 * installing the same thing one does it and the others wait up to `waitMs` for it.
 */
export async function withCacheLock<T>(
  name: string,
  waitMs: number,
  task: () => Promise<T>,
): Promise<T> {
  await mkdir(venvCacheDir(), { recursive: true });
  const release = await lockfile.lock(venvCacheDir(), {
    lockfilePath: path.join(venvCacheDir(), `${name}.lock`),
    retries: { retries: Math.ceil(waitMs / 500), factor: 1, minTimeout: 500, maxTimeout: 500 },
    stale: 30_000,
  });
  try {
    return await task();
  } finally {
    await release();
  }
}

async function isInstalled(marker: string, wanted: string): Promise<boolean> {
  if (!existsSync(marker)) return false;
  return (await readFile(marker, "utf8")).trim() === wanted;
}

async function install(dir: string, python: string, requirements: readonly string[]) {
  const what = requirements.join(" ");
  process.stderr.write(`[prefect-mcp/testing] installing ${what} into ${dir} …\n`);
  const started = Date.now();
  if (await hasCommand("uv")) {
    await runStep("uv", ["venv", "--quiet", "--python", await findPython(), dir], what);
    await runStep("uv", ["pip", "install", "--quiet", "--python", python, ...requirements], what);
  } else {
    await runStep(await findPython(), ["-m", "venv", dir], what);
    await runStep(
      python,
      ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...requirements],
      what,
    );
  }
  process.stderr.write(
    `[prefect-mcp/testing] installed ${what} in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
}

/** The first `python3` (or `python`) on PATH that is 3.10 or newer. */
async function findPython(): Promise<string> {
  for (const candidate of ["python3", "python"]) {
    try {
      const { stdout } = await run(candidate, [
        "-c",
        "import sys; print('%d.%d' % sys.version_info[:2])",
      ]);
      const [major = 0, minor = 0] = stdout.trim().split(".").map(Number);
      if (major === 3 && minor >= 10) return candidate;
    } catch {
      // not on PATH; try the next name
    }
  }
  throw new Error(
    "Python 3.10 or newer is needed to run the real Prefect server (and other Python tools the " +
      "tests and benchmarks use), and no `python3` was found on PATH. Install Python 3.10+ " +
      "(e.g. `apt-get install python3 python3-venv`) and retry.",
  );
}

async function hasCommand(command: string): Promise<boolean> {
  try {
    await run(command, ["--version"]);
    return true;
  } catch {
    return false;
  }
}

async function runStep(command: string, args: string[], what: string): Promise<void> {
  try {
    await run(command, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr = "", stdout = "" } = error as { stderr?: string; stdout?: string };
    const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`\`${command} ${args.join(" ")}\` failed while installing ${what}:\n${tail}`);
  }
}
