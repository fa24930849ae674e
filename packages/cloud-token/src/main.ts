import { EXIT_CODES, parseCliArgs, USAGE } from "./cli-args.js";
import { CloudTokenError } from "./errors.js";
import { exchangeClientCredentials } from "./exchange.js";
import { packageInfo } from "./package-info.js";

const BIN = "prefect-mcp-cloud-token";

/** The `prefect-mcp-cloud-token` command: one token exchange, its token on stdout. */
async function main(argv: readonly string[]): Promise<number> {
  const command = parseCliArgs(argv, process.env);
  switch (command.kind) {
    case "help":
      process.stdout.write(USAGE);
      return 0;
    case "version":
      process.stdout.write(`${packageInfo.version}\n`);
      return 0;
    case "exchange": {
      if (command.secretOnCommandLine) {
        process.stderr.write(
          `${BIN}: warning: --client-secret is visible to other users in the process list; prefer PREFECT_MCP_CLOUD_CLIENT_SECRET or --client-secret-stdin.\n`,
        );
      }
      const clientSecret = command.clientSecret ?? (await readSecretFromStdin());
      const { access_token, token_type, expires_in, scope } = await exchangeClientCredentials({
        clientId: command.clientId,
        clientSecret,
        authBaseUrl: command.authBaseUrl,
        scope: command.scope,
        timeoutMs: command.timeoutMs,
      });
      process.stdout.write(
        command.json
          ? `${JSON.stringify({ access_token, token_type, expires_in, scope })}\n`
          : `${access_token}\n`,
      );
      return 0;
    }
  }
}

async function readSecretFromStdin(): Promise<string> {
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  const secret = text.trim();
  if (!secret) {
    throw new CloudTokenError("invalid_options", "--client-secret-stdin read nothing from stdin.");
  }
  return secret;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CloudTokenError) {
      const hint = error.code === "invalid_options" ? `\nRun ${BIN} --help for usage.` : "";
      process.stderr.write(`${BIN}: ${error.message}${hint}\n`);
      process.exitCode = EXIT_CODES[error.code];
      return;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${BIN}: ${detail}\n`);
    process.exitCode = 1;
  },
);
