import { listAuthorizedWorkspaces, type ToolDefinition, toolDefinitions } from "../src/index.js";

/** The generated section of the root README that lists the tools (between its markers). */
export const TOOLS_SECTION = "tools";

/**
 * The root README's tool table, from the definitions every host sees: name, the description's
 * first sentence, the arguments (required ones in bold) and where the tool works.
 */
export function renderToolReference(): string {
  return [
    "| tool | what it does | arguments (**required**) | works with |",
    "|---|---|---|---|",
    ...toolDefinitions().map((tool) => row(tool, tool.cloudOnly ? "Prefect Cloud" : "any Prefect")),
    // Served only by prefect-mcp-cloud, whose OAuth grant it lists.
    ...toolDefinitions([listAuthorizedWorkspaces]).map((tool) => row(tool, "Cloud OAuth server")),
  ].join("\n");
}

function row(tool: ToolDefinition, worksWith: string): string {
  const cells = [
    `\`${tool.name}\``,
    firstSentence(tool.description),
    argumentList(tool),
    worksWith,
  ];
  return `| ${cells.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`;
}

/** Up to the first full stop that ends a sentence ("e.g." does not), on the first line. */
function firstSentence(description: string): string {
  const line = description.split("\n", 1)[0] ?? "";
  const end = line.search(/(?<!\b(?:e\.g|i\.e))\.(?:\s|$)/);
  return end < 0 ? line : line.slice(0, end + 1);
}

function argumentList({ inputSchema }: ToolDefinition): string {
  const names = Object.keys((inputSchema.properties ?? {}) as Record<string, unknown>);
  const required = new Set((inputSchema.required ?? []) as string[]);
  if (names.length === 0) return "none";
  return names.map((name) => (required.has(name) ? `**\`${name}\`**` : `\`${name}\``)).join(", ");
}
