import type { IncomingMessage } from "node:http";
import type { AccessTokens } from "./access-tokens.js";
import { bearerToken } from "./http.js";
import type { RecordedRequest, SimulatedApiKey } from "./types.js";

export type CallerAuthentication =
  | { auth: "api-key" | "oauth"; workspaceIds: ReadonlySet<string> }
  | { auth: Exclude<RecordedRequest["auth"], "api-key" | "oauth"> };

/**
 * Cloud's API takes either kind of bearer credential: an API key, or an access token from the MCP
 * authorization server. Either way the caller may reach only the workspaces behind it.
 */
export function createCallerAuthenticator(apiKeys: SimulatedApiKey[], tokens: AccessTokens) {
  const keys = new Map(apiKeys.map((apiKey) => [apiKey.key, new Set(apiKey.workspaceIds)]));
  return async function authenticate(req: IncomingMessage): Promise<CallerAuthentication> {
    if (!req.headers.authorization) return { auth: "none" };
    const credential = bearerToken(req);
    if (!credential) return { auth: "invalid" };
    const keyWorkspaces = keys.get(credential);
    if (keyWorkspaces) return { auth: "api-key", workspaceIds: keyWorkspaces };
    const holder = await tokens.resolve(credential);
    if (holder) return { auth: "oauth", workspaceIds: new Set(holder.workspaceIds) };
    return { auth: "invalid" };
  };
}
