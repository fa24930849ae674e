import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { PrefectSettingsError } from "./errors.js";

/** The connection settings a Prefect profile can hold; everything else in a profile is ignored. */
export interface ProfileSettings {
  PREFECT_API_URL?: string;
  PREFECT_API_KEY?: string;
  PREFECT_API_AUTH_STRING?: string;
}

export interface LoadedProfile {
  name: string;
  file: string;
  settings: ProfileSettings;
}

const profileValue = z.string().optional();
const profileSchema = z
  .object({
    PREFECT_API_URL: profileValue,
    PREFECT_API_KEY: profileValue,
    PREFECT_API_AUTH_STRING: profileValue,
  })
  .loose();
const profilesFileSchema = z.object({
  active: z.string().optional(),
  profiles: z.record(z.string(), profileSchema).default({}),
});

/**
 * Where Prefect keeps its profiles, as the `prefect` CLI finds it: `PREFECT_PROFILES_PATH`, else
 * `$PREFECT_HOME/profiles.toml`, else `~/.prefect/profiles.toml`.
 */
export function profilesPath(env: Record<string, string | undefined>): string {
  const explicit = nonEmpty(env.PREFECT_PROFILES_PATH);
  if (explicit) return expandHome(explicit);
  const home = nonEmpty(env.PREFECT_HOME);
  return path.join(home ? expandHome(home) : path.join(homedir(), ".prefect"), "profiles.toml");
}

/**
 * Loads the profile `PREFECT_PROFILE` names, else the file's `active` one. A missing file is no
 * profile at all (unless a profile was asked for by name); a malformed file or an unknown profile
 * is an error naming the file and the problem.
 */
export function loadProfile(env: Record<string, string | undefined>): LoadedProfile | undefined {
  const file = profilesPath(env);
  const requested = nonEmpty(env.PREFECT_PROFILE);
  if (!existsSync(file)) {
    if (requested) {
      throw new PrefectSettingsError(
        `PREFECT_PROFILE is "${requested}" but the profiles file ${file} does not exist. Create the profile with \`prefect profile create ${requested}\`, or unset PREFECT_PROFILE.`,
      );
    }
    return undefined;
  }

  let raw: unknown;
  try {
    raw = parseToml(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new PrefectSettingsError(
      `The Prefect profiles file ${file} is not valid TOML: ${reason}`,
    );
  }
  const parsed = profilesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(top level)";
    throw new PrefectSettingsError(
      `The Prefect profiles file ${file} is malformed at ${where}: ${issue?.message}. Each value under [profiles.<name>] for PREFECT_API_URL, PREFECT_API_KEY and PREFECT_API_AUTH_STRING must be a string.`,
    );
  }

  const name = requested ?? parsed.data.active;
  if (!name) return undefined;
  const profile = parsed.data.profiles[name];
  if (!profile) {
    const known = Object.keys(parsed.data.profiles);
    const source = requested ? "PREFECT_PROFILE" : `the file's \`active\``;
    throw new PrefectSettingsError(
      `Profile "${name}" (from ${source}) is not in ${file}. Known profiles: ${known.length ? known.join(", ") : "none"}. Switch with \`prefect profile use <name>\`.`,
    );
  }
  return {
    name,
    file,
    settings: {
      PREFECT_API_URL: nonEmpty(profile.PREFECT_API_URL),
      PREFECT_API_KEY: nonEmpty(profile.PREFECT_API_KEY),
      PREFECT_API_AUTH_STRING: nonEmpty(profile.PREFECT_API_AUTH_STRING),
    },
  };
}

export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(homedir(), p.slice(1)) : p;
}
