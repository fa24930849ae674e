import { describe, expect, it } from "vitest";
import { EXIT_CODES, parseCliArgs, USAGE } from "../src/cli-args.js";

const ENV = {
  PREFECT_MCP_CLOUD_CLIENT_ID: "env-id",
  PREFECT_MCP_CLOUD_CLIENT_SECRET: "env-secret",
};

describe("parseCliArgs", () => {
  it("reads the credentials from the environment and defaults the rest", () => {
    expect(parseCliArgs([], ENV)).toEqual({
      kind: "exchange",
      clientId: "env-id",
      clientSecret: "env-secret",
      secretOnCommandLine: false,
      authBaseUrl: "https://api.prefect.cloud",
      scope: "prefect-cloud:workspaces",
      timeoutMs: undefined,
      json: false,
    });
  });

  it("lets flags beat their environment variables", () => {
    const command = parseCliArgs(
      [
        "--client-id=flag-id",
        "--client-secret=flag-secret",
        "--auth-base-url=http://127.0.0.1:9",
        "--scope=custom:scope",
        "--timeout-ms=500",
        "--json",
      ],
      { ...ENV, PREFECT_MCP_CLOUD_AUTH_BASE_URL: "https://env.example.com" },
    );
    expect(command).toMatchObject({
      clientId: "flag-id",
      clientSecret: "flag-secret",
      secretOnCommandLine: true,
      authBaseUrl: "http://127.0.0.1:9",
      scope: "custom:scope",
      timeoutMs: 500,
      json: true,
    });
  });

  it("leaves the secret to stdin with --client-secret-stdin", () => {
    const command = parseCliArgs(["--client-secret-stdin"], ENV);
    expect(command).toMatchObject({ clientSecret: undefined, secretOnCommandLine: false });
  });

  it.each([
    [[], {}, "PREFECT_MCP_CLOUD_CLIENT_ID and PREFECT_MCP_CLOUD_CLIENT_SECRET are not set"],
    [[], { PREFECT_MCP_CLOUD_CLIENT_SECRET: "x" }, "PREFECT_MCP_CLOUD_CLIENT_ID is not set"],
    [[], { PREFECT_MCP_CLOUD_CLIENT_ID: "x" }, "PREFECT_MCP_CLOUD_CLIENT_SECRET is not set"],
    [["--client-secret=a", "--client-secret-stdin"], ENV, "not both"],
    [
      ["--timeout-ms=soon"],
      ENV,
      '--timeout-ms must be a whole number of milliseconds above 0; got "soon"',
    ],
    [["--frobnicate"], ENV, "Unknown option --frobnicate. Valid options: --help, --version"],
    [["token"], ENV, "Unexpected argument token"],
    [
      [],
      { ...ENV, PREFECT_MCP_CLOUD_ENVIRONMENT: "qa" },
      "PREFECT_MCP_CLOUD_ENVIRONMENT must be one of",
    ],
  ])("refuses %j with %j as a usage error", (argv, env, says) => {
    let thrown: unknown;
    try {
      parseCliArgs(argv, env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "invalid_options" });
    expect((thrown as Error).message).toContain(says);
  });

  it("answers --help and --version before looking for credentials", () => {
    expect(parseCliArgs(["--help"], {})).toEqual({ kind: "help" });
    expect(parseCliArgs(["-v"], {})).toEqual({ kind: "version" });
  });

  it("documents every exit code in --help", () => {
    for (const code of Object.values(EXIT_CODES))
      expect(USAGE).toMatch(new RegExp(`^  ${code}  `, "m"));
  });
});
