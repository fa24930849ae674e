import type { Directory } from "./directory.js";
import { type AccountRateLimits, rateLimitUsage } from "./rate-limit-usage.js";

/** What the authenticated caller may reach. */
export interface Caller {
  workspaceIds: ReadonlySet<string>;
}

/** A JSON answer; errors carry FastAPI's `{detail}` shape, as Cloud's do. */
export interface Reply {
  status: number;
  body: unknown;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const detail = (status: number, message: string): Reply => ({ status, body: { detail: message } });

/** The account-level routes of Cloud's API: who am I, my workspaces, accounts, rate-limit usage. */
export function createAccountApi(
  directory: Directory,
  rateLimits: Record<string, AccountRateLimits>,
) {
  const callerWorkspaces = (caller: Caller) => directory.workspacesAmong(caller.workspaceIds);
  const reachesAccount = (caller: Caller, accountId: string) =>
    callerWorkspaces(caller).some((workspace) => workspace.accountId === accountId);
  /** 404 for an unknown account (whoever asks), 403 for one the caller has no workspace in. */
  const accountRefusal = (caller: Caller, accountId: string): Reply | undefined => {
    if (!directory.account(accountId)) return detail(404, "Account not found");
    if (!reachesAccount(caller, accountId)) {
      return detail(403, "You do not have access to this account");
    }
    return undefined;
  };

  return {
    me: (): Reply => ok(directory.user),

    myWorkspaces: (caller: Caller): Reply =>
      ok(callerWorkspaces(caller).map((workspace) => directory.meWorkspace(workspace))),

    account: (caller: Caller, accountId: string): Reply =>
      accountRefusal(caller, accountId) ?? ok(directory.account(accountId)),

    workspace(caller: Caller, accountId: string, workspaceId: string): Reply {
      const workspace = directory.workspaceIn(accountId, workspaceId);
      if (!workspace) return detail(404, "Workspace not found");
      if (!caller.workspaceIds.has(workspaceId)) {
        return detail(403, "You do not have access to this workspace");
      }
      return ok(directory.workspaceView(workspace));
    },

    rateLimitUsage(caller: Caller, accountId: string, query: URLSearchParams): Reply {
      const refusal = accountRefusal(caller, accountId);
      if (refusal) return refusal;
      const usage = rateLimitUsage(accountId, rateLimits[accountId] ?? {}, {
        since: query.get("since"),
        until: query.get("until"),
        keys: query.getAll("keys"),
      });
      return "invalid" in usage ? detail(400, usage.invalid) : ok(usage);
    },
  };
}
