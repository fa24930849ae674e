import { allTools, runApp, selectByName, toolDefinitions } from "@prefect-mcp/tools";
import { parseCliArgs, USAGE } from "./cli-args.js";
import { formatToolList } from "./list-tools.js";
import { packageInfo } from "./package-info.js";
import { serveStdio } from "./serve.js";

/** The `prefect-mcp` command: parses the arguments, then serves, lists or explains. */
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
    case "list-tools": {
      const tools = selectByName(allTools, command.enable, command.disable);
      process.stdout.write(formatToolList(toolDefinitions(tools), command.json));
      return 0;
    }
    case "serve":
      // stdout belongs to the MCP protocol: a stray console.log from any dependency would corrupt it.
      console.log = console.info = console.debug = console.error;
      await serveStdio({ ...command, version: packageInfo.version });
      // Nothing may keep the process alive once the client is gone (e.g. a docs connection).
      process.exit(0);
  }
}

runApp("prefect-mcp", () => main(process.argv.slice(2)));
