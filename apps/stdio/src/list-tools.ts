import type { ToolDefinition } from "@prefect-mcp/tools";

/** `--list-tools`: the definitions as JSON (`--json`), else one `name  title` line per tool. */
export function formatToolList(definitions: readonly ToolDefinition[], json: boolean): string {
  if (json) return `${JSON.stringify(definitions, null, 2)}\n`;
  const width = Math.max(4, ...definitions.map((tool) => tool.name.length));
  const rows = definitions.map(
    (tool) =>
      `${tool.name.padEnd(width)}  ${tool.title}${tool.cloudOnly ? " (Prefect Cloud only)" : ""}`,
  );
  return `${[`${"NAME".padEnd(width)}  TITLE`, ...rows].join("\n")}\n`;
}
