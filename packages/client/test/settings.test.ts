import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PrefectSettingsError, profilesPath, resolvePrefectSettings } from "../src/index.js";

const ACCOUNT_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const WORKSPACE_ID = "f0e1d2c3-b4a5-4968-8776-655443322110";
const CLOUD_URL = `https://api.prefect.cloud/api/accounts/${ACCOUNT_ID}/workspaces/${WORKSPACE_ID}`;

const tempDirs: string[] = [];

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "prefect-settings-test-"));
  tempDirs.push(dir);
  return dir;
}

/** Writes `contents` as a profiles file in a fresh directory and returns its path. */
function profilesFile(contents: string, name = "profiles.toml"): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, contents);
  return file;
}

/** An environment whose profiles lookup can only land in an empty directory. */
function envWithoutProfiles(env: Record<string, string> = {}): Record<string, string> {
  return { PREFECT_HOME: tempDir(), ...env };
}

function settingsError(resolve: () => unknown): PrefectSettingsError {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(PrefectSettingsError);
    return error as PrefectSettingsError;
  }
  throw new Error("expected a PrefectSettingsError, but settings resolved");
}

const DEV_PROFILE = `
active = "dev"

[profiles.dev]
PREFECT_API_URL = "http://profile-host:4200/api"
PREFECT_API_KEY = "profile-key"
PREFECT_API_AUTH_STRING = "profile:auth"

[profiles.prod]
PREFECT_API_URL = "http://prod-host:4200/api"
`;

describe("resolvePrefectSettings precedence", () => {
  it("takes every value from the active profile when nothing else sets one", () => {
    const file = profilesFile(DEV_PROFILE);
    const settings = resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: file } });
    expect(settings).toMatchObject({
      apiUrl: "http://profile-host:4200/api",
      apiKey: "profile-key",
      authString: "profile:auth",
      sources: { apiUrl: "profile", apiKey: "profile", authString: "profile" },
      profile: { name: "dev", file },
    });
  });

  it("lets an environment variable beat the profile for that value only", () => {
    const file = profilesFile(DEV_PROFILE);
    const settings = resolvePrefectSettings({
      env: { PREFECT_PROFILES_PATH: file, PREFECT_API_URL: "http://env-host:4200/api" },
    });
    expect(settings.apiUrl).toBe("http://env-host:4200/api");
    expect(settings.apiKey).toBe("profile-key");
    expect(settings.authString).toBe("profile:auth");
    expect(settings.sources).toEqual({ apiUrl: "env", apiKey: "profile", authString: "profile" });
  });

  it("lets an override beat both the environment and the profile, value by value", () => {
    const file = profilesFile(DEV_PROFILE);
    const settings = resolvePrefectSettings({
      env: {
        PREFECT_PROFILES_PATH: file,
        PREFECT_API_URL: "http://env-host:4200/api",
        PREFECT_API_KEY: "env-key",
      },
      overrides: { apiUrl: "http://override-host:4200/api" },
    });
    expect(settings).toMatchObject({
      apiUrl: "http://override-host:4200/api",
      apiKey: "env-key",
      authString: "profile:auth",
      sources: { apiUrl: "override", apiKey: "env", authString: "profile" },
    });
  });

  it("treats empty or blank values as unset and falls through to the next layer", () => {
    const file = profilesFile(DEV_PROFILE);
    const settings = resolvePrefectSettings({
      env: { PREFECT_PROFILES_PATH: file, PREFECT_API_URL: "  ", PREFECT_API_KEY: "" },
      overrides: { apiUrl: "", authString: " " },
    });
    expect(settings.apiUrl).toBe("http://profile-host:4200/api");
    expect(settings.apiKey).toBe("profile-key");
    expect(settings.authString).toBe("profile:auth");
  });

  it("works from the environment alone, without any profiles file", () => {
    const settings = resolvePrefectSettings({
      env: envWithoutProfiles({
        PREFECT_API_URL: "http://env-host:4200/api",
        PREFECT_API_KEY: "env-key",
      }),
    });
    expect(settings).toEqual({
      apiUrl: "http://env-host:4200/api",
      apiKey: "env-key",
      sources: { apiUrl: "env", apiKey: "env" },
    });
  });

  it("does not read the profiles file when every value is set explicitly", () => {
    const file = profilesFile("this is = = not toml");
    const settings = resolvePrefectSettings({
      env: {
        PREFECT_PROFILES_PATH: file,
        PREFECT_API_URL: "http://env-host:4200/api",
        PREFECT_API_KEY: "env-key",
        PREFECT_API_AUTH_STRING: "env:auth",
      },
    });
    expect(settings.apiUrl).toBe("http://env-host:4200/api");
    expect(settings.profile).toBeUndefined();
  });
});

