import { describe, expect, it } from "vitest";
import { type ChromiumHost, type CommandExit, ensureChromium } from "../src/chromium.js";

interface FakeMachine {
  env?: Record<string, string | undefined>;
  /** Executable files that exist before anything is installed. */
  files?: string[];
  uid?: number;
  /** Exit of `sudo -n true` (default: refused). */
  sudo?: CommandExit;
  /** Exit of each apt-get step (default: success). */
  apt?: { update?: CommandExit; install?: CommandExit };
  /** Files a successful `apt-get install` puts in place (default: /usr/bin/chromium). */
  installs?: string[];
}

const OK: CommandExit = { code: 0, output: "" };
const PATH = "/usr/local/bin:/usr/bin:/bin";

/** A machine that exists only in memory, recording the commands ensureChromium runs. */
function fakeHost(machine: FakeMachine = {}) {
  const files = new Set(machine.files ?? []);
  const commands: string[] = [];
  const logs: string[] = [];
  const host: ChromiumHost = {
    env: machine.env ?? { PATH },
    isExecutable: (file) => files.has(file),
    uid: machine.uid ?? 1000,
    async run(command, args, env) {
      const line = [command, ...args].join(" ");
      commands.push(env ? `${line} [${Object.entries(env).map(([k, v]) => `${k}=${v}`)}]` : line);
      if (command === "sudo" && args[1] === "true") return machine.sudo ?? { code: 1, output: "" };
      if (args.includes("update")) return machine.apt?.update ?? OK;
      const install = machine.apt?.install ?? OK;
      if (install.code === 0)
        for (const file of machine.installs ?? ["/usr/bin/chromium"]) files.add(file);
      return install;
    },
    serialise: (task) => task(),
    log: (line) => logs.push(line),
  };
  return { host, commands, logs };
}

