import { PrefectSettingsError } from "./errors.js";
import { type LoadedProfile, loadProfile, nonEmpty } from "./profiles.js";

/** Explicit values that beat the environment and the profile (the HTTP app passes request headers). */
export interface PrefectSettingsOverrides {
  apiUrl?: string | undefined;
  apiKey?: string | undefined;
  authString?: string | undefined;
}

export interface ResolvePrefectSettingsOptions {
  /** Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  overrides?: PrefectSettingsOverrides;
}

/** `oauth`: the caller's OAuth access token, sent as the bearer credential (Cloud OAuth server). */
export type PrefectSettingSource = "override" | "env" | "profile" | "oauth";

/** A Prefect Cloud workspace, recognised from its API URL. */
export interface CloudWorkspace {
  accountId: string;
  workspaceId: string;
  /** The account-level API root, e.g. `https://api.prefect.cloud/api`. */
  apiRoot: string;
}

export interface PrefectSettings {
  /** The API URL without a trailing slash, e.g. `http://127.0.0.1:4200/api`. */
  apiUrl: string;
  apiKey?: string;
  authString?: string;
  /** Where each value came from, for messages that tell the user what to change. */
  sources: {
    apiUrl: PrefectSettingSource;
    apiKey?: PrefectSettingSource;
    authString?: PrefectSettingSource;
  };
  /** Per-attempt timeout from PREFECT_API_REQUEST_TIMEOUT (seconds, as Prefect's client reads it). */
  requestTimeoutMs?: number;
  /** The profile consulted, if one was. */
  profile?: { name: string; file: string };
  /** Set when the URL is a Prefect Cloud workspace URL. */
  cloud?: CloudWorkspace;
}

type SettingName = "PREFECT_API_URL" | "PREFECT_API_KEY" | "PREFECT_API_AUTH_STRING";

/**
 * Resolves how to reach Prefect the way the `prefect` CLI does, value by value: overrides, then
 * environment variables, then the active profile in `profiles.toml`.
 */
export function resolvePrefectSettings(
  options: ResolvePrefectSettingsOptions = {},
): PrefectSettings {
  const env = options.env ?? process.env;
  const overrides = options.overrides ?? {};
  const explicit: Record<SettingName, { value?: string; source: PrefectSettingSource }> = {
    PREFECT_API_URL: pick(overrides.apiUrl, env.PREFECT_API_URL),
    PREFECT_API_KEY: pick(overrides.apiKey, env.PREFECT_API_KEY),
    PREFECT_API_AUTH_STRING: pick(overrides.authString, env.PREFECT_API_AUTH_STRING),
  };

  // The profiles file is read only when something is still missing, as with the CLI's layering.
  const needsProfile = Object.values(explicit).some((setting) => setting.value === undefined);
  const profile: LoadedProfile | undefined = needsProfile ? loadProfile(env) : undefined;
  const value = (name: SettingName) => {
    const setting = explicit[name];
    if (setting.value !== undefined) return setting;
    const fromProfile = profile?.settings[name];
    return fromProfile === undefined
      ? undefined
      : { value: fromProfile, source: "profile" as const };
  };

  const url = value("PREFECT_API_URL");
  if (!url?.value) {
    const where = profile
      ? ` Profile "${profile.name}" in ${profile.file} has no PREFECT_API_URL either.`
      : "";
    throw new PrefectSettingsError(
      `No Prefect API URL is configured.${where} Set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api for a local server, or your Prefect Cloud workspace URL), or select a profile that has one with \`prefect profile use <name>\`.`,
    );
  }
  const apiUrl = normaliseApiUrl(url.value, describeSource(url.source, profile));
  const key = value("PREFECT_API_KEY");
  const auth = value("PREFECT_API_AUTH_STRING");

  const settings: PrefectSettings = { apiUrl, sources: { apiUrl: url.source } };
  if (key?.value) {
    settings.apiKey = key.value;
    settings.sources.apiKey = key.source;
  }
  if (auth?.value) {
    settings.authString = auth.value;
    settings.sources.authString = auth.source;
  }
  const requestTimeoutMs = parseRequestTimeout(env.PREFECT_API_REQUEST_TIMEOUT);
  if (requestTimeoutMs !== undefined) settings.requestTimeoutMs = requestTimeoutMs;
  if (profile) settings.profile = { name: profile.name, file: profile.file };
  const cloud = detectCloudWorkspace(apiUrl);
  if (cloud) settings.cloud = cloud;
  return settings;
}

function parseRequestTimeout(raw: string | undefined): number | undefined {
  const text = nonEmpty(raw);
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new PrefectSettingsError(
      `PREFECT_API_REQUEST_TIMEOUT must be a number of seconds greater than 0 (e.g. 30), not "${text}".`,
    );
  }
  return seconds * 1000;
}

function pick(override: string | undefined, fromEnv: string | undefined) {
  const value = nonEmpty(override);
  if (value !== undefined) return { value, source: "override" as const };
  return { value: nonEmpty(fromEnv), source: "env" as const };
}

function describeSource(source: PrefectSettingSource, profile: LoadedProfile | undefined): string {
  if (source === "profile" && profile) return `PREFECT_API_URL in profile "${profile.name}"`;
  return source === "env" ? "PREFECT_API_URL" : "the API URL";
}

/** Validates an API URL and drops trailing slashes; the error names where the bad value came from. */
export function normaliseApiUrl(raw: string, from = "the API URL"): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // The bad value is echoed to help spot the typo, but never the credentials it may embed.
    const shown = raw.replace(/^(\s*[^:/?#\s]*:\/\/)[^/?#]*@/, "$1[redacted]@");
    throw new PrefectSettingsError(
      `${from} is not a valid URL: "${shown}". Expected something like http://127.0.0.1:4200/api.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PrefectSettingsError(
      `${from} must use http or https, not ${url.protocol.replace(":", "")}.`,
    );
  }
  if (url.username || url.password) {
    throw new PrefectSettingsError(
      `${from} must not contain credentials; put them in PREFECT_API_AUTH_STRING (user:password) or PREFECT_API_KEY instead.`,
    );
  }
  if (url.search || url.hash) {
    throw new PrefectSettingsError(`${from} must not have a query string or fragment.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

const CLOUD_WORKSPACE_PATH =
  /^(?<root>.*)\/accounts\/(?<account>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/workspaces\/(?<workspace>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Recognises `…/accounts/<uuid>/workspaces/<uuid>` API URLs, which only Prefect Cloud serves. */
export function detectCloudWorkspace(apiUrl: string): CloudWorkspace | undefined {
  const url = new URL(apiUrl);
  const match = CLOUD_WORKSPACE_PATH.exec(url.pathname);
  if (!match?.groups) return undefined;
  const { root = "", account = "", workspace = "" } = match.groups;
  return {
    accountId: account.toLowerCase(),
    workspaceId: workspace.toLowerCase(),
    apiRoot: `${url.origin}${root}`,
  };
}

/** The values that must never appear in a message or log, in every form they are sent in. */
export function secretsOf(settings: Pick<PrefectSettings, "apiKey" | "authString">): string[] {
  const secrets: string[] = [];
  if (settings.apiKey) secrets.push(settings.apiKey);
  if (settings.authString) {
    secrets.push(settings.authString, Buffer.from(settings.authString).toString("base64"));
    const password = settings.authString.slice(settings.authString.indexOf(":") + 1);
    if (password !== settings.authString) secrets.push(password);
  }
  return secrets;
}
