import { tmpdir } from "node:os";
import path from "node:path";
import {
  type PrefectSettings,
  PrefectSettingsError,
  resolvePrefectSettings,
} from "@prefect-mcp/client";
import {
  ALLOWED_API_URLS_ENV,
  API_URL_HEADER,
  checkApiUrl,
  type LookupAll,
  lookupAll,
} from "./api-url-policy.js";

export const API_KEY_HEADER = "X-Prefect-Api-Key";
export const AUTH_STRING_HEADER = "X-Prefect-Api-Auth-String";

/**
 * An environment with nothing of the operator's in it: no variables, and a profiles file that
 * cannot exist, so resolving settings for a caller's own URL never picks up a profile's key.
 */
const NOTHING_OF_THE_OPERATOR: Record<string, string> = {
  PREFECT_PROFILES_PATH: path.join(tmpdir(), `prefect-mcp-http-no-profile-${process.pid}`, "none"),
};

export interface RequestSettingsOptions {
  /** The operator's environment (with PREFECT_PROFILE set for `--profile`). */
  env: Record<string, string | undefined>;
  /** `--api-url`, which beats the environment and the profile. */
  apiUrl?: string;
  /** Prefixes a header URL must be under (see api-url-policy). */
  allowedApiUrls: readonly string[];
  /** The operator's settings if already resolved (else resolved from `env` and `apiUrl`). */
  operator?: PrefectSettings | undefined;
  lookup?: LookupAll;
}

/** The operator's own Prefect (env, profile, `--api-url`), or undefined when none is configured. */
export function operatorSettings(
  options: Pick<RequestSettingsOptions, "env" | "apiUrl">,
): PrefectSettings | undefined {
  try {
    return resolvePrefectSettings({
      env: options.env,
      overrides: options.apiUrl ? { apiUrl: options.apiUrl } : {},
    });
  } catch (error) {
    if (error instanceof PrefectSettingsError) return undefined;
    throw error;
  }
}

/**
 * Resolves one request's Prefect settings from its headers.
 *
 * - No `X-Prefect-Api-Url` (or the operator's own URL): the operator's Prefect, with the request's
 *   key / auth string, falling back to the operator's for what it does not send.
 * - Any other URL: checked against the allow-list before anything connects to it, and used only
 *   with the credentials the request itself sends. The operator's credentials never go to a URL a
 *   caller chose, or any caller could borrow the operator's key against any allowed workspace.
 *
 * Throws PrefectSettingsError, which the MCP server answers as a tool error result.
 */
export async function requestSettings(
  headers: Record<string, string | string[] | undefined>,
  options: RequestSettingsOptions,
): Promise<PrefectSettings> {
  const headerUrl = header(headers, API_URL_HEADER);
  const apiKey = header(headers, API_KEY_HEADER);
  const authString = header(headers, AUTH_STRING_HEADER);
  const operator = "operator" in options ? options.operator : operatorSettings(options);

  if (headerUrl === undefined) {
    if (!operator) {
      throw new PrefectSettingsError(
        `No Prefect API URL: send the ${API_URL_HEADER} header with your Prefect API URL (e.g. http://prefect.internal:4200/api, or your Prefect Cloud workspace URL https://api.prefect.cloud/api/accounts/<id>/workspaces/<id>), plus ${API_KEY_HEADER} or ${AUTH_STRING_HEADER} if it needs credentials. This server has no default Prefect configured.`,
      );
    }
    return withOperatorFallback(operator.apiUrl, apiKey, authString, options);
  }

  const verdict = await checkApiUrl(headerUrl, options.allowedApiUrls, options.lookup ?? lookupAll);
  if (!verdict.allowed) {
    throw new PrefectSettingsError(
      `Refused the ${API_URL_HEADER} header: ${verdict.reason}. This server only connects to the Prefect URLs its operator allows (${ALLOWED_API_URLS_ENV}); ask them to add yours, or send a URL under an allowed one.`,
    );
  }
  if (operator && verdict.url === operator.apiUrl) {
    return withOperatorFallback(operator.apiUrl, apiKey, authString, options);
  }
  return resolvePrefectSettings({
    env: NOTHING_OF_THE_OPERATOR,
    overrides: { apiUrl: verdict.url, apiKey, authString },
  });
}

function withOperatorFallback(
  apiUrl: string,
  apiKey: string | undefined,
  authString: string | undefined,
  options: RequestSettingsOptions,
): PrefectSettings {
  return resolvePrefectSettings({ env: options.env, overrides: { apiUrl, apiKey, authString } });
}

/** A header's value (node lowercases names); empty counts as absent. */
function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const raw = headers[name.toLowerCase()];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value : undefined;
}
