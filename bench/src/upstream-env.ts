import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { PREFECT_VERSION } from "@prefect-mcp/client";
import { ensurePythonEnv } from "@prefect-mcp/testing";

/** PrefectHQ's `prefect-mcp` on PyPI: the newest release (a pre-release) when this was written. */
export const UPSTREAM_VERSION = "0.0.1b13";
/**
 * It asks for fastmcp>=3; this is what pip resolved for it on 2026-11-30, pinned so that every
 * run measures the same server.
 */
export const FASTMCP_VERSION = "4.2.3";

export interface UpstreamEnv {
  python: string;
  /** Its console script, `prefect-mcp-server` (stdio). */
  serverBin: string;
  /** Installed versions of the packages that make up the server. */
  versions: Record<string, string>;
}

/** The cached venv with upstream's server, and the same Prefect as the server under test. */
export async function ensureUpstreamEnv(): Promise<UpstreamEnv> {
  const env = await ensurePythonEnv({
    name: `prefect-mcp-upstream-${UPSTREAM_VERSION}`,
    requirements: [
      `prefect-mcp==${UPSTREAM_VERSION}`,
      `prefect==${PREFECT_VERSION}`,
      `fastmcp==${FASTMCP_VERSION}`,
    ],
  });
  const { stdout } = await promisify(execFile)(env.python, [
    "-c",
    "import importlib.metadata as m, json, sys; " +
      "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))",
    "prefect-mcp",
    "fastmcp",
    "mcp",
    "prefect",
  ]);
  return {
    python: env.python,
    serverBin: env.bin("prefect-mcp-server"),
    versions: JSON.parse(stdout) as Record<string, string>,
  };
}