describe("finding the profiles file", () => {
  it("reads PREFECT_PROFILES_PATH in preference to $PREFECT_HOME/profiles.toml", () => {
    const explicit = profilesFile(DEV_PROFILE, "custom.toml");
    const home = tempDir();
    writeFileSync(
      path.join(home, "profiles.toml"),
      'active = "home"\n[profiles.home]\nPREFECT_API_URL = "http://home-host:4200/api"\n',
    );
    const settings = resolvePrefectSettings({
      env: { PREFECT_PROFILES_PATH: explicit, PREFECT_HOME: home },
    });
    expect(settings.apiUrl).toBe("http://profile-host:4200/api");
    expect(settings.profile?.file).toBe(explicit);
  });

  it("reads $PREFECT_HOME/profiles.toml when PREFECT_PROFILES_PATH is unset", () => {
    const home = tempDir();
    const file = path.join(home, "profiles.toml");
    writeFileSync(
      file,
      'active = "home"\n[profiles.home]\nPREFECT_API_URL = "http://home-host:4200/api"\n',
    );
    const settings = resolvePrefectSettings({ env: { PREFECT_HOME: home } });
    expect(settings.apiUrl).toBe("http://home-host:4200/api");
    expect(settings.profile).toEqual({ name: "home", file });
  });

  it("falls back to ~/.prefect/profiles.toml and expands a leading ~", () => {
    expect(profilesPath({})).toBe(path.join(homedir(), ".prefect", "profiles.toml"));
    expect(profilesPath({ PREFECT_HOME: "~/elsewhere" })).toBe(
      path.join(homedir(), "elsewhere", "profiles.toml"),
    );
    expect(profilesPath({ PREFECT_PROFILES_PATH: "~/p.toml" })).toBe(
      path.join(homedir(), "p.toml"),
    );
  });
});

describe("choosing the profile", () => {
  it("uses PREFECT_PROFILE over the file's active profile", () => {
    const file = profilesFile(DEV_PROFILE);
    const settings = resolvePrefectSettings({
      env: { PREFECT_PROFILES_PATH: file, PREFECT_PROFILE: "prod" },
    });
    expect(settings.apiUrl).toBe("http://prod-host:4200/api");
    expect(settings.apiKey).toBeUndefined();
    expect(settings.profile?.name).toBe("prod");
  });

  it("treats a missing profiles file as no profile when none was requested by name", () => {
    const settings = resolvePrefectSettings({
      env: envWithoutProfiles({ PREFECT_API_URL: "http://env-host:4200/api" }),
    });
    expect(settings.apiUrl).toBe("http://env-host:4200/api");
    expect(settings.profile).toBeUndefined();
  });

  it("fails when PREFECT_PROFILE names a profile but the profiles file is missing", () => {
    const home = tempDir();
    const error = settingsError(() =>
      resolvePrefectSettings({
        env: { PREFECT_HOME: home, PREFECT_PROFILE: "dev", PREFECT_API_URL: "http://h/api" },
      }),
    );
    expect(error.message).toContain('PREFECT_PROFILE is "dev"');
    expect(error.message).toContain(path.join(home, "profiles.toml"));
  });

  it("uses no profile when the file has no active one and none is requested", () => {
    const file = profilesFile('[profiles.dev]\nPREFECT_API_URL = "http://profile-host/api"\n');
    const settings = resolvePrefectSettings({
      env: { PREFECT_PROFILES_PATH: file, PREFECT_API_URL: "http://env-host/api" },
    });
    expect(settings.profile).toBeUndefined();
  });

  it("lists the known profiles when PREFECT_PROFILE names an unknown one", () => {
    const file = profilesFile(DEV_PROFILE);
    const error = settingsError(() =>
      resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: file, PREFECT_PROFILE: "staging" } }),
    );
    expect(error.message).toContain('Profile "staging" (from PREFECT_PROFILE)');
    expect(error.message).toContain(file);
    expect(error.message).toContain("Known profiles: dev, prod");
  });

  it("names the file's active setting when it points at an unknown profile", () => {
    const file = profilesFile('active = "gone"\n[profiles.dev]\n');
    const error = settingsError(() =>
      resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: file } }),
    );
    expect(error.message).toContain('Profile "gone"');
    expect(error.message).toContain("the file's `active`");
    expect(error.message).toContain("Known profiles: dev");
  });
});

