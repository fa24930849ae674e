import { serveUntilSignal } from "@prefect-mcp/http";
import { allTools, listAuthorizedWorkspaces, runApp, UsageError } from "@prefect-mcp/tools";
import { parseCliArgs, USAGE } from "./cli-args.js";
import { CloudSettingsError, parseCloudSettings } from "./cloud-settings.js";
import { packageInfo } from "./package-info.js";
import { serveCloudOAuth } from "./serve.js";

/** The `prefect-mcp-cloud` command: checks settings, then serves until SIGINT/SIGTERM. */
async function main(argv: readonly string[]): Promise<number> {
  const command = parseCliArgs(argv, [
    ...allTools.map((tool) => tool.name),
    listAuthorizedWorkspaces.name,
  ]);
  switch (command.kind) {
    case "help":
      process.stdout.write(USAGE);
      return 0;
    case "version":
      process.stdout.write(`${packageInfo.version}\n`);
      return 0;
    case "serve": {
      const { kind: _, ...options } = command;
      return serveUntilSignal("prefect-mcp-cloud", async () =>
        serveCloudOAuth({ ...options, settings: settingsOrUsage(), version: packageInfo.version }),
      );
    }
  }
}

/** Settings the server cannot start with are the operator's to fix: a usage error, exit 2. */
function settingsOrUsage() {
  try {
    return parseCloudSettings(process.env);
  } catch (error) {
    if (error instanceof CloudSettingsError) throw new UsageError(error.message);
    throw error;
  }
}

runApp("prefect-mcp-cloud", () => main(process.argv.slice(2)));
