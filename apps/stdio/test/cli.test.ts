import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { VALID_OPTIONS } from "../src/cli-args.js";
import { packageInfo } from "../src/package-info.js";
import { builtToolNames, runCli } from "./stdio-process.js";

describe("prefect-mcp's command line", () => {
  it("prints usage with every option on --help and exits 0", async () => {
    const { code, stdout, stderr } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^Usage: prefect-mcp/);
    for (const option of VALID_OPTIONS) expect(stdout).toContain(option);
    expect(stdout).toContain("claude mcp add prefect -- npx -y @prefect-mcp/stdio");
  });

  it("prints the package version on --version and exits 0", async () => {
    const { code, stdout } = await runCli(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${packageInfo.version}\n`);
  });

  it("lists each tool's name and title on --list-tools", async () => {
    const { code, stdout } = await runCli(["--list-tools"]);
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^NAME\s+TITLE$/);
    expect(rows.slice(1).map((row) => row.split(/\s+/)[0])).toEqual(await builtToolNames());
    expect(stdout).toMatch(/get_flows\s+Flows/);
  });

  it("prints definitions on --list-tools --json whose schemas all compile as JSON Schema 2020-12", async () => {
    const { code, stdout } = await runCli(["--list-tools", "--json"]);
    expect(code).toBe(0);
    const definitions = JSON.parse(stdout) as {
      name: string;
      title: string;
      description: string;
      inputSchema: object;
      outputSchema: object;
    }[];
    expect(definitions.map((tool) => tool.name)).toContain("get_flows");
    const ajv = new Ajv2020({ strict: false });
    for (const tool of definitions) {
      expect(tool.description.length).toBeGreaterThan(0);
      expect(() => ajv.compile(tool.inputSchema), `${tool.name} inputSchema`).not.toThrow();
      expect(() => ajv.compile(tool.outputSchema), `${tool.name} outputSchema`).not.toThrow();
    }
  });

  it("honours --enable in --list-tools", async () => {
    const { code, stdout } = await runCli(["--list-tools", "--json", "--enable", "get_flows"]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { name: string }[]).map((tool) => tool.name)).toEqual([
      "get_flows",
    ]);
  });

  it("refuses an unknown option with exit code 2, naming the valid options on stderr", async () => {
    const { code, stdout, stderr } = await runCli(["--bogus"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Unknown option --bogus");
    for (const option of VALID_OPTIONS) expect(stderr).toContain(option);
  });

  it("refuses an unknown tool name with exit code 2, naming the valid tools on stderr", async () => {
    const { code, stdout, stderr } = await runCli(["--enable", "get_flows,get_everything"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("get_everything");
    expect(stderr).toContain(`Valid tools: ${(await builtToolNames()).join(", ")}`);
  });

  it.each([
    [["--json"], "--json only goes with --list-tools"],
    [["--api-url", "localhost:4200"], "--api-url must be"],
    [["--enable"], "--enable"],
    [["serve"], "Unexpected argument serve"],
  ])("refuses %j with exit code 2", async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
