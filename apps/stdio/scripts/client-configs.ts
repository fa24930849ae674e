/**
 * How each MCP client is pointed at prefect-mcp, in the format its own docs give: the one source
 * for the READMEs (`pnpm docs:update` writes them, a test fails when they drift) and the demo.
 * Two ways in: `prefect-mcp` started by the client over stdio, or a shared `prefect-mcp-http`
 * reached over Streamable HTTP with the caller's Prefect URL and key in headers.
 */

/** Where the HTTP examples find a team's `prefect-mcp-http` (see apps/http/README.md). */
export const HTTP_SERVER_URL = "https://prefect-mcp.example.com/mcp";

/** The Prefect the HTTP examples read: a Prefect Cloud workspace, sent as X-Prefect-Api-Url. */
export const EXAMPLE_PREFECT_API_URL =
  "https://api.prefect.cloud/api/accounts/<account-id>/workspaces/<workspace-id>";

export interface ClientConfig {
  client: string;
  /** The config file, user-wide where the client has one; none for a client set up by a command. */
  file?: string;
  /** The same file for one project only, where the client reads one. */
  projectFile?: string;
  language: "sh" | "json" | "toml";
  /** Runs `npx -y @prefect-mcp/stdio`, which reads Prefect as the `prefect` CLI does. */
  stdio: string;
  /**
   * Reaches HTTP_SERVER_URL with X-Prefect-Api-Url and X-Prefect-Api-Key; the key comes from the
   * environment or a prompt, never written into the file.
   */
  http: string;
  /** How the HTTP config gets the key. */
  httpNote: string;
}

export const CLIENT_CONFIGS: readonly ClientConfig[] = [
  {
    client: "Claude Code",
    language: "sh",
    stdio: "claude mcp add prefect -- npx -y @prefect-mcp/stdio",
    http: `claude mcp add --transport http prefect ${HTTP_SERVER_URL} \\
  --header "X-Prefect-Api-Url: ${EXAMPLE_PREFECT_API_URL}" \\
  --header "X-Prefect-Api-Key: $PREFECT_API_KEY"`,
    httpNote:
      "Your shell fills in `$PREFECT_API_KEY` when you run it; Claude Code keeps the value.",
  },
  {
    client: "Cursor",
    file: "~/.cursor/mcp.json",
    projectFile: ".cursor/mcp.json",
    language: "json",
    stdio: `{
  "mcpServers": {
    "prefect": { "command": "npx", "args": ["-y", "@prefect-mcp/stdio"] }
  }
}`,
    http: `{
  "mcpServers": {
    "prefect": {
      "url": "${HTTP_SERVER_URL}",
      "headers": {
        "X-Prefect-Api-Url": "${EXAMPLE_PREFECT_API_URL}",
        "X-Prefect-Api-Key": "\${env:PREFECT_API_KEY}"
      }
    }
  }
}`,
    httpNote: `Cursor fills in \`\${env:PREFECT_API_KEY}\` from its environment.`,
  },
  {
    client: "VS Code",
    file: ".vscode/mcp.json",
    language: "json",
    stdio: `{
  "servers": {
    "prefect": { "type": "stdio", "command": "npx", "args": ["-y", "@prefect-mcp/stdio"] }
  }
}`,
    http: `{
  "servers": {
    "prefect": {
      "type": "http",
      "url": "${HTTP_SERVER_URL}",
      "headers": {
        "X-Prefect-Api-Url": "${EXAMPLE_PREFECT_API_URL}",
        "X-Prefect-Api-Key": "\${input:prefect-api-key}"
      }
    }
  },
  "inputs": [
    { "id": "prefect-api-key", "type": "promptString", "description": "Prefect API key", "password": true }
  ]
}`,
    httpNote: "VS Code asks for the key the first time the server starts and stores it securely.",
  },
  {
    client: "Codex",
    file: "~/.codex/config.toml",
    projectFile: ".codex/config.toml",
    language: "toml",
    stdio: `[mcp_servers.prefect]
command = "npx"
args = ["-y", "@prefect-mcp/stdio"]`,
    http: `[mcp_servers.prefect]
url = "${HTTP_SERVER_URL}"
http_headers = { "X-Prefect-Api-Url" = "${EXAMPLE_PREFECT_API_URL}" }
env_http_headers = { "X-Prefect-Api-Key" = "PREFECT_API_KEY" }`,
    httpNote:
      "`http_headers` are sent as written; `env_http_headers` sends the value of `PREFECT_API_KEY` from Codex's environment.",
  },
  {
    client: "Gemini CLI",
    file: "~/.gemini/settings.json",
    projectFile: ".gemini/settings.json",
    language: "json",
    stdio: `{
  "mcpServers": {
    "prefect": { "command": "npx", "args": ["-y", "@prefect-mcp/stdio"] }
  }
}`,
    http: `{
  "mcpServers": {
    "prefect": {
      "httpUrl": "${HTTP_SERVER_URL}",
      "headers": {
        "X-Prefect-Api-Url": "${EXAMPLE_PREFECT_API_URL}",
        "X-Prefect-Api-Key": "$PREFECT_API_KEY"
      }
    }
  }
}`,
    httpNote:
      "`httpUrl` is Streamable HTTP (`url` would be SSE); Gemini CLI fills in `$PREFECT_API_KEY` from its environment.",
  },
  {
    client: "Windsurf",
    file: "~/.codeium/windsurf/mcp_config.json",
    language: "json",
    stdio: `{
  "mcpServers": {
    "prefect": { "command": "npx", "args": ["-y", "@prefect-mcp/stdio"] }
  }
}`,
    http: `{
  "mcpServers": {
    "prefect": {
      "serverUrl": "${HTTP_SERVER_URL}",
      "headers": {
        "X-Prefect-Api-Url": "${EXAMPLE_PREFECT_API_URL}",
        "X-Prefect-Api-Key": "\${env:PREFECT_API_KEY}"
      }
    }
  }
}`,
    httpNote: `Windsurf fills in \`\${env:PREFECT_API_KEY}\` from its environment.`,
  },
  {
    client: "Kiro",
    file: "~/.kiro/settings/mcp.json",
    projectFile: ".kiro/settings/mcp.json",
    language: "json",
    stdio: `{
  "mcpServers": {
    "prefect": { "command": "npx", "args": ["-y", "@prefect-mcp/stdio"] }
  }
}`,
    http: `{
  "mcpServers": {
    "prefect": {
      "url": "${HTTP_SERVER_URL}",
      "headers": {
        "X-Prefect-Api-Url": "${EXAMPLE_PREFECT_API_URL}",
        "X-Prefect-Api-Key": "\${PREFECT_API_KEY}"
      }
    }
  }
}`,
    httpNote: `Kiro fills in \`\${PREFECT_API_KEY}\` from its environment once you approve that variable.`,
  },
];

