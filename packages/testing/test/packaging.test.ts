// The publishable packages as a user gets them: packed by pnpm (which rewrites `workspace:*` ranges
// and applies publishConfig), installed with npm into an empty project outside the workspace, then
// run through their bins and imported with plain node. Needs every package built (see turbo.json).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PREFECT_VERSION } from "@prefect-mcp/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  connectHttpMcp,
  connectStdioMcp,
  createFlow,
  createSeedClient,
  type Flow,
  isolatedEnv,
  runProcess,
  ServerProcess,
} from "../src/index.js";
import { repoRoot } from "../src/repo-root.js";

/**
 * Upper bounds for each tarball in kB, about 1.5 times what was measured (in the comments): a
 * tarball past its bound has picked up files it should not ship.
 */
const MAX_TARBALL_KB: Record<string, number> = {
  "@prefect-mcp/client": 260, // 173: most of it the generated types and the OpenAPI spec
  "@prefect-mcp/tools": 240, // 157
  "@prefect-mcp/ui": 400, // 273: the two self-contained views, ~420 kB of minified HTML each
  "@prefect-mcp/stdio": 24, // 12
  "@prefect-mcp/http": 56, // 33
  "@prefect-mcp/cloud-oauth": 48, // 27
  "@prefect-mcp/cloud-token": 40, // 22
};

/** node_modules of a project that installed all seven, third-party dependencies included (35 MB). */
const MAX_INSTALL_MB = 50;

const BINS = ["prefect-mcp", "prefect-mcp-http", "prefect-mcp-cloud", "prefect-mcp-cloud-token"];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  main?: string;
  types?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  publishConfig?: Record<string, unknown>;
}

interface PackedPackage {
  manifest: Manifest;
  tarballBytes: number;
  /** Where npm installed it in the test project. */
  installedDir: string;
}

const apiUrl = inject("prefectApiUrl");
const root = repoRoot();

let workDir: string;
let project: string;
let packed: PackedPackage[];
let installMs: number;

async function readManifest(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as Manifest;
}

/** Every package under packages/ and apps/ that is not private. */
async function publishableDirs(): Promise<string[]> {
  const dirs = (
    await Promise.all(
      ["packages", "apps"].map(async (group) =>
        (await readdir(path.join(root, group))).map((name) => path.join(root, group, name)),
      ),
    )
  )
    .flat()
    .filter((dir) => existsSync(path.join(dir, "package.json")));
  const manifests = await Promise.all(dirs.map(readManifest));
  return dirs.filter((_, index) => !manifests[index]?.private);
}

async function pack(dir: string, destination: string): Promise<string> {
  const { code, stdout, stderr } = await runProcess(
    "pnpm",
    ["pack", "--json", "--pack-destination", destination],
    { cwd: dir },
  );
  if (code !== 0) throw new Error(`pnpm pack in ${dir} exited with ${code}:\n${stderr}`);
  return (JSON.parse(stdout) as { filename: string }).filename;
}

/** The files of an installed package, relative to it, leaving out its nested node_modules. */
async function installedFiles(dir: string): Promise<{ file: string; bytes: number }[]> {
  const entries = await readdir(dir, { recursive: true });
  const files = [];
  for (const file of entries) {
    if (file.split(path.sep)[0] === "node_modules") continue;
    const stats = await stat(path.join(dir, file));
    if (stats.isFile()) files.push({ file, bytes: stats.size });
  }
  return files;
}

/** Every path string in a manifest's exports, main, types and bin fields. */
function entryPointPaths(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(entryPointPaths);
  return [];
}

function installedBin(name: string): string {
  return path.join(project, "node_modules", ".bin", name);
}

