import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import { promisify } from "node:util";
import { PREFECT_VERSION } from "@prefect-mcp/client";
import type { UpstreamEnv } from "./upstream-env.js";

const run = promisify(execFile);

/** What the figures were measured on, for the results file and the report's first line. */
export async function describeMachine(upstream: UpstreamEnv): Promise<Record<string, string>> {
  const require = createRequire(import.meta.url);
  const ours = require("@prefect-mcp/stdio/package.json") as { version: string };
  const python = await run(upstream.python, ["--version"]);
  const { versions } = upstream;
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: String(os.cpus().length),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(0)} GB`,
    os: await osName(),
    node: process.versions.node,
    python: python.stdout.trim().replace(/^Python /, ""),
    prefect: PREFECT_VERSION,
    ours: `${ours.version} (${await gitCommit()})`,
    upstream: `prefect-mcp ${versions["prefect-mcp"]}, fastmcp ${versions.fastmcp}, mcp ${versions.mcp}, prefect ${versions.prefect}`,
    loadAverageAtStart: loadAverage(),
  };
}

/** The 1, 5 and 15 minute load averages, e.g. "0.52 0.61 0.70". */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}

async function osName(): Promise<string> {
  const release = await readFile("/etc/os-release", "utf8").catch(() => "");
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
  return `${pretty ?? os.type()} (${os.platform()} ${os.release()})`;
}

/** The commit measured, marked when the work tree had changes on top of it. */
async function gitCommit(): Promise<string> {
  try {
    const head = (await run("git", ["rev-parse", "--short", "HEAD"])).stdout.trim();
    const dirty = (await run("git", ["status", "--porcelain"])).stdout.trim() !== "";
    return dirty ? `${head} with uncommitted changes` : head;
  } catch {
    return "commit unknown";
  }
}
