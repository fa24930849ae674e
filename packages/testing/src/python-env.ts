import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { PREFECT_VERSION } from "@prefect-mcp/client";
import lockfile from "proper-lockfile";
import { repoRoot } from "./repo-root.js";

const run = promisify(execFile);

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

/**
 * Returns the project-local venv with the pinned Prefect, creating it on first use.
 * Several test processes may call this at once: a file lock makes one install and the rest wait.
 */
export async function ensurePrefectEnv(): Promise<PrefectEnv> {
  const venvDir = path.join(venvCacheDir(), `prefect-${PREFECT_VERSION}`);
  const env: PrefectEnv = {
    python: path.join(venvDir, "bin", "python"),
    prefect: path.join(venvDir, "bin", "prefect"),
    version: PREFECT_VERSION,
  };
  const marker = path.join(venvDir, ".installed");
  if (await isInstalled(marker)) return env;

  await mkdir(venvCacheDir(), { recursive: true });
  const release = await lockfile.lock(venvCacheDir(), {
    lockfilePath: path.join(venvCacheDir(), `prefect-${PREFECT_VERSION}.lock`),
    // A pip install takes about half a minute; wait well past that for another process's install.
    retries: { retries: 600, factor: 1, minTimeout: 500, maxTimeout: 500 },
    stale: 30_000,
  });
  try {
    if (await isInstalled(marker)) return env;
    await rm(venvDir, { recursive: true, force: true });
    await install(venvDir, env.python);
    await writeFile(marker, `${PREFECT_VERSION}\n`);
    return env;
  } finally {
    await release();
  }
}

async function isInstalled(marker: string): Promise<boolean> {
  if (!existsSync(marker)) return false;
  return (await readFile(marker, "utf8")).trim() === PREFECT_VERSION;
}

async function install(venvDir: string, python: string): Promise<void> {
  const requirement = `prefect==${PREFECT_VERSION}`;
  process.stderr.write(`[prefect-mcp/testing] installing ${requirement} into ${venvDir} …\n`);
  const started = Date.now();
  if (await hasCommand("uv")) {
    await runStep("uv", ["venv", "--quiet", "--python", await findPython(), venvDir]);
    await runStep("uv", ["pip", "install", "--quiet", "--python", python, requirement]);
  } else {
    await runStep(await findPython(), ["-m", "venv", venvDir]);
    await runStep(python, [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      requirement,
    ]);
  }
  process.stderr.write(
    `[prefect-mcp/testing] installed ${requirement} in ${Math.round((Date.now() - started) / 1000)} s\n`,
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
    "Python 3.10 or newer is needed to run the real Prefect server for tests, and no `python3` " +
      "was found on PATH. Install Python 3.10+ (e.g. `apt-get install python3 python3-venv`) and retry.",
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

async function runStep(command: string, args: string[]): Promise<void> {
  try {
    await run(command, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr = "", stdout = "" } = error as { stderr?: string; stdout?: string };
    const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`\`${command} ${args.join(" ")}\` failed while installing Prefect:\n${tail}`);
  }
}
