import { closeOnSignal } from "@prefect-mcp/http";
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
      let server: Awaited<ReturnType<typeof serveCloudOAuth>>;
      try {
        server = await serveCloudOAuth({
          ...options,
          settings: parseCloudSettings(process.env),
          version: packageInfo.version,
        });
      } catch (error) {
        if (error instanceof CloudSettingsError) throw new UsageError(error.message);
        // A port in use: one line, not a stack.
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`prefect-mcp-cloud: ${message}\n`);
        return 1;
      }
      return closeOnSignal(server.close);
    }
  }
}

runApp("prefect-mcp-cloud", () => main(process.argv.slice(2)));
