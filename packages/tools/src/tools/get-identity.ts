import type { PrefectClient, PrefectSettings } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { partReader } from "../tool-support.js";

export const getIdentity = defineTool({
  name: "get_identity",
  title: "Identity",
  description: `Which Prefect this server talks to: API URL, oss or cloud, server version, the kind of credential (never its value), and on Cloud the user, account (plan, limits, features) and workspace.

Use it when unsure which instance answers, or after an auth error; a Cloud part that cannot be read becomes a note. Next: get_dashboard.`,
  inputSchema: z.object({}),
  // Lean on purpose: every tools/list carries it. user, account, workspace and notes pass through.
  outputSchema: z
    .object({
      api_url: z.string(),
      server_type: z.enum(["oss", "cloud"]),
      server_version: z.string().optional(),
      auth: z.string(),
    })
    .loose(),
  annotations: READ_ONLY,
  async handler(_input, { client, settings }) {
    const base = {
      api_url: withoutUserInfo(settings.apiUrl),
      auth: authKind(settings),
      profile: settings.profile?.name,
    };
    if (!client.cloudWorkspace) {
      const server_version = await client.GET("/admin/version");
      return compact({ ...base, server_type: "oss" as const, server_version });
    }
    return { ...base, server_type: "cloud" as const, ...(await cloudParts(client)) };
  },
});

/** The Cloud user, account and workspace, each read on its own: one failing leaves a note. */
async function cloudParts(client: PrefectClient) {
  const workspaceIds = client.cloudWorkspace;
  const notes: string[] = [];
  const part = partReader(notes);
  const [user, account, workspace] = await Promise.all([
    part("user", () => client.cloud.me()),
    part("account", () => client.cloud.account()),
    part("workspace", () => client.cloud.workspace()),
  ]);
  const name = [user?.first_name, user?.last_name].filter(Boolean).join(" ");
  return compact({
    user: user && texts({ id: user.id, handle: user.handle, email: user.email, name }),
    account: {
      ...texts({
        id: workspaceIds?.accountId,
        name: account?.name,
        handle: account?.handle,
        plan_type: account?.plan_type,
        plan_tier: account?.plan_tier,
      }),
      // The plan's limits explain "why can't I add another work pool / automation?".
      limits: account && {
        automations: account.automations_limit,
        work_pools: account.work_pool_limit,
        run_retention_days: account.run_retention_days,
      },
      features: account?.features,
    },
    workspace: texts({
      id: workspaceIds?.workspaceId,
      name: workspace?.name,
      handle: workspace?.handle,
      description: workspace?.description,
    }),
    notes,
  });
}

/** Only the fields that hold text. */
function texts(fields: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
}

function authKind(settings: PrefectSettings): string {
  if (settings.authString) return "auth string" as const;
  if (settings.apiKey) return settings.sources.apiKey === "oauth" ? "oauth token" : "api key";
  return "none" as const;
}

/** A URL may carry `user:password@`; that never leaves in a result. */
function withoutUserInfo(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = "";
  parsed.password = "";
  return parsed.toString().replace(/\/$/, "");
}
