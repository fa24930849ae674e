import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type CloudSimulator,
  isolatedEnv,
  type ProcessExit,
  runProcess,
} from "@prefect-mcp/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_SECRET, closedPortUrl, startSimulator } from "./cloud-simulator.js";

/** The built bin, run with plain node as `npx @prefect-mcp/cloud-token` would. */
const BIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

if (!existsSync(BIN)) {
  throw new Error(
    `${BIN} is missing: these tests run the built bin. Run \`pnpm --filter @prefect-mcp/cloud-token build\` (or \`pnpm test\`, which builds first).`,
  );
}

/** Runs the bin with no stdin, or with `input` on it. */
function runCli(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<ProcessExit> {
  return runProcess(process.execPath, [BIN, ...args], {
    env: isolatedEnv(env),
    timeoutMs: 30_000,
    ...(input === undefined ? {} : { input }),
  });
}

let simulator: CloudSimulator;
let credentials: Record<string, string>;

beforeAll(async () => {
  const started = await startSimulator();
  simulator = started.simulator;
  credentials = {
    PREFECT_MCP_CLOUD_CLIENT_ID: started.clientId,
    PREFECT_MCP_CLOUD_CLIENT_SECRET: CLIENT_SECRET,
    PREFECT_MCP_CLOUD_AUTH_BASE_URL: simulator.url,
  };
});

afterAll(async () => {
  await simulator?.close();
});

describe("prefect-mcp-cloud-token", () => {
  it("prints only the access token and a newline, for $(prefect-mcp-cloud-token)", async () => {
    const result = await runCli([], credentials);

    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = decodeJwt(result.stdout.trim());
    expect(claims.scope).toBe("prefect-cloud:workspaces");
    expect(claims.mcp_grant_id).toEqual(expect.any(String));
  });

  it("prints access_token, token_type, expires_in and scope with --json", async () => {
    const result = await runCli(["--json"], credentials);

    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed).sort()).toEqual([
      "access_token",
      "expires_in",
      "scope",
      "token_type",
    ]);
    expect(printed).toMatchObject({
      token_type: "Bearer",
      expires_in: 3600,
      scope: "prefect-cloud:workspaces",
    });
    expect(decodeJwt(printed.access_token).mcp_grant_id).toEqual(expect.any(String));
  });

  it("takes the credentials from flags, warning that a secret flag is visible to others", async () => {
    const { PREFECT_MCP_CLOUD_CLIENT_ID: id, PREFECT_MCP_CLOUD_AUTH_BASE_URL: url } = credentials;
    const result = await runCli([
      `--client-id=${id}`,
      `--client-secret=${CLIENT_SECRET}`,
      `--auth-base-url=${url}`,
    ]);

    expect(result.code).toBe(0);
    expect(decodeJwt(result.stdout.trim()).client_id).toBe(id);
    expect(result.stderr).toContain("--client-secret is visible to other users");
  });

  it("reads the secret from stdin with --client-secret-stdin", async () => {
    const { PREFECT_MCP_CLOUD_CLIENT_SECRET: _, ...withoutSecret } = credentials;
    const result = await runCli(["--client-secret-stdin"], withoutSecret, `${CLIENT_SECRET}\n`);

    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(decodeJwt(result.stdout.trim()).scope).toBe("prefect-cloud:workspaces");

    const empty = await runCli(["--client-secret-stdin"], withoutSecret);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--client-secret-stdin read nothing from stdin");
  });

  it("exits 4 for a wrong secret, naming invalid_client and not the secret", async () => {
    const wrong = `${CLIENT_SECRET}-wrong`;
    const result = await runCli([], { ...credentials, PREFECT_MCP_CLOUD_CLIENT_SECRET: wrong });

    expect(result).toMatchObject({ code: 4, stdout: "" });
    expect(result.stderr).toContain("HTTP 401 invalid_client");
    expect(result.stderr).toContain("PREFECT_MCP_CLOUD_CLIENT_SECRET");
    expect(result.stderr).not.toContain(wrong);
    expect(result.stderr).not.toContain(CLIENT_SECRET);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exits 4 for a scope the server refuses, naming invalid_scope", async () => {
    const result = await runCli(["--scope", "prefect-cloud:admin"], credentials);

    expect(result.code).toBe(4);
    expect(result.stderr).toContain("HTTP 400 invalid_scope");
  });

  it("exits 2 naming both variables when no credentials are set", async () => {
    const result = await runCli([]);

    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("PREFECT_MCP_CLOUD_CLIENT_ID");
    expect(result.stderr).toContain("PREFECT_MCP_CLOUD_CLIENT_SECRET");
  });

  it("exits 2 with a pointer to --help for an unknown flag", async () => {
    const result = await runCli(["--client-scret=x"], credentials);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option --client-scret");
    expect(result.stderr).toContain("Run prefect-mcp-cloud-token --help for usage.");
  });

  it("exits 3 when the auth server is unreachable", async () => {
    const url = await closedPortUrl();
    const result = await runCli([], { ...credentials, PREFECT_MCP_CLOUD_AUTH_BASE_URL: url });

    expect(result).toMatchObject({ code: 3, stdout: "" });
    expect(result.stderr).toContain(`Could not reach ${url}/auth/mcp/oauth/token`);
  });

  it("exits 0 for --help (with the exit codes) and --version", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: prefect-mcp-cloud-token");
    expect(help.stdout).toContain("Exit codes:");

    const version = await runCli(["--version"]);
    expect(version).toMatchObject({ code: 0, stdout: "0.0.0\n" });
  });
});
