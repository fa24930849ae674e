import { describe, expect, it } from "vitest";
import {
  allowedApiUrls,
  checkApiUrl,
  isForbiddenAddress,
  isUnderPrefix,
  PREFECT_CLOUD_ACCOUNTS_PREFIX,
} from "../src/api-url-policy.js";

const noDns = async (): Promise<string[]> => {
  throw new Error("no DNS in this test");
};
const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe("the allow-list", () => {
  it("defaults to the operator's URL and Prefect Cloud's accounts API", () => {
    expect(allowedApiUrls(undefined, "http://prefect.internal:4200/api")).toEqual([
      "http://prefect.internal:4200/api",
      "https://api.prefect.cloud/api/accounts",
    ]);
    expect(allowedApiUrls("", undefined)).toEqual(["https://api.prefect.cloud/api/accounts"]);
    expect(PREFECT_CLOUD_ACCOUNTS_PREFIX).toBe("https://api.prefect.cloud/api/accounts/");
  });

  it("is exactly PREFECT_MCP_ALLOWED_API_URLS when set", () => {
    expect(allowedApiUrls(" http://a:4200/api/ , HTTPS://B.example/x", "http://op/api")).toEqual([
      "http://a:4200/api",
      "https://b.example/x",
    ]);
  });

  it.each(["file:///etc", "not a url", "http://user:pw@a/api", "http://a/api?x=1"])(
    "refuses the entry %s at start",
    (entry) => {
      expect(() => allowedApiUrls(entry, undefined)).toThrow(/PREFECT_MCP_ALLOWED_API_URLS/);
    },
  );
});

describe("prefix matching", () => {
  it.each([
    ["http://a/api", "http://a/api", true],
    ["http://a/api/accounts/1", "http://a/api", true],
    ["http://a/api-evil", "http://a/api", false],
    ["http://a.evil/api", "http://a/api", false],
    ["http://a:81/api", "http://a/api", false],
    ["https://a/api", "http://a/api", false],
    ["http://a/ap", "http://a/api", false],
    ["http://a/api/../admin", "http://a/api", false],
    [
      "https://api.prefect.cloud/api/accounts/x/workspaces/y",
      "https://api.prefect.cloud/api/accounts/",
      true,
    ],
    ["https://api.prefect.cloud/api/me", "https://api.prefect.cloud/api/accounts/", false],
    ["http://A:80/api/x", "http://a/api", true],
  ])("%s under %s → %s", (url, prefix, expected) => {
    expect(isUnderPrefix(url, prefix)).toBe(expected);
  });
});

describe("forbidden addresses", () => {
  it.each([
    "169.254.169.254",
    "169.254.0.1",
    "fd00:ec2::254",
    "[fd00:ec2::254]",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "0:0:0:0:0:ffff:a9fe:a9fe",
    "::169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "fe80::1",
    "fe80::1%eth0",
  ])("refuses %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    "127.0.0.1",
    "10.0.0.1",
    "169.255.0.1",
    "::1",
    "::ffff:127.0.0.1",
    "fd00::254",
    "2001:db8::1",
  ])("does not refuse %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe("checkApiUrl", () => {
  const allowed = allowedApiUrls(
    "http://127.0.0.1:4200/api,http://169.254.169.254/api,http://prefect.internal/api",
    undefined,
  );

  it("allows a URL under a prefix and returns it normalised", async () => {
    expect(await checkApiUrl("http://127.0.0.1:4200/api/", allowed, noDns)).toEqual({
      allowed: true,
      url: "http://127.0.0.1:4200/api",
    });
  });

  it.each([
    ["http://127.0.0.1:4201/api", /not under any prefix/],
    ["http://127.0.0.1:4200/api-evil", /not under any prefix/],
    ["file:///etc/passwd", /only http and https/],
    ["gopher://127.0.0.1:4200/_x", /only http and https/],
    ["http://u:p@127.0.0.1:4200/api", /credentials/],
    ["http://127.0.0.1:4200/api?x=1", /query/],
    ["http://169.254.169.254/api", /link-local/],
    ["http://2852039166/api", /link-local/],
    ["http://0xa9.0xfe.0xa9.0xfe/api", /link-local/],
    ["http://[::ffff:169.254.169.254]/api", /link-local/],
    ["::", /not a valid URL/],
  ])("refuses %s", async (url, reason) => {
    const verdict = await checkApiUrl(url, allowed, noDns);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toMatch(reason);
  });

  it("refuses a host name that resolves to a metadata address, even allow-listed", async () => {
    const verdict = await checkApiUrl(
      "http://prefect.internal/api",
      allowed,
      resolvesTo("10.0.0.5", "169.254.169.254"),
    );
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringMatching(/resolves to/) });
  });

  it("refuses a host name that does not resolve, and allows one that resolves well", async () => {
    expect((await checkApiUrl("http://prefect.internal/api", allowed, noDns)).allowed).toBe(false);
    expect(
      (await checkApiUrl("http://prefect.internal/api", allowed, resolvesTo("10.0.0.5"))).allowed,
    ).toBe(true);
  });

  it("does not even resolve a host that is not allow-listed", async () => {
    let asked = false;
    const verdict = await checkApiUrl("http://elsewhere.example/api", allowed, async () => {
      asked = true;
      return ["10.0.0.1"];
    });
    expect(verdict.allowed).toBe(false);
    expect(asked).toBe(false);
  });
});