/** The one-line install, shown first wherever there is room for only one. */
export const CLAUDE_CODE_COMMAND = clientConfig("Claude Code").stdio;

export function clientConfig(client: string): ClientConfig {
  const config = CLIENT_CONFIGS.find((candidate) => candidate.client === client);
  if (!config) throw new Error(`No config for ${client}`);
  return config;
}

/** The generated section of each README that shows these configs (between its markers). */
export const CLIENT_CONFIGS_SECTION = "client-configs";

/** Which READMEs show them: the root one both ways, each app's README its own transport. */
export const CLIENT_CONFIG_READMES: readonly { file: string; render: () => string }[] = [
  { file: "README.md", render: renderBothTransports },
  { file: "apps/stdio/README.md", render: () => renderTransport("stdio") },
  { file: "apps/http/README.md", render: () => renderTransport("http") },
];

function fence(language: string, code: string): string {
  return `\`\`\`${language}\n${code}\n\`\`\``;
}

function where({ file, projectFile }: ClientConfig, code: (path: string) => string): string {
  if (!file) return "";
  return projectFile ? `${code(file)} (or ${code(projectFile)} in a project)` : code(file);
}

const markdownCode = (path: string) => `\`${path}\``;
const htmlCode = (path: string) => `<code>${path}</code>`;

/** One transport for every client, as the app READMEs show it. */
function renderTransport(transport: "stdio" | "http"): string {
  return CLIENT_CONFIGS.map((config) => {
    const file = where(config, markdownCode);
    const lines = [
      `**${config.client}**${file ? `, ${file}` : ""}:`,
      "",
      fence(config.language, config[transport]),
    ];
    if (transport === "http") lines.push("", config.httpNote);
    return lines.join("\n");
  }).join("\n\n");
}

/** The root README: the one-liner, then each client folded with both ways in. */
function renderBothTransports(): string {
  const clients = CLIENT_CONFIGS.map((config) => {
    const file = where(config, htmlCode);
    return [
      "<details>",
      `<summary><b>${config.client}</b>${file ? `: ${file}` : ""}</summary>`,
      "",
      "On your machine, over stdio:",
      "",
      fence(config.language, config.stdio),
      "",
      "From a shared `prefect-mcp-http`:",
      "",
      fence(config.language, config.http),
      "",
      config.httpNote,
      "",
      "</details>",
    ].join("\n");
  });
  return [
    "Claude Code on your machine, in one line:",
    fence("sh", CLAUDE_CODE_COMMAND),
    ...clients,
  ].join("\n\n");
}
