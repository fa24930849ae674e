import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { withCacheLock } from "./python-env.js";
import { runProcess } from "./run-process.js";

/** The variable that points the browser tests at a Chromium (or Chrome) of the user's choice. */
export const CHROMIUM_ENV = "PREFECT_MCP_CHROMIUM";

const DEFAULT_PATH = "/usr/bin/chromium";
const PATH_NAMES = ["chromium", "chromium-browser", "google-chrome"] as const;
const APT_INSTALL = [
  "install",
  "-y",
  "-q",
  "--no-install-recommends",
  "chromium",
] as const satisfies readonly string[];
const NONINTERACTIVE = ["DEBIAN_FRONTEND=noninteractive"];
/** How long an install may take, and another process waits for it. */
const INSTALL_WAIT_MS = 600_000;

/** What ensureChromium needs from the machine; tests pass a fake one. */
export interface ChromiumHost {
  env: Record<string, string | undefined>;
  /** Whether `file` is a regular file this process may execute. */
  isExecutable(file: string): boolean;
  /** This process's uid, or undefined where there is none (Windows). */
  uid: number | undefined;
  /** Runs a command to completion, output (stdout and stderr) interleaved. */
  run(command: string, args: readonly string[], env?: Record<string, string>): Promise<CommandExit>;
  /** Runs `task` while holding a machine-wide lock, so concurrent callers install once. */
  serialise<T>(task: () => Promise<T>): Promise<T>;
  /** Progress for a human watching the test run. */
  log(line: string): void;
}

export interface CommandExit {
  /** The exit status, or null when a signal ended it or it could not be started. */
  code: number | null;
  output: string;
}

/**
 * A Chromium executable for the browser tests: `$PREFECT_MCP_CHROMIUM`, else `/usr/bin/chromium`,
 * else `chromium`, `chromium-browser` or `google-chrome` on PATH. When there is none it installs
 * the `chromium` package with apt-get where it may (root, or passwordless sudo); otherwise it
 * throws an error that says why and how to fix it. The browser tests never skip.
 */
export async function ensureChromium(host: ChromiumHost = machine()): Promise<string> {
  const found = findChromium(host);
  if (found) return found;
  return host.serialise(async () => {
    // Another process may have installed it while this one waited for the lock.
    const installedMeanwhile = findChromium(host);
    if (installedMeanwhile) return installedMeanwhile;
    const plan = await planInstall(host);
    if (plan.kind === "impossible") throw chromiumMissing(plan.reason);
    host.log(
      "[prefect-mcp/testing] Chromium not found; installing the `chromium` package with apt-get " +
        "for the browser tests (a minute or two) …",
    );
    for (const step of [["update", "-q"], APT_INSTALL]) {
      const args = [...plan.prefix, "apt-get", ...step];
      const [command = "apt-get", ...rest] = args;
      const exit = await host.run(command, rest, { DEBIAN_FRONTEND: "noninteractive" });
      if (exit.code !== 0) {
        throw chromiumMissing(
          `\`${args.join(" ")}\` exited with ${exit.code === null ? "a signal" : `status ${exit.code}`}:\n` +
            lastLines(exit.output),
        );
      }
    }
    const installed = findChromium(host);
    if (installed) return installed;
    throw chromiumMissing(
      "`apt-get install chromium` succeeded, yet still no Chromium executable was found",
    );
  });
}

/** The Chromium to use without installing anything, or undefined when there is none. */
export function findChromium(host: Pick<ChromiumHost, "env" | "isExecutable">): string | undefined {
  const chosen = host.env[CHROMIUM_ENV];
  if (chosen) {
    if (host.isExecutable(chosen)) return chosen;
    throw new Error(
      `${CHROMIUM_ENV} is set to "${chosen}", which is not an executable file. Point it at a ` +
        `Chromium or Chrome binary (e.g. /usr/bin/chromium), or unset it to let the browser tests ` +
        "find or install Chromium.",
    );
  }
  if (host.isExecutable(DEFAULT_PATH)) return DEFAULT_PATH;
  const dirs = (host.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const name of PATH_NAMES) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (host.isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

type InstallPlan =
  // sudo drops the environment, so the variable apt-get needs is passed on through `env`.
  | { kind: "apt" /** `[]` as root, else `sudo -n env DEBIAN_FRONTEND=…`. */; prefix: string[] }
  | { kind: "impossible"; reason: string };

async function planInstall(host: ChromiumHost): Promise<InstallPlan> {
  const hasAptGet = (host.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir && host.isExecutable(path.join(dir, "apt-get")));
  if (!hasAptGet) return { kind: "impossible", reason: "apt-get is not available on this machine" };
  if (host.uid === 0) return { kind: "apt", prefix: [] };
  const sudo = await host.run("sudo", ["-n", "true"]);
  if (sudo.code === 0) return { kind: "apt", prefix: ["sudo", "-n", "env", ...NONINTERACTIVE] };
  return {
    kind: "impossible",
    reason: "this process is not root and has no passwordless sudo (`sudo -n true` failed)",
  };
}

function chromiumMissing(reason: string): Error {
  return new Error(
    `Chromium is required for the browser tests, and none was found (${CHROMIUM_ENV} is unset; ` +
      `looked at ${DEFAULT_PATH} and for ${PATH_NAMES.join(", ")} on PATH). It could not be ` +
      `installed automatically: ${reason}\nTo fix it, install Chromium (e.g. \`sudo apt-get ` +
      `install chromium\` on Debian/Ubuntu), or set ${CHROMIUM_ENV} to a Chromium or Chrome ` +
      "executable.",
  );
}

function lastLines(output: string, count = 20): string {
  return output.trim().split("\n").slice(-count).join("\n");
}

/** This machine, as ensureChromium sees it. */
function machine(): ChromiumHost {
  return {
    env: process.env,
    isExecutable(file) {
      try {
        accessSync(file, constants.X_OK);
        return statSync(file).isFile();
      } catch {
        return false;
      }
    },
    uid: process.getuid?.(),
    async run(command, args, env = {}) {
      try {
        const exit = await runProcess(command, args, {
          env: { ...process.env, ...env },
          timeoutMs: INSTALL_WAIT_MS,
        });
        return { code: exit.code, output: `${exit.stdout}${exit.stderr}` };
      } catch (error) {
        // Could not be started at all (e.g. no sudo): a failed command like any other.
        return { code: null, output: error instanceof Error ? error.message : String(error) };
      }
    },
    // An apt-get install of Chromium takes a minute or two; wait well past that.
    serialise: (task) => withCacheLock("chromium-install", INSTALL_WAIT_MS, task),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}
