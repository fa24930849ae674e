import { z } from "zod";
import { PrefectApiError, PrefectSettingsError } from "./errors.js";
import type { CloudWorkspace } from "./settings.js";

// Prefect Cloud's account-level API is not in the OSS spec, so its payloads are checked here.
// Objects stay loose: Cloud adds fields over time, and only the named ones are relied on.
const id = z.string().min(1);
const optionalText = z.string().nullish();

export const cloudUserSchema = z
  .object({
    id: id,
    handle: optionalText,
    email: optionalText,
    first_name: optionalText,
    last_name: optionalText,
  })
  .loose();

export const cloudWorkspaceAccessSchema = z
  .object({
    account_id: id,
    account_name: optionalText,
    account_handle: optionalText,
    workspace_id: id,
    workspace_name: optionalText,
    workspace_handle: optionalText,
    workspace_description: optionalText,
  })
  .loose();

export const cloudAccountSchema = z
  .object({
    id: id,
    name: optionalText,
    handle: optionalText,
    plan_type: optionalText,
    plan_tier: optionalText,
    features: z.array(z.string()).nullish(),
    automations_limit: z.number().nullish(),
    work_pool_limit: z.number().nullish(),
    run_retention_days: z.number().nullish(),
  })
  .loose();

export const cloudWorkspaceDetailsSchema = z
  .object({
    id: id,
    account_id: id.nullish(),
    name: optionalText,
    handle: optionalText,
    description: optionalText,
  })
  .loose();

/** The operation groups Prefect Cloud rate-limits (and reports usage for) together; not API keys. */
export const RATE_LIMIT_KEYS: readonly string[] = [
  "runs",
  "deployments",
  "flows",
  "work_pools",
  "work_queues",
  "concurrency_limits",
  "variables",
  "artifacts",
  "block_types",
  "block_documents",
  "block_schemas",
  "reading-events",
  "writing-events",
  "reading-logs",
  "writing-logs",
];

const countSeries = z.array(z.number());
export const rateLimitUsageSchema = z.object({
  account: id,
  since: z.string(),
  until: z.string(),
  minutes: z.array(z.string()),
  keys: z.record(z.string(), z.object({ requested: countSeries, granted: countSeries })),
});

export type CloudUser = z.infer<typeof cloudUserSchema>;
export type CloudWorkspaceAccess = z.infer<typeof cloudWorkspaceAccessSchema>;
export type CloudAccount = z.infer<typeof cloudAccountSchema>;
export type CloudWorkspaceDetails = z.infer<typeof cloudWorkspaceDetailsSchema>;
export type RateLimitUsage = z.infer<typeof rateLimitUsageSchema>;

export interface RateLimitUsageQuery {
  /** Start of the window (default: Cloud's, the last hour or so). */
  since?: Date | string;
  until?: Date | string;
  /** Limit keys such as `runs`, `deployments`, `reading-logs`; all when omitted. */
  keys?: readonly string[];
  /** Defaults to the configured workspace's account. */
  accountId?: string;
}

export interface CloudApi {
  /** `GET /me/`: the user (or service account) the API key belongs to. */
  me(): Promise<CloudUser>;
  /** `GET /me/workspaces`: every workspace the key can reach. */
  myWorkspaces(): Promise<CloudWorkspaceAccess[]>;
  /** `GET /accounts/{id}`: plan, features and limits; defaults to the configured account. */
  account(accountId?: string): Promise<CloudAccount>;
  /** `GET /accounts/{a}/workspaces/{w}`; defaults to the configured workspace. */
  workspace(accountId?: string, workspaceId?: string): Promise<CloudWorkspaceDetails>;
  /** `GET /accounts/{id}/rate-limits/usage`: requested vs granted calls per minute and key. */
  rateLimitUsage(query?: RateLimitUsageQuery): Promise<RateLimitUsage>;
}

/** Sends a GET below the Cloud API root and returns the parsed body. */
type CloudGet = (path: string, init?: Record<string, unknown>) => Promise<unknown>;

export function createCloudApi(
  workspace: CloudWorkspace | undefined,
  connect: (apiRoot: string) => CloudGet,
): CloudApi {
  let get: CloudGet | undefined;
  const read = async <T>(schema: z.ZodType<T>, path: string, init?: Record<string, unknown>) => {
    if (!workspace) {
      throw new PrefectSettingsError(
        "This is a Prefect Cloud read, but PREFECT_API_URL is not a Prefect Cloud workspace URL (…/api/accounts/<account id>/workspaces/<workspace id>).",
      );
    }
    get ??= connect(workspace.apiRoot);
    const body = await get(path, init);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PrefectApiError({
        reason: "invalid-response",
        method: "GET",
        path,
        hint: `${issue?.path.join(".") || "the body"}: ${issue?.message}`,
      });
    }
    return parsed.data;
  };
  const segment = (id: string) => encodeURIComponent(id);

  return {
    me: () => read(cloudUserSchema, "/me/"),
    myWorkspaces: () => read(z.array(cloudWorkspaceAccessSchema), "/me/workspaces"),
    account: (accountId) =>
      read(cloudAccountSchema, `/accounts/${segment(accountId ?? workspace?.accountId ?? "")}`),
    workspace: (accountId, workspaceId) =>
      read(
        cloudWorkspaceDetailsSchema,
        `/accounts/${segment(accountId ?? workspace?.accountId ?? "")}/workspaces/${segment(
          workspaceId ?? workspace?.workspaceId ?? "",
        )}`,
      ),
    // Async so that a bad time rejects the promise like every other failure, instead of throwing.
    rateLimitUsage: async (query = {}) => {
      const params: Record<string, string | string[]> = {};
      if (query.since) params.since = isoTime("since", query.since);
      if (query.until) params.until = isoTime("until", query.until);
      if (query.keys?.length) params.keys = [...query.keys];
      const account = segment(query.accountId ?? workspace?.accountId ?? "");
      return read(rateLimitUsageSchema, `/accounts/${account}/rate-limits/usage`, {
        params: { query: params },
      });
    },
  };
}

function isoTime(name: string, value: Date | string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new RangeError(`${name} is not a valid date or ISO 8601 time: ${String(value)}`);
  }
  return time.toISOString();
}
