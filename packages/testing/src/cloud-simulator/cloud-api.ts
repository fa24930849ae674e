import type { createAccountApi, Reply } from "./account-api.js";
import type { createCallerAuthenticator } from "./caller-auth.js";
import type { Directory } from "./directory.js";
import { type Exchange, sendDetail, sendJson } from "./http.js";
import { forwardToWorkspace } from "./workspace-proxy.js";

export interface CloudApiDeps {
  directory: Directory;
  authenticate: ReturnType<typeof createCallerAuthenticator>;
  accountApi: ReturnType<typeof createAccountApi>;
  workspaceApiUrl(workspaceId: string): string;
}

const WORKSPACE_PATH = /^\/api\/accounts\/([^/]+)\/workspaces\/([^/]+)(\/.*)?$/;
const ACCOUNT_PATH = /^\/api\/accounts\/([^/]+)\/?$/;
const USAGE_PATH = /^\/api\/accounts\/([^/]+)\/rate-limits\/usage\/?$/;
const NOT_FOUND: Reply = { status: 404, body: { detail: "Not found" } };

/** Everything under `/api`: every route demands a bearer credential before anything else. */
export function createCloudApi(deps: CloudApiDeps) {
  const { accountApi } = deps;

  return async function handle(exchange: Exchange): Promise<void> {
    const authentication = await deps.authenticate(exchange.req);
    exchange.record.auth = authentication.auth;
    if (!("workspaceIds" in authentication)) {
      sendDetail(exchange, 401, "Invalid authentication credentials");
      return;
    }
    const caller = authentication;
    const { pathname, searchParams } = exchange.url;
    const get = exchange.req.method === "GET";

    const workspacePath = WORKSPACE_PATH.exec(pathname);
    // The rest stays encoded, so Prefect sees exactly the path the caller sent.
    const [, account, workspaceSegment, rest = ""] = workspacePath ?? [];
    if (workspacePath && rest !== "" && rest !== "/") {
      const workspaceId = decodeSegment(workspaceSegment);
      const workspace = deps.directory.workspaceIn(decodeSegment(account), workspaceId);
      if (!workspace) {
        sendDetail(exchange, 404, "Workspace not found");
      } else if (!caller.workspaceIds.has(workspaceId)) {
        sendDetail(exchange, 403, "You do not have access to this workspace");
      } else {
        await forwardToWorkspace(exchange, workspace, rest, deps.workspaceApiUrl(workspaceId));
      }
      return;
    }

    let reply = NOT_FOUND;
    if (get) {
      const usagePath = USAGE_PATH.exec(pathname);
      const accountPath = ACCOUNT_PATH.exec(pathname);
      if (workspacePath) {
        reply = accountApi.workspace(
          caller,
          decodeSegment(account),
          decodeSegment(workspaceSegment),
        );
      } else if (/^\/api\/me\/?$/.test(pathname)) {
        reply = accountApi.me();
      } else if (/^\/api\/me\/workspaces\/?$/.test(pathname)) {
        reply = accountApi.myWorkspaces(caller);
      } else if (usagePath) {
        reply = accountApi.rateLimitUsage(caller, decodeSegment(usagePath[1]), searchParams);
      } else if (accountPath) {
        reply = accountApi.account(caller, decodeSegment(accountPath[1]));
      }
    }
    sendJson(exchange, reply.status, reply.body);
  };
}

function decodeSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return segment ?? "";
  }
}
