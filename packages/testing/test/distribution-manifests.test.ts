// The files that publish prefect-mcp outside npm: the Claude Code plugin and its marketplace
// (.claude-plugin/), the prefect CLI skill the plugin ships (skills/prefect-cli/SKILL.md) and the
// MCP registry entry (server.json). Each is checked against its documented format, against the
// package.json files it describes, and, for the skill, against the pinned Prefect's real CLI.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPrefectClient, resolvePrefectSettings } from "@prefect-mcp/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import {
  createDeployment,
  createSeedClient,
  ensurePrefectEnv,
  isolatedEnv,
  type PrefectEnv,
  runProcess,
} from "../src/index.js";
import { repoRoot } from "../src/repo-root.js";

const root = repoRoot();
const SKILL_FILE = path.join(root, "skills", "prefect-cli", "SKILL.md");
/** The server.json schema release this repository's entry is written for. */
const SERVER_SCHEMA_URL =
  "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";
const PLUGIN_ENV = [
  "PREFECT_API_URL",
  "PREFECT_API_KEY",
  "PREFECT_API_AUTH_STRING",
  "PREFECT_PROFILE",
];

async function readJson(relativePath: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(root, relativePath), "utf8"));
}

// ---- Claude Code plugin manifest and marketplace (code.claude.com plugins and marketplace reference)

const kebabCase = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "kebab-case");
const semver = z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, "semver");
/** Component paths are relative to the plugin root: `./…`, forward slashes, never `..`. */
const pluginPath = z
  .string()
  .regex(/^\.\/(?!.*\.\.)(?!.*\\)/, "a path relative to the plugin root, starting with ./");
const pluginPaths = z.union([pluginPath, z.array(pluginPath)]);
const person = z.strictObject({
  name: z.string().min(1),
  email: z.email().optional(),
  url: z.url().optional(),
});
const stdioServer = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});
const remoteServer = z.strictObject({
  type: z.enum(["http", "sse"]),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
});
const pluginManifest = z.strictObject({
  name: kebabCase,
  version: semver.optional(),
  description: z.string().min(1).optional(),
  author: person.optional(),
  homepage: z.url().optional(),
  repository: z.url().optional(),
  license: z.string().min(1).optional(),
  keywords: z.array(z.string().min(1)).optional(),
  commands: pluginPaths.optional(),
  agents: z.array(pluginPath).optional(),
  skills: pluginPaths.optional(),
  hooks: z.union([pluginPath, z.record(z.string(), z.unknown())]).optional(),
  mcpServers: z
    .union([pluginPath, z.record(z.string(), z.union([stdioServer, remoteServer]))])
    .optional(),
  outputStyles: pluginPaths.optional(),
  lspServers: z.union([pluginPath, z.record(z.string(), z.unknown())]).optional(),
});
const marketplaceEntry = z.strictObject({
  name: kebabCase,
  source: z.union([pluginPath, z.object({ source: z.string().min(1) }).loose()]),
  description: z.string().min(1).optional(),
  version: semver.optional(),
  author: person.optional(),
  homepage: z.url().optional(),
  repository: z.url().optional(),
  license: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  category: z.string().optional(),
  tags: z.array(z.string()).optional(),
  strict: z.boolean().optional(),
});
const marketplace = z.strictObject({
  $schema: z.string().optional(),
  name: kebabCase,
  owner: person,
  metadata: z
    .strictObject({
      description: z.string().optional(),
      version: z.string().optional(),
      pluginRoot: z.string().optional(),
    })
    .optional(),
  plugins: z.array(marketplaceEntry).min(1),
});

// ---- MCP registry server.json, schema 2025-12-11 (static.modelcontextprotocol.io/schemas)

