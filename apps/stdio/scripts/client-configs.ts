/** The one-line install, and the same server in each MCP client's config file. */
export const CLAUDE_CODE_COMMAND = "claude mcp add prefect -- npx -y @prefect-mcp/stdio";

const SERVER = '"command": "npx", "args": ["-y", "@prefect-mcp/stdio"]';

export const CLIENT_CONFIGS: { client: string; file: string; config: string }[] = [
  {
    client: "Cursor",
    file: "~/.cursor/mcp.json",
    config: `{\n  "mcpServers": {\n    "prefect": { ${SERVER} }\n  }\n}`,
  },
  {
    client: "VS Code",
    file: ".vscode/mcp.json",
    config: `{\n  "servers": {\n    "prefect": { "type": "stdio", ${SERVER} }\n  }\n}`,
  },
  {
    client: "Codex",
    file: "~/.codex/config.toml",
    config: '[mcp_servers.prefect]\ncommand = "npx"\nargs = ["-y", "@prefect-mcp/stdio"]',
  },
  {
    client: "Gemini CLI",
    file: "~/.gemini/settings.json",
    config: `{\n  "mcpServers": {\n    "prefect": { ${SERVER} }\n  }\n}`,
  },
];
