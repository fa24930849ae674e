import type { PrefectSettings } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "./compact.js";
import { type AnyTool, defineTool, type GrantedWorkspace, READ_ONLY } from "./define-tool.js";
import { echo, InputError } from "./errors.js";

/**
 * A caller's Prefect Cloud OAuth grant: the workspaces they consented to, and how to reach one of
 * them with their own token. A server given a grant adds `workspace_id` to every Prefect-reading
 * tool and offers `list_authorized_workspaces`.
 */
export interface WorkspaceGrant {
  workspaces(): Promise<GrantedWorkspace[]>;
  settingsFor(workspace: GrantedWorkspace): PrefectSettings;
}

// Terse on purpose: every Prefect-reading tool carries it in tools/list; chooseWorkspace explains.
const workspaceIdParam = z
  .string()
  .optional()
  .describe("Workspace id or handle (list_authorized_workspaces)");

const scopedTools = new WeakMap<AnyTool, AnyTool>();

/**
 * The tool with a `workspace_id` argument. Built once per tool, so its `tools/list` entry stays
 * memoised although a server is built per request.
 */
export function withWorkspaceArgument(tool: AnyTool): AnyTool {
  if (tool.readsPrefect === false) return tool;
  let scoped = scopedTools.get(tool);
  if (!scoped) {
    scoped = { ...tool, inputSchema: tool.inputSchema.extend({ workspace_id: workspaceIdParam }) };
    scopedTools.set(tool, scoped);
  }
  return scoped;
}

/** Picks the workspace a call names (id or handle), or the only one; refuses anything else. */
export function chooseWorkspace(
  granted: readonly GrantedWorkspace[],
  requested: unknown,
): GrantedWorkspace {
  if (granted.length === 0) {
    throw new InputError(
      "Your authorization covers no Prefect Cloud workspace. Reconnect this MCP server in your client and consent to at least one workspace.",
    );
  }
  if (requested === undefined) {
    if (granted.length === 1) return granted[0] as GrantedWorkspace;
    throw new InputError(
      `workspace_id is required: you authorized ${granted.length} workspaces — ${choices(granted)}. Pass one of these ids as workspace_id.`,
    );
  }
  const wanted = String(requested).trim().toLowerCase();
  const match = granted.find(
    (workspace) =>
      workspace.workspace_id.toLowerCase() === wanted ||
      workspace.workspace_handle?.toLowerCase() === wanted,
  );
  if (!match) {
    throw new InputError(
      `workspace_id "${echo(String(requested))}" is not a workspace you authorized. Use one of: ${choices(granted)}. To reach another workspace, reconnect and consent to it.`,
    );
  }
  return match;
}

function choices(granted: readonly GrantedWorkspace[]): string {
  return granted
    .map((workspace) => `${label(workspace)} (id ${workspace.workspace_id})`)
    .join(", ");
}

function label(workspace: GrantedWorkspace): string {
  const account = workspace.account_handle ?? workspace.account_name;
  const name = workspace.workspace_handle ?? workspace.workspace_name ?? "unnamed";
  return account ? `"${account}/${name}"` : `"${name}"`;
}

export const listAuthorizedWorkspaces = defineTool({
  name: "list_authorized_workspaces",
  title: "Authorized workspaces",
  description: `The Prefect Cloud workspaces you consented to when connecting: id, handle and name, with the account each belongs to.

Every other tool reads one workspace; pass its id as workspace_id when you authorized more than one.
Example: list_authorized_workspaces()
Next: get_dashboard(workspace_id=…).`,
  inputSchema: z.object({}),
  outputSchema: z
    .object({
      workspaces: z.array(z.object({ workspace_id: z.string(), account_id: z.string() }).loose()),
    })
    .loose(),
  annotations: { ...READ_ONLY, openWorldHint: false },
  readsPrefect: false,
  async handler(_input, { grantedWorkspaces }) {
    if (!grantedWorkspaces) {
      throw new InputError(
        "This server has no OAuth grant: it reads the one Prefect it is configured for, so there is no workspace to choose.",
      );
    }
    const workspaces = await grantedWorkspaces();
    return {
      workspaces: workspaces.map((workspace) => compact({ ...workspace })),
      ...(workspaces.length > 1
        ? { hint: "Pass workspace_id to every other tool." }
        : workspaces.length === 1
          ? { hint: "One workspace: other tools use it without workspace_id." }
          : {
              hint: "No workspace: reconnect this MCP server and consent to at least one workspace.",
            }),
    };
  },
});