describe("malformed profiles files", () => {
  it("names the file when it is not valid TOML", () => {
    const file = profilesFile('active = "dev"\n[profiles.dev\nPREFECT_API_URL = "http://h/api"\n');
    const error = settingsError(() =>
      resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: file } }),
    );
    expect(error.message).toContain(file);
    expect(error.message).toContain("not valid TOML");
  });

  it("names the location of a value that is not a string", () => {
    const file = profilesFile(
      'active = "dev"\n[profiles.dev]\nPREFECT_API_URL = "http://h/api"\nPREFECT_API_KEY = 1234\n',
    );
    const error = settingsError(() =>
      resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: file } }),
    );
    expect(error.message).toContain(file);
    expect(error.message).toContain("profiles.dev.PREFECT_API_KEY");
  });
});

describe("the API URL", () => {
  it("says to set PREFECT_API_URL or run `prefect profile use` when no URL is set anywhere", () => {
    const error = settingsError(() => resolvePrefectSettings({ env: envWithoutProfiles() }));
    expect(error.message).toContain("PREFECT_API_URL");
    expect(error.message).toContain("prefect profile use");
  });

  it("names the active profile that lacks a URL", () => {
    const file = profilesFile('active = "bare"\n[profiles.bare]\nPREFECT_API_KEY = "k-123"\n');
    const error = settingsError(() =>
      resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: file } }),
    );
    expect(error.message).toContain('Profile "bare"');
    expect(error.message).toContain(file);
    expect(error.message).toContain("prefect profile use");
  });

  it.each([
    ["http://127.0.0.1:4200/api/", "http://127.0.0.1:4200/api"],
    ["http://127.0.0.1:4200/api///", "http://127.0.0.1:4200/api"],
    ["  https://prefect.example.com/api  ", "https://prefect.example.com/api"],
    ["https://prefect.example.com/", "https://prefect.example.com"],
  ])("normalises %j to %j", (raw, expected) => {
    const settings = resolvePrefectSettings({ env: envWithoutProfiles({ PREFECT_API_URL: raw }) });
    expect(settings.apiUrl).toBe(expected);
  });

  it("rejects an invalid URL from the environment, naming PREFECT_API_URL", () => {
    const error = settingsError(() =>
      resolvePrefectSettings({ env: envWithoutProfiles({ PREFECT_API_URL: "not a url" }) }),
    );
    expect(error.message).toMatch(/^PREFECT_API_URL is not a valid URL/);
    expect(error.message).toContain('"not a url"');
  });

  it("rejects an invalid URL from a profile, naming the profile", () => {
    const file = profilesFile(
      'active = "dev"\n[profiles.dev]\nPREFECT_API_URL = "127.0.0.1 4200"\n',
    );
    const error = settingsError(() =>
      resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: file } }),
    );
    expect(error.message).toContain('PREFECT_API_URL in profile "dev" is not a valid URL');
  });

  it("rejects a non-http scheme, naming the scheme and the source", () => {
    const error = settingsError(() =>
      resolvePrefectSettings({ env: envWithoutProfiles({ PREFECT_API_URL: "ftp://host/api" }) }),
    );
    expect(error.message).toContain("PREFECT_API_URL must use http or https, not ftp");
  });

  it("rejects a URL with credentials and says where they belong instead", () => {
    const file = profilesFile(
      'active = "dev"\n[profiles.dev]\nPREFECT_API_URL = "http://admin:hunter22@host/api"\n',
    );
    const error = settingsError(() =>
      resolvePrefectSettings({ env: { PREFECT_PROFILES_PATH: file } }),
    );
    expect(error.message).toContain(
      'PREFECT_API_URL in profile "dev" must not contain credentials',
    );
    expect(error.message).toContain("PREFECT_API_AUTH_STRING");
    expect(error.message).not.toContain("hunter22");
  });

  it("rejects a URL with a query string", () => {
    const error = settingsError(() =>
      resolvePrefectSettings({
        overrides: { apiUrl: "http://host/api?x=1" },
        env: envWithoutProfiles(),
      }),
    );
    expect(error.message).toContain("must not have a query string");
  });
});