describe("ensureChromium", () => {
  it("uses PREFECT_MCP_CHROMIUM before anything else", async () => {
    const { host, commands } = fakeHost({
      env: { PATH, PREFECT_MCP_CHROMIUM: "/opt/chrome/chrome" },
      files: ["/opt/chrome/chrome", "/usr/bin/chromium"],
    });
    expect(await ensureChromium(host)).toBe("/opt/chrome/chrome");
    expect(commands).toEqual([]);
  });

  it("refuses a PREFECT_MCP_CHROMIUM that is not an executable, naming the variable", async () => {
    const { host, commands } = fakeHost({
      env: { PATH, PREFECT_MCP_CHROMIUM: "/nowhere/chrome" },
      files: ["/usr/bin/chromium", "/usr/bin/apt-get"],
      uid: 0,
    });
    await expect(ensureChromium(host)).rejects.toThrow(
      /PREFECT_MCP_CHROMIUM is set to "\/nowhere\/chrome", which is not an executable file/,
    );
    expect(commands).toEqual([]);
  });

  it("prefers /usr/bin/chromium to the browsers on PATH", async () => {
    const { host } = fakeHost({ files: ["/usr/local/bin/google-chrome", "/usr/bin/chromium"] });
    expect(await ensureChromium(host)).toBe("/usr/bin/chromium");
  });

  it("takes chromium, then chromium-browser, then google-chrome from PATH", async () => {
    const browserAndChrome = fakeHost({
      files: ["/usr/local/bin/google-chrome", "/bin/chromium-browser"],
    });
    expect(await ensureChromium(browserAndChrome.host)).toBe("/bin/chromium-browser");
    const chromeOnly = fakeHost({ files: ["/bin/google-chrome"] });
    expect(await ensureChromium(chromeOnly.host)).toBe("/bin/google-chrome");
    const chromiumLast = fakeHost({ files: ["/bin/chromium", "/usr/local/bin/chromium-browser"] });
    expect(await ensureChromium(chromiumLast.host)).toBe("/bin/chromium");
  });

  it("installs the chromium package with apt-get as root, saying so once, then uses it", async () => {
    const { host, commands, logs } = fakeHost({ uid: 0, files: ["/usr/bin/apt-get"] });
    expect(await ensureChromium(host)).toBe("/usr/bin/chromium");
    expect(commands).toEqual([
      "apt-get update -q [DEBIAN_FRONTEND=noninteractive]",
      "apt-get install -y -q --no-install-recommends chromium [DEBIAN_FRONTEND=noninteractive]",
    ]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/installing the `chromium` package with apt-get/);
  });

  it("uses the Chromium another process installed while this one waited for the lock", async () => {
    const { host, commands } = fakeHost({ uid: 0, files: ["/usr/bin/apt-get"] });
    const withLock = host.serialise;
    host.serialise = (task) => {
      // The other process's install lands on PATH just before the lock is granted.
      host.isExecutable = (file) => file === "/usr/bin/chromium-browser";
      return withLock(task);
    };
    expect(await ensureChromium(host)).toBe("/usr/bin/chromium-browser");
    expect(commands).toEqual([]);
  });

  it("installs through passwordless sudo when not root", async () => {
    const { host, commands } = fakeHost({
      files: ["/usr/bin/apt-get"],
      sudo: OK,
      installs: ["/usr/bin/chromium-browser"],
    });
    expect(await ensureChromium(host)).toBe("/usr/bin/chromium-browser");
    expect(commands).toEqual([
      "sudo -n true",
      "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -q [DEBIAN_FRONTEND=noninteractive]",
      "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium [DEBIAN_FRONTEND=noninteractive]",
    ]);
  });

  it("says apt-get is missing and how to fix it, without running anything", async () => {
    const { host, commands } = fakeHost({ uid: 0 });
    const error = await ensureChromium(host).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Chromium is required for the browser tests/);
    expect((error as Error).message).toMatch(/apt-get is not available on this machine/);
    expect((error as Error).message).toMatch(/install Chromium .*or set PREFECT_MCP_CHROMIUM/s);
    expect(commands).toEqual([]);
  });

  it("says it is neither root nor allowed passwordless sudo", async () => {
    const { host, commands } = fakeHost({ files: ["/usr/bin/apt-get"] });
    await expect(ensureChromium(host)).rejects.toThrow(
      /not root and has no passwordless sudo \(`sudo -n true` failed\)/,
    );
    expect(commands).toEqual(["sudo -n true"]);
  });

  it("reports apt-get's exit status and the last lines of its output when it fails", async () => {
    const output = Array.from({ length: 40 }, (_, index) => `line ${index + 1}`).join("\n");
    const { host } = fakeHost({
      uid: 0,
      files: ["/usr/bin/apt-get"],
      apt: { install: { code: 100, output: `${output}\nE: Unable to locate package chromium\n` } },
    });
    const message = await ensureChromium(host).then(
      () => "",
      (error: Error) => error.message,
    );
    expect(message).toMatch(
      /`apt-get install -y -q --no-install-recommends chromium` exited with status 100:\n/,
    );
    expect(message).toContain("line 40\nE: Unable to locate package chromium");
    expect(message).not.toContain("line 20\n");
    expect(message).toMatch(/set PREFECT_MCP_CHROMIUM/);
  });

  it("stops at a failed apt-get update", async () => {
    const { host, commands } = fakeHost({
      uid: 0,
      files: ["/usr/bin/apt-get"],
      apt: { update: { code: 100, output: "E: Could not resolve deb.debian.org" } },
    });
    await expect(ensureChromium(host)).rejects.toThrow(
      /`apt-get update -q` exited with status 100:\nE: Could not resolve deb\.debian\.org/,
    );
    expect(commands).toHaveLength(1);
  });

  it("fails clearly when the install succeeds but no Chromium appears", async () => {
    const { host } = fakeHost({ uid: 0, files: ["/usr/bin/apt-get"], installs: [] });
    await expect(ensureChromium(host)).rejects.toThrow(
      /succeeded, yet still no Chromium executable was found/,
    );
  });
});
