import { z } from "zod";
import { PrefectApiError } from "./errors.js";
import { prefectDetail, readErrorBody } from "./http-errors.js";
import { networkCause } from "./retries.js";
import { detectCloudWorkspace, normaliseApiUrl, type PrefectSettings } from "./settings.js";

// Prefect Cloud's MCP OAuth surface: which workspaces a token's grant covers, and the settings that
// reach one of them with that token. Hand-written: none of it is in the OSS spec.

export const grantedWorkspaceSchema = z
  .object({
    account_id: z.string().min(1),
    account_handle: z.string().nullish(),
    account_name: z.string().nullish(),
    workspace_id: z.string().min(1),
    workspace_handle: z.string().nullish(),
    workspace_name: z.string().nullish(),
  })
  .loose();

export type GrantedCloudWorkspace = z.infer<typeof grantedWorkspaceSchema>;

export const GRANT_WORKSPACES_PATH = "/auth/mcp/oauth/grant/workspaces";

export interface FetchGrantedWorkspacesOptions {
  /** The Cloud API origin that issued the token, e.g. `https://api.prefect.cloud`. */
  authBaseUrl: string;
  /** The caller's OAuth access token. */
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * `GET /auth/mcp/oauth/grant/workspaces`: the workspaces the user consented to for this token.
 * Throws a PrefectApiError (status 401 when Cloud no longer accepts the token).
 */
export async function fetchGrantedWorkspaces(
  options: FetchGrantedWorkspacesOptions,
): Promise<GrantedCloudWorkspace[]> {
  const url = `${options.authBaseUrl.replace(/\/+$/, "")}${GRANT_WORKSPACES_PATH}`;
  const fail = (init: Omit<ConstructorParameters<typeof PrefectApiError>[0], "method" | "path">) =>
    new PrefectApiError({ method: "GET", path: GRANT_WORKSPACES_PATH, ...init });
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers: { Authorization: `Bearer ${options.token}`, Accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    throw fail({
      reason: timedOut ? "timeout" : "network",
      hint: timedOut ? undefined : networkCause(error),
    });
  }
  const body = await readErrorBody(response);
  if (!response.ok) {
    // The token must not come back in a message, even if Cloud echoes it.
    const detail = prefectDetail(body, [options.token]);
    throw fail({ reason: "http", status: response.status, ...(detail ? { detail } : {}) });
  }
  if (typeof body === "string") {
    throw fail({ reason: "invalid-response", hint: "the body is not JSON" });
  }
  const parsed = z.array(grantedWorkspaceSchema).safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail({
      reason: "invalid-response",
      hint: `${issue?.path.join(".") || "the body"}: ${issue?.message}`,
    });
  }
  return parsed.data;
}

/** Settings that read one Cloud workspace with an OAuth access token as the bearer credential. */
export function cloudWorkspaceSettings(options: {
  /** The Cloud API root, e.g. `https://api.prefect.cloud/api`. */
  apiBaseUrl: string;
  accountId: string;
  workspaceId: string;
  token: string;
}): PrefectSettings {
  const apiUrl = normaliseApiUrl(
    `${options.apiBaseUrl.replace(/\/+$/, "")}/accounts/${encodeURIComponent(options.accountId)}/workspaces/${encodeURIComponent(options.workspaceId)}`,
  );
  const settings: PrefectSettings = {
    apiUrl,
    apiKey: options.token,
    sources: { apiUrl: "override", apiKey: "oauth" },
  };
  const cloud = detectCloudWorkspace(apiUrl);
  if (cloud) settings.cloud = cloud;
  return settings;
}