describe("Prefect Cloud detection", () => {
  it("recognises a Cloud workspace URL and derives the account-level API root", () => {
    const settings = resolvePrefectSettings({
      env: envWithoutProfiles({ PREFECT_API_URL: CLOUD_URL }),
    });
    expect(settings.cloud).toEqual({
      accountId: ACCOUNT_ID,
      workspaceId: WORKSPACE_ID,
      apiRoot: "https://api.prefect.cloud/api",
    });
  });

  it("recognises a Cloud URL with a trailing slash and upper-case ids", () => {
    const settings = resolvePrefectSettings({
      env: envWithoutProfiles({
        PREFECT_API_URL: `https://api.prefect.cloud/api/accounts/${ACCOUNT_ID.toUpperCase()}/workspaces/${WORKSPACE_ID.toUpperCase()}/`,
      }),
    });
    expect(settings.apiUrl).not.toMatch(/\/$/);
    expect(settings.cloud?.accountId).toBe(ACCOUNT_ID);
    expect(settings.cloud?.workspaceId).toBe(WORKSPACE_ID);
  });

  it.each([
    "http://127.0.0.1:4200/api",
    "https://prefect.example.com/api",
    "https://api.prefect.cloud/api/accounts/not-a-uuid/workspaces/also-not",
    `https://api.prefect.cloud/api/accounts/${ACCOUNT_ID}`,
  ])("treats %s as not a Cloud workspace", (url) => {
    const settings = resolvePrefectSettings({ env: envWithoutProfiles({ PREFECT_API_URL: url }) });
    expect(settings.cloud).toBeUndefined();
  });
});

describe("PREFECT_API_REQUEST_TIMEOUT", () => {
  const base = { PREFECT_API_URL: "http://env-host:4200/api" };

  it("sets the per-attempt timeout in milliseconds from seconds, fractions included", () => {
    const settings = resolvePrefectSettings({
      env: envWithoutProfiles({ ...base, PREFECT_API_REQUEST_TIMEOUT: "2.5" }),
    });
    expect(settings.requestTimeoutMs).toBe(2500);
  });

  it("is absent when unset, leaving the client's default", () => {
    const settings = resolvePrefectSettings({ env: envWithoutProfiles(base) });
    expect(settings.requestTimeoutMs).toBeUndefined();
  });

  it.each(["0", "-5", "soon", "Infinity"])(
    "refuses %s, naming the variable and an example",
    (raw) => {
      expect(() =>
        resolvePrefectSettings({
          env: envWithoutProfiles({ ...base, PREFECT_API_REQUEST_TIMEOUT: raw }),
        }),
      ).toThrow(
        new PrefectSettingsError(
          `PREFECT_API_REQUEST_TIMEOUT must be a number of seconds greater than 0 (e.g. 30), not "${raw}".`,
        ),
      );
    },
  );
});