const input = z.strictObject({
  description: z.string().optional(),
  isRequired: z.boolean().optional(),
  format: z.enum(["string", "number", "boolean", "filepath"]).optional(),
  value: z.string().optional(),
  isSecret: z.boolean().optional(),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  choices: z.array(z.string()).optional(),
});
const inputWithVariables = input.extend({ variables: z.record(z.string(), input).optional() });
const keyValueInput = inputWithVariables.extend({ name: z.string().min(1) });
const positionalArgument = inputWithVariables
  .extend({
    type: z.literal("positional"),
    valueHint: z.string().optional(),
    isRepeated: z.boolean().optional(),
  })
  .refine((argument) => argument.valueHint !== undefined || argument.value !== undefined, {
    message: "a positional argument needs valueHint or value",
  });
const namedArgument = inputWithVariables.extend({
  type: z.literal("named"),
  name: z.string().min(1),
  isRepeated: z.boolean().optional(),
});
const argument = z.union([positionalArgument, namedArgument]);
const transportUrl = z.string().regex(/^https?:\/\/\S+$/, "an http(s) URL (template)");
const stdioTransport = z.strictObject({ type: z.literal("stdio") });
const streamableHttpTransport = z.strictObject({
  type: z.literal("streamable-http"),
  url: transportUrl,
  headers: z.array(keyValueInput).optional(),
});
const sseTransport = z.strictObject({
  type: z.literal("sse"),
  url: transportUrl,
  headers: z.array(keyValueInput).optional(),
});
const registryPackage = z.strictObject({
  registryType: z.string().min(1),
  registryBaseUrl: z.url().optional(),
  identifier: z.string().min(1),
  version: z
    .string()
    .min(1)
    .refine((version) => version !== "latest", "a specific version, not latest")
    .optional(),
  fileSha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/)
    .optional(),
  runtimeHint: z.string().optional(),
  transport: z.discriminatedUnion("type", [stdioTransport, streamableHttpTransport, sseTransport]),
  runtimeArguments: z.array(argument).optional(),
  packageArguments: z.array(argument).optional(),
  environmentVariables: z.array(keyValueInput).optional(),
});
const remoteVariables = { variables: z.record(z.string(), input).optional() };
const remote = z.discriminatedUnion("type", [
  streamableHttpTransport.extend(remoteVariables),
  sseTransport.extend(remoteVariables),
]);
const serverJson = z.strictObject({
  $schema: z.url().optional(),
  _meta: z
    .object({
      "io.modelcontextprotocol.registry/publisher-provided": z
        .record(z.string(), z.unknown())
        .optional(),
    })
    .loose()
    .optional(),
  name: z
    .string()
    .min(3)
    .max(200)
    .regex(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/, "reverse-DNS namespace/name"),
  title: z.string().min(1).max(100).optional(),
  description: z.string().min(1).max(100),
  version: z.string().max(255),
  websiteUrl: z.url().optional(),
  repository: z
    .strictObject({
      url: z.url(),
      source: z.string().min(1),
      id: z.string().optional(),
      subfolder: z.string().optional(),
    })
    .optional(),
  icons: z
    .array(
      z.strictObject({
        src: z.url().max(255),
        mimeType: z
          .enum(["image/png", "image/jpeg", "image/jpg", "image/svg+xml", "image/webp"])
          .optional(),
        sizes: z.array(z.string().regex(/^(\d+x\d+|any)$/)).optional(),
        theme: z.enum(["light", "dark"]).optional(),
      }),
    )
    .optional(),
  packages: z.array(registryPackage).optional(),
  remotes: z.array(remote).optional(),
});

const packageJson = z
  .object({
    name: z.string(),
    version: z.string(),
    private: z.boolean().optional(),
    mcpName: z.string().optional(),
  })
  .loose();

/** Every workspace package.json by package name, with the folder it lives in. */
async function workspacePackages(): Promise<
  Map<string, z.infer<typeof packageJson> & { dir: string }>
