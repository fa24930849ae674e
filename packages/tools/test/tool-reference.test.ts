import { readMarkedSection, readmePath } from "@prefect-mcp/testing";
import { describe, expect, it } from "vitest";
import { renderToolReference, TOOLS_SECTION } from "../scripts/tool-reference.js";
import { allTools } from "../src/index.js";

describe("the tool reference in the root README", () => {
  it("is the table toolDefinitions() gives today", () => {
    expect(
      readMarkedSection(readmePath("README.md"), TOOLS_SECTION),
      "README.md's tool reference is stale: run `pnpm docs:update`",
    ).toBe(renderToolReference());
  });

  it("has a row per tool, plus list_authorized_workspaces marked as the Cloud OAuth server's", () => {
    const rows = renderToolReference().split("\n").slice(2);
    const names = rows.map((row) => row.match(/^\| `([a-z_]+)`/)?.[1]);
    expect(names).toEqual([...allTools.map((tool) => tool.name), "list_authorized_workspaces"]);
    expect(rows.at(-1)).toMatch(/\| Cloud OAuth server \|$/);
  });

  it("bolds required arguments, flags Cloud-only tools and keeps the first sentence only", () => {
    const row = (name: string) =>
      renderToolReference()
        .split("\n")
        .find((line) => line.startsWith(`| \`${name}\` |`)) ?? "";
    expect(row("get_flow_run_logs")).toContain("**`flow_run_id`**, `limit`");
    expect(row("get_flows")).not.toContain("**");
    expect(row("review_rate_limits")).toMatch(/\| Prefect Cloud \|$/);
    expect(row("get_flows")).toMatch(/\| any Prefect \|$/);
    expect(row("get_flows")).toContain("find a flow's id by name. |");
    expect(row("get_flows")).not.toContain("Next:");
    // "e.g." inside a sentence does not end it.
    expect(row("get_automations")).toContain('(e.g. "Reactive:');
  });
});