function kb(bytes: number): number {
  return Math.round(bytes / 1024);
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "prefect-mcp-pack-"));
  const tarballDir = path.join(workDir, "tarballs");
  project = path.join(workDir, "project");
  await mkdir(project);

  const dirs = await publishableDirs();
  const tarballs = await Promise.all(dirs.map((dir) => pack(dir, tarballDir)));

  await writeFile(
    path.join(project, "package.json"),
    `${JSON.stringify({ name: "prefect-mcp-pack-test", private: true }, null, 2)}\n`,
  );
  const started = Date.now();
  const install = await runProcess(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--prefer-offline",
      "--no-package-lock",
      ...tarballs,
    ],
    { cwd: project, timeoutMs: 170_000 },
  );
  installMs = Date.now() - started;
  if (install.code !== 0) {
    throw new Error(`npm install exited with ${install.code}:\n${install.stderr}`);
  }

  packed = await Promise.all(
    tarballs.map(async (tarball, index) => {
      const manifest = await readManifest(dirs[index] as string);
      return {
        manifest,
        tarballBytes: (await stat(tarball)).size,
        installedDir: path.join(project, "node_modules", ...manifest.name.split("/")),
      };
    }),
  );
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("the packed packages installed with npm into an empty project", () => {
  it("packs every publishable package within its tarball bound, and installs within the footprint bound", async () => {
    const du = await runProcess("du", ["-sk", path.join(project, "node_modules")]);
    const installKb = Number.parseInt(du.stdout, 10);
    const rows = await Promise.all(
      packed.map(async ({ manifest, tarballBytes, installedDir }) => {
        const files = await installedFiles(installedDir);
        return {
          package: manifest.name,
          "tarball kB": kb(tarballBytes),
          "bound kB": MAX_TARBALL_KB[manifest.name],
          "unpacked kB": kb(files.reduce((sum, { bytes }) => sum + bytes, 0)),
          files: files.length,
        };
      }),
    );
    console.log(
      `npm install of ${packed.length} tarballs: ${(installMs / 1000).toFixed(1)} s, node_modules ${(installKb / 1024).toFixed(1)} MB (bound ${MAX_INSTALL_MB} MB)`,
    );
    console.table(rows);

    expect(packed.map(({ manifest }) => manifest.name).sort()).toEqual(
      Object.keys(MAX_TARBALL_KB).sort(),
    );
    for (const row of rows) {
      expect(row["tarball kB"], row.package).toBeLessThanOrEqual(row["bound kB"] as number);
    }
    expect(installKb / 1024).toBeLessThanOrEqual(MAX_INSTALL_MB);
  });

  it("ships built JavaScript, declarations, README and LICENSE, and no TypeScript sources", async () => {
    const license = await readFile(path.join(root, "LICENSE"), "utf8");
    for (const { manifest, installedDir } of packed) {
      const topLevel = (await readdir(installedDir)).filter((name) => name !== "node_modules");
      const expected = ["LICENSE", "README.md", "dist", "package.json"];
      // The client reads the pinned Prefect's OpenAPI document at run time.
      if (manifest.name === "@prefect-mcp/client") expected.push("openapi");
      expect(topLevel.sort(), manifest.name).toEqual(expected.sort());

      const files = (await installedFiles(installedDir)).map(({ file }) => file);
      expect(files, manifest.name).toContain(path.join("dist", "index.js"));
      expect(files, manifest.name).toContain(path.join("dist", "index.d.ts"));
      expect(
        files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")),
        manifest.name,
      ).toEqual([]);
      // No package folder holds a LICENSE: pnpm packs the workspace root's into each tarball.
      expect(await readFile(path.join(installedDir, "LICENSE"), "utf8")).toBe(license);
    }
    const client = packed.find(({ manifest }) => manifest.name === "@prefect-mcp/client");
    expect(
      existsSync(
        path.join(client?.installedDir ?? "", "openapi", `prefect-${PREFECT_VERSION}.json`),
      ),
    ).toBe(true);
  });

  it("publishes manifests with exact internal versions and exports that point only at dist/", async () => {
    for (const { manifest: workspaceManifest, installedDir } of packed) {
      const published = await readManifest(installedDir);
      expect(JSON.stringify(published), published.name).not.toContain("workspace:");
      expect(published.publishConfig, published.name).toEqual({ access: "public" });
      const targets = entryPointPaths([
        published.exports,
        published.main,
        published.types,
        published.bin,
      ]);
      for (const target of targets) {
        expect(target, published.name).toMatch(/^\.\/(dist\/|package\.json$)/);
        expect(existsSync(path.join(installedDir, target)), `${published.name} ${target}`).toBe(
          true,
        );
      }
      for (const [name, range] of Object.entries(published.dependencies ?? {})) {
        if (name.startsWith("@prefect-mcp/")) expect(range, name).toBe(workspaceManifest.version);
      }
    }
  });

  it("runs each bin with --help and --version, printing the package's version", async () => {
    const binOwners = packed.flatMap(({ manifest }) =>
      Object.keys(manifest.bin ?? {}).map((bin) => ({ bin, version: manifest.version })),
    );
    expect(binOwners.map(({ bin }) => bin).sort()).toEqual([...BINS].sort());
    await Promise.all(
      binOwners.map(async ({ bin, version }) => {
        const run = (flag: string) => runProcess(installedBin(bin), [flag], { env: isolatedEnv() });
        const [help, printed] = await Promise.all([run("--help"), run("--version")]);
        expect(help.code, `${bin} --help: ${help.stderr}`).toBe(0);
        expect(help.stdout).toMatch(new RegExp(`^Usage: ${bin} `));
        expect(printed.code, `${bin} --version: ${printed.stderr}`).toBe(0);
        expect(printed.stdout).toBe(`${version}\n`);
      }),
    );
  });

  describe("serving a real Prefect", () => {
    let flow: Flow;
    /** The npm-installed `prefect-mcp`, over stdio, reading this run's Prefect. */
    const connectInstalledStdio = () =>
      connectStdioMcp({
        command: installedBin("prefect-mcp"),
        args: ["--no-docs"],
        env: isolatedEnv({ PREFECT_API_URL: apiUrl }),
      });

    beforeAll(async () => {
      flow = await createFlow(createSeedClient({ apiUrl }));
    });

    it("answers get_flows with a seeded flow over stdio from the installed prefect-mcp", async () => {
      const session = await connectInstalledStdio();
      try {
        const result = await session.call("get_flows", {
          filter: { name: { any_: [flow.name] } },
        });
        expect(result.isError).toBeFalsy();
        expect(result.data.flows).toEqual([
          expect.objectContaining({ id: flow.id, name: flow.name }),
        ]);
      } finally {
        await session.close();
      }
    });

    it("serves the MCP Apps views from the installed @prefect-mcp/ui", async () => {
      const session = await connectInstalledStdio();
      try {
        for (const uri of ["ui://prefect/dashboard", "ui://prefect/flow-run"]) {
          const { contents } = await session.client.readResource({ uri });
          const html = (contents[0] as { text?: string }).text ?? "";
          expect(html, uri).toMatch(/^<!doctype html>/i);
          expect(html.length, uri).toBeGreaterThan(100_000);
        }
      } finally {
        await session.close();
      }
    });

    it("answers get_flows over Streamable HTTP from the installed prefect-mcp-http", async () => {
      const server = await ServerProcess.start({
        name: "prefect-mcp-http",
        bin: installedBin("prefect-mcp-http"),
        args: ["--port", "0", "--no-docs"],
        env: isolatedEnv({ PREFECT_API_URL: apiUrl }),
      });
      try {
        const session = await connectHttpMcp(`${server.url}/mcp`);
        try {
          const result = await session.call("get_flows", {
            filter: { name: { any_: [flow.name] } },
          });
          expect(result.isError).toBeFalsy();
          expect(result.data.flows).toEqual([expect.objectContaining({ id: flow.id })]);
        } finally {
          await session.close();
        }
      } finally {
        expect((await server.stop()).code).toBe(0);
      }
    });
  });

  it("imports every package with plain node, without the workspace's source condition", async () => {
    const names = packed.map(({ manifest }) => manifest.name);
    const script = `
      const names = ${JSON.stringify(names)};
      const modules = await Promise.all(names.map((name) => import(name)));
      const exported = Object.fromEntries(names.map((name, i) => [name, Object.keys(modules[i]).length]));
      const { allTools } = await import("@prefect-mcp/tools");
      console.log(JSON.stringify({ exported, tools: allTools.map((tool) => tool.name) }));
    `;
    const { code, stdout, stderr } = await runProcess(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: project, env: isolatedEnv() },
    );
    expect(code, stderr).toBe(0);
    const { exported, tools } = JSON.parse(stdout) as {
      exported: Record<string, number>;
      tools: string[];
    };
    for (const name of names) expect(exported[name], name).toBeGreaterThan(0);
    expect(tools).toContain("get_flows");
  });
});