> {
  const packages = new Map<string, z.infer<typeof packageJson> & { dir: string }>();
  for (const group of ["apps", "packages"]) {
    for (const entry of await readdir(path.join(root, group), { withFileTypes: true })) {
      const file = path.join(root, group, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const manifest = packageJson.parse(JSON.parse(await readFile(file, "utf8")));
      packages.set(manifest.name, { ...manifest, dir: path.dirname(file) });
    }
  }
  return packages;
}

async function stdioPackageVersion(): Promise<string> {
  const stdio = (await workspacePackages()).get("@prefect-mcp/stdio");
  if (!stdio) throw new Error("no @prefect-mcp/stdio package in the workspace");
  return stdio.version;
}

/** `${VAR}` and `${VAR:-default}` as Claude Code expands them in MCP server configs. */
function expandLikeClaudeCode(value: string, hostEnv: Record<string, string | undefined>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (whole, name: string, fallback: string | undefined) => hostEnv[name] ?? fallback ?? whole,
  );
}

describe("Claude Code plugin", () => {
  it("has a plugin.json in the documented manifest format", async () => {
    const manifest = pluginManifest.parse(await readJson(".claude-plugin/plugin.json"));
    expect(manifest.name).toBe("prefect");
    expect(manifest.license).toBe("Apache-2.0");
  });

  it("carries the version of @prefect-mcp/stdio, the server it starts", async () => {
    const manifest = pluginManifest.parse(await readJson(".claude-plugin/plugin.json"));
    expect(manifest.version).toBe(await stdioPackageVersion());
  });

  it("starts the published stdio server with npx and passes Prefect settings only as references to the host environment", async () => {
    const manifest = pluginManifest.parse(await readJson(".claude-plugin/plugin.json"));
    const server = stdioServer.parse(
      (manifest.mcpServers as Record<string, unknown> | undefined)?.prefect,
    );
    expect(server.command).toBe("npx");
    expect(server.args).toEqual(["-y", "@prefect-mcp/stdio"]);
    // An empty default keeps an unset variable from reaching the server as literal `${…}` text.
    expect(server.env).toEqual(
      Object.fromEntries(PLUGIN_ENV.map((name) => [name, `\${${name}:-}`])),
    );
  });

  it("leaves the server on the active profile when the variables are unset, and passes them on when set", async () => {
    const manifest = pluginManifest.parse(await readJson(".claude-plugin/plugin.json"));
    const pluginEnv = stdioServer.parse(
      (manifest.mcpServers as Record<string, unknown> | undefined)?.prefect,
    ).env;
    const dir = await mkdtemp(path.join(tmpdir(), "prefect-mcp-plugin-env-"));
    try {
      const profiles = path.join(dir, "profiles.toml");
      await writeFile(
        profiles,
        [
          'active = "local"',
          "[profiles.local]",
          'PREFECT_API_URL = "http://127.0.0.1:4200/api"',
          "[profiles.staging]",
          'PREFECT_API_URL = "https://prefect.staging.example.com/api"',
          "",
        ].join("\n"),
      );
      // The server sees the host's environment with the plugin's expanded env block on top.
      const serverEnv = (host: Record<string, string>) => ({
        ...host,
        ...Object.fromEntries(
          Object.entries(pluginEnv ?? {}).map(([name, value]) => [
            name,
            expandLikeClaudeCode(value, host),
          ]),
        ),
      });
      const base = { PREFECT_PROFILES_PATH: profiles };

      const unset = resolvePrefectSettings({ env: serverEnv(base) });
      expect(unset).toMatchObject({
        apiUrl: "http://127.0.0.1:4200/api",
        sources: { apiUrl: "profile" },
      });
      expect(unset.apiKey).toBeUndefined();

      const named = resolvePrefectSettings({
        env: serverEnv({ ...base, PREFECT_PROFILE: "staging" }),
      });
      expect(named.apiUrl).toBe("https://prefect.staging.example.com/api");

      const set = resolvePrefectSettings({
        env: serverEnv({
          ...base,
          PREFECT_API_URL: "http://prefect.internal:4200/api",
          PREFECT_API_AUTH_STRING: "admin:secret",
        }),
      });
      expect(set).toMatchObject({
        apiUrl: "http://prefect.internal:4200/api",
        authString: "admin:secret",
        sources: { apiUrl: "env", authString: "env" },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("ships the prefect-cli skill where the plugin format discovers skills", async () => {
    const manifest = pluginManifest.parse(await readJson(".claude-plugin/plugin.json"));
    // skills/<name>/SKILL.md under the plugin root is found without a manifest entry; an entry,
    // if one is added, must point at folders that exist.
    const declared = manifest.skills === undefined ? [] : [manifest.skills].flat();
    for (const skillsPath of declared) expect(existsSync(path.join(root, skillsPath))).toBe(true);
    const skills = (await readdir(path.join(root, "skills"), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(skills).toContain("prefect-cli");
    for (const skill of skills) {
      expect(existsSync(path.join(root, "skills", skill, "SKILL.md"))).toBe(true);
    }
  });

  it("is listed by the marketplace.json at this repository's root", async () => {
    const listing = marketplace.parse(await readJson(".claude-plugin/marketplace.json"));
    const manifest = pluginManifest.parse(await readJson(".claude-plugin/plugin.json"));
    const entry = listing.plugins.find((plugin) => plugin.name === manifest.name);
    expect(entry?.source).toBe("./");
    const pluginRoot = path.join(root, entry?.source as string);
    expect(existsSync(path.join(pluginRoot, ".claude-plugin", "plugin.json"))).toBe(true);
  });
});

describe("MCP registry server.json", () => {
  it("follows the 2025-12-11 server.json schema", async () => {
    const server = serverJson.parse(await readJson("server.json"));
    expect(server.$schema).toBe(SERVER_SCHEMA_URL);
    // We host no public server: the entry offers packages only.
    expect(server.remotes).toBeUndefined();
  });

  it("is named io.github.<owner>/<repo> after the repository it points at", async () => {
    const server = serverJson.parse(await readJson("server.json"));
    const repository = new URL(server.repository?.url ?? "");
    const [, owner, repo] = repository.pathname.split("/");
    expect(repository.host).toBe("github.com");
    expect(server.repository?.source).toBe("github");
    expect(server.name).toBe(`io.github.${owner}/${repo}`);
  });

  it("lists published workspace packages whose mcpName is the entry's name, at their versions", async () => {
    const server = serverJson.parse(await readJson("server.json"));
    const packages = await workspacePackages();
    expect(server.version).toBe(await stdioPackageVersion());
    expect(server.packages?.map((item) => item.identifier)).toEqual([
      "@prefect-mcp/stdio",
      "@prefect-mcp/http",
    ]);
    for (const item of server.packages ?? []) {
      const manifest = packages.get(item.identifier);
      expect(item.registryType).toBe("npm");
      // The npm default; no registry host is written into this repository.
      expect(item.registryBaseUrl).toBeUndefined();
      expect(manifest?.private).not.toBe(true);
      expect(manifest?.mcpName).toBe(server.name);
      expect(item.version).toBe(manifest?.version);
    }
  });

  it("serves stdio from @prefect-mcp/stdio and Streamable HTTP from @prefect-mcp/http", async () => {
    const server = serverJson.parse(await readJson("server.json"));
    const [stdio, http] = server.packages ?? [];
    expect(stdio?.transport).toEqual({ type: "stdio" });
    expect(stdio?.environmentVariables?.map((variable) => variable.name)).toEqual(PLUGIN_ENV);
    expect(http?.transport).toMatchObject({ type: "streamable-http" });
    const transport = streamableHttpTransport.parse(http?.transport);
    expect(transport.url).toMatch(/\/mcp$/);
    expect(transport.headers?.map((header) => header.name)).toEqual([
      "X-Prefect-Api-Url",
      "X-Prefect-Api-Key",
      "X-Prefect-Api-Auth-String",
    ]);
  });

  it("fills every {variable} of a package's URL from that package's arguments or environment", async () => {
    const server = serverJson.parse(await readJson("server.json"));
    for (const item of server.packages ?? []) {
      if (item.transport.type === "stdio") continue;
      const available = new Set([
        ...(item.environmentVariables ?? []).map((variable) => variable.name),
        ...[...(item.packageArguments ?? []), ...(item.runtimeArguments ?? [])].flatMap((arg) =>
          arg.type === "named" ? [arg.name] : arg.valueHint ? [arg.valueHint] : [],
        ),
      ]);
      const used = [...item.transport.url.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      expect(used.length).toBeGreaterThan(0);
      for (const name of used) expect(available).toContain(name);
    }
  });

  it("marks credentials secret and names only settings the servers read", async () => {
    const server = serverJson.parse(await readJson("server.json"));
    const packages = await workspacePackages();
    const clientSource = await sourceText(path.join(root, "packages", "client", "src"));
    for (const item of server.packages ?? []) {
      const appSource = await sourceText(
        path.join(packages.get(item.identifier)?.dir ?? "", "src"),
      );
      const headers = item.transport.type === "stdio" ? [] : (item.transport.headers ?? []);
      for (const setting of [...(item.environmentVariables ?? []), ...headers]) {
        const credential = /api[-_]key|auth[-_]string/i.test(setting.name);
        expect({ name: setting.name, secret: setting.isSecret === true }).toEqual({
          name: setting.name,
          secret: credential,
        });
        const read = `${appSource}\n${clientSource}`.toLowerCase();
        expect(read, `${item.identifier} never mentions ${setting.name}`).toContain(
          setting.name.toLowerCase(),
        );
      }
    }
  });
});

/** The text of every .ts file under `dir`, for checking that a setting's name is read somewhere. */
async function sourceText(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter(
    (entry) => entry.isFile() && entry.name.endsWith(".ts"),
  );
  const texts = await Promise.all(
    files.map((entry) => readFile(path.join(entry.parentPath, entry.name), "utf8")),
  );
  return texts.join("\n");
}

// ---- The prefect CLI skill

interface Word {
  text: string;
  quoted: boolean;
}

interface CliCommand {
  /** The line as written in the skill. */
  line: string;
  /** Session flags before the command, e.g. `--no-prompt`. */
  session: string[];
  /** The subcommand words, e.g. `work-queue set-concurrency-limit`. */
  path: string;
  /** The flags given to the subcommand, without values, e.g. `--pool`, `-o`. */
  flags: string[];
}

/**
 * Splits a shell command line into words, honouring quotes; the command ends at a shell operator
 * (`|`, `>`, `<` other than a `<placeholder>`, `;`, `&`) or a comment.
 */
function shellWords(line: string): Word[] {
  const words: Word[] = [];
  let word: Word | undefined;
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line.charAt(index);
    if (quote) {
      if (char === quote) quote = undefined;
      else if (word) word.text += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      word ??= { text: "", quoted: false };
      word.quoted = true;
      continue;
    }
    if (/\s/.test(char)) {
      if (word) words.push(word);
      word = undefined;
      continue;
    }
    const placeholder = /^<[a-z][a-z-]*>/.exec(line.slice(index))?.[0];
    if (placeholder) {
      word ??= { text: "", quoted: false };
      word.text += placeholder;
      index += placeholder.length - 1;
      continue;
    }
    if ("|<>;&".includes(char) || (char === "#" && !word)) break;
    word ??= { text: "", quoted: false };
    word.text += char;
  }
  if (word) words.push(word);
  return words;
}

/** Every `prefect …` line of the skill: in shell code blocks, and in inline code elsewhere. */
function prefectLines(markdown: string): string[] {
  const lines: string[] = [];
  const prose = markdown.replace(
    /```(\w*)\n([\s\S]*?)```/g,
    (_block, lang: string, body: string) => {
      if (["", "sh", "bash", "shell"].includes(lang)) {
        for (const line of body.replace(/\\\n\s*/g, " ").split("\n")) {
          const command = line.trim().replace(/^\$ /, "");
          if (command.startsWith("prefect ")) lines.push(command);
        }
      }
      return "";
    },
  );
  for (const match of prose.matchAll(/`(prefect [^`]+)`/g)) lines.push(match[1] as string);
  return [...new Set(lines)];
}

function parseCommand(line: string): CliCommand {
  const words = shellWords(line);
  if (words[0]?.text !== "prefect") throw new Error(`not a prefect command: ${line}`);
  let index = 1;
  const session: string[] = [];
  while (["--no-prompt", "--prompt"].includes(words[index]?.text ?? "")) {
    session.push(words[index]?.text as string);
    index++;
  }
  const subcommand: string[] = [];
  for (; index < words.length; index++) {
    const word = words[index] as Word;
    if (word.quoted || !/^[a-z][a-z-]*$/.test(word.text)) break;
    subcommand.push(word.text);
  }
  const flags = words
    .slice(index)
    .filter((word) => !word.quoted && word.text.startsWith("-") && word.text !== "-")
    .map((word) => word.text.split("=")[0] as string);
  return { line, session, path: subcommand.join(" "), flags };
}

/** Runs `tasks` with at most `limit` at once, in order of the array. */
/** Runs the prefect CLI's entry point once per argv read from stdin; prints [{code, stdout}]. */
const PREFECT_HELPS_SCRIPT = `
import contextlib, io, json, sys
from prefect.cli import app
results = []
for argv in json.load(sys.stdin):
    captured = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(captured):
        sys.argv = ["prefect", *argv]
        try:
            app()
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    results.append({"code": code, "stdout": captured.getvalue()})
json.dump(results, sys.__stdout__)
`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The cause codes the diagnose_* tools report, read from their source. */
async function diagnosisCauseCodes(): Promise<string[]> {
  const tools = path.join(root, "packages", "tools", "src");
  const files = [
    ...(await readdir(path.join(tools, "diagnosis"))).map((name) =>
      path.join(tools, "diagnosis", name),
    ),
    ...(await readdir(path.join(tools, "tools")))
      .filter((name) => name.startsWith("diagnose-"))
      .map((name) => path.join(tools, "tools", name)),
  ].filter((file) => file.endsWith(".ts"));
  const codes = new Set<string>();
  for (const file of files) {
    const source = await readFile(file, "utf8");
    for (const match of source.matchAll(
      /(?:\bcode:\s*|\.check\(\s*|\.ruleOut\(\s*)"([a-z]+(?:_[a-z]+)*)"/g,
    )) {
      codes.add(match[1] as string);
    }
  }
  return [...codes].sort();
}

describe("prefect CLI skill", () => {
  let skill: string;
  let env: PrefectEnv;
  let home: string;

  beforeAll(async () => {
    skill = await readFile(SKILL_FILE, "utf8");
    env = await ensurePrefectEnv();
    home = await mkdtemp(path.join(tmpdir(), "prefect-mcp-skill-"));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  /** The pinned CLI, without the developer's profile, wide enough that help never wraps a flag. */
  const cliEnv = (extra: Record<string, string> = {}) =>
    isolatedEnv({ PREFECT_HOME: home, DO_NOT_TRACK: "1", COLUMNS: "250", ...extra });

  it("has frontmatter in the skill format, named after its folder", async () => {
    const match = /^---\n([\s\S]*?)\n---\n/.exec(skill);
    expect(match, "SKILL.md starts with a --- frontmatter block").not.toBeNull();
    // Parsed by a real YAML parser (PyYAML, which Prefect installs), as skill loaders do.
    const parsed = await runProcess(
      env.python,
      ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))"],
      { input: match?.[1] ?? "" },
    );
    expect(parsed.stderr).toBe("");
    const frontmatter = z
      .strictObject({
        name: z
          .string()
          .min(1)
          .max(64)
          .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
        description: z
          .string()
          .min(1)
          .max(1024)
          .refine((text) => !/[<>]/.test(text), "no XML tags"),
      })
      .parse(JSON.parse(parsed.stdout));
    expect(frontmatter.name).toBe(path.basename(path.dirname(SKILL_FILE)));
    expect(frontmatter.description).toMatch(/read-only|only reads/i);
  });

  /**
   * `prefect <args>` for each argument list, all in ONE Python process: the CLI's entry point run
   * in turn with each as argv, stdout captured. The output is the same as separate runs', and one
   * interpreter start instead of ~40 takes the check from minutes to seconds on a busy machine.
   */
  async function prefectHelps(argLists: string[][]): Promise<{ code: number; stdout: string }[]> {
    const run = await runProcess(env.python, ["-c", PREFECT_HELPS_SCRIPT], {
      env: cliEnv(),
      input: JSON.stringify(argLists),
      timeoutMs: 170_000,
    });
    if (run.code !== 0)
      throw new Error(`The prefect CLI help run exited ${run.code}:\n${run.stderr}`);
    return JSON.parse(run.stdout) as { code: number; stdout: string }[];
  }

  it("uses only commands and flags the pinned prefect CLI has", async () => {
    const commands = prefectLines(skill).map(parseCommand);
    expect(commands.length).toBeGreaterThan(30);
    const byPath = new Map<string, CliCommand[]>();
    for (const command of commands) {
      byPath.set(command.path, [...(byPath.get(command.path) ?? []), command]);
    }
    const paths = [...byPath];
    const helps = await prefectHelps(
      paths.map(([subcommand, uses]) => [
        ...new Set(uses.flatMap((use) => use.session)),
        ...subcommand.split(" "),
        "--help",
      ]),
    );
    const problems = paths.map(([subcommand, uses], index) => {
      const help = helps[index] ?? { code: null, stdout: "" };
      const found: string[] = [];
      const usage = help.stdout.split("\n").find((text) => text.startsWith("Usage: ")) ?? "";
      if (help.code !== 0) found.push(`\`prefect ${subcommand} --help\` exited ${help.code}`);
      if (!usage.startsWith(`Usage: prefect ${subcommand} `) || usage.includes(" COMMAND")) {
        found.push(`\`prefect ${subcommand}\` is not a command (help says "${usage}")`);
      }
      for (const use of uses) {
        for (const flag of [...use.session, ...use.flags]) {
          const listed = new RegExp(`(^|[\\s│])${escapeRegExp(flag)}(?=[\\s│,]|$)`, "m");
          if (!listed.test(help.stdout)) found.push(`\`${use.line}\`: no flag ${flag}`);
        }
      }
      return found;
    });
    expect(problems.flat()).toEqual([]);
    // ~6 s alone; a minute when the CI machine's two cores run every package's tests at once.
  }, 180_000);

  it("passes --no-prompt to every command that asks for confirmation", () => {
    const commands = prefectLines(skill).map(parseCommand);
    const deletes = commands.filter((command) => command.path.endsWith(" delete"));
    expect(deletes.length).toBeGreaterThan(0);
    for (const command of deletes) expect(command.session, command.line).toContain("--no-prompt");
    // `work-queue pause` asks which pool whatever --no-prompt says, unless --pool names it.
    for (const command of commands.filter((each) => each.path.startsWith("work-queue "))) {
      expect(command.flags, command.line).toContain("--pool");
    }
  });

  it("says how to fix every cause code the diagnose tools report", async () => {
    const codes = await diagnosisCauseCodes();
    expect(codes.length).toBeGreaterThan(25);
    const covered = new Set(
      [...skill.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1] as string),
    );
    expect(codes.filter((code) => !covered.has(code))).toEqual([]);
  });

  // Each test runs the CLI several times in a row, and each run starts Python and imports Prefect
  // (~2 s of CPU): on a busy 2-core CI machine one test can take a minute.
  describe("run against a real Prefect server", { timeout: 180_000 }, () => {
    const apiUrl = inject("prefectApiUrl");
    const seed = createSeedClient({ apiUrl });
    const prefect = createPrefectClient(resolvePrefectSettings({ env: {}, overrides: { apiUrl } }));
    let workDir: string;

    beforeAll(async () => {
      workDir = await mkdtemp(path.join(tmpdir(), "prefect-mcp-skill-run-"));
    });
    afterAll(async () => {
      await rm(workDir, { recursive: true, force: true });
    });

    /** The skill's one command line that starts with `prefix`. */
    const skillLine = (prefix: string) => {
      const lines = prefectLines(skill).filter((line) => line.startsWith(prefix));
      expect(lines, `one command in the skill starts with "${prefix}"`).toHaveLength(1);
      return lines[0] as string;
    };

    /** Runs a line of the skill in bash, placeholders filled in, with the pinned CLI on PATH. */
    const run = async (line: string, values: Record<string, string> = {}) => {
      const filled = line.replace(
        /<([a-z][a-z-]*)>/g,
        (whole, name: string) => values[name] ?? whole,
      );
      expect(filled, "every placeholder is filled in").not.toMatch(/<[a-z][a-z-]*>/);
      const exit = await runProcess("bash", ["-c", filled], {
        env: cliEnv({
          PATH: `${path.dirname(env.prefect)}:${process.env.PATH ?? ""}`,
          PREFECT_API_URL: apiUrl,
        }),
        cwd: workDir,
        timeoutMs: 60_000,
      });
      expect(exit, `\`${filled}\` fails: ${exit.stderr || exit.stdout}`).toMatchObject({
        code: 0,
      });
      return exit.stdout;
    };

    it("creates, exports, updates, pauses, resumes and deletes the example automation", async () => {
      const example = /```json\n([\s\S]*?)```/.exec(skill)?.[1] ?? "";
      await writeFile(path.join(workDir, "automation.json"), example);

      const created = await run(skillLine("prefect automation create --from-file"));
      const id = /with id ([0-9a-f-]{36})/.exec(created)?.[1] ?? "";
      const read = () => prefect.GET("/automations/{id}", { params: { path: { id } } });
      expect(await read()).toMatchObject({
        name: JSON.parse(example).name,
        trigger: { posture: "Proactive", within: 1800 },
      });

      await run(skillLine("prefect api GET /automations/"), { "automation-id": id });
      const exported = JSON.parse(await readFile(path.join(workDir, "automation.json"), "utf8"));
      exported.trigger.within = 3600;
      await writeFile(path.join(workDir, "automation.json"), JSON.stringify(exported));
      await run(skillLine("prefect automation update --id"), { "automation-id": id });
      expect(await read()).toMatchObject({ trigger: { within: 3600 } });

      await run(skillLine("prefect automation pause --id"), { "automation-id": id });
      expect(await read()).toMatchObject({ enabled: false });
      await run(skillLine("prefect automation resume --id"), { "automation-id": id });
      expect(await read()).toMatchObject({ enabled: true });

      await run(skillLine("prefect --no-prompt automation delete --id"), { "automation-id": id });
      await expect(read()).rejects.toMatchObject({ status: 404 });
    });

    it("pauses and resumes a deployment through prefect api", async () => {
      const deployment = await createDeployment(seed);
      const values = { "deployment-id": deployment.id };
      const paused = async () =>
        (await prefect.GET("/deployments/{id}", { params: { path: { id: deployment.id } } }))
          .paused;

      await run(
        skillLine("prefect api POST /deployments/<deployment-id>/pause_deployment"),
        values,
      );
      expect(await paused()).toBe(true);
      await run(
        skillLine("prefect api POST /deployments/<deployment-id>/resume_deployment"),
        values,
      );
      expect(await paused()).toBe(false);
    });

    it("gives a deployment a concurrency limit, changes it and removes it", async () => {
      const deployment = await createDeployment(seed);
      const values = { "deployment-id": deployment.id };
      const limit = async () =>
        (await prefect.GET("/deployments/{id}", { params: { path: { id: deployment.id } } }))
          .global_concurrency_limit ?? undefined;

      await run(
        skillLine(
          `prefect api PATCH /deployments/<deployment-id> --data '{"concurrency_limit": 2}'`,
        ),
        values,
      );
      expect(await limit()).toMatchObject({ name: `deployment:${deployment.id}`, limit: 2 });
      await run(
        skillLine("prefect global-concurrency-limit update 'deployment:<deployment-id>' --limit"),
        values,
      );
      expect(await limit()).toMatchObject({ limit: 4 });
      await run(
        skillLine(
          `prefect api PATCH /deployments/<deployment-id> --data '{"concurrency_limit": null}'`,
        ),
        values,
      );
      expect(await limit()).toBeUndefined();
    });
  });
});
