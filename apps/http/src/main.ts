import { allTools, runApp } from "@prefect-mcp/tools";
import { parseCliArgs, USAGE } from "./cli-args.js";
import { serveUntilSignal } from "./mcp-http-host.js";
import { packageInfo } from "./package-info.js";
import { serveHttp } from "./serve.js";

/** The `prefect-mcp-http` command: parses the arguments, then serves until SIGINT/SIGTERM. */
async function main(argv: readonly string[]): Promise<number> {
  const command = parseCliArgs(
    argv,
    allTools.map((tool) => tool.name),
  );

  switch (command.kind) {
    case "help":
      process.stdout.write(USAGE);
      return 0;
    case "version":
      process.stdout.write(`${packageInfo.version}\n`);
      return 0;
    case "serve": {
      const { kind: _, ...options } = command;
      return serveUntilSignal("prefect-mcp-http", () =>
        serveHttp({ ...options, version: packageInfo.version }),
      );
    }
  }
}

runApp("prefect-mcp-http", () => main(process.argv.slice(2)));
