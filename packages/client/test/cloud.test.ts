import { describe, expect, it } from "vitest";
import {
  createPrefectClient,
  detectCloudWorkspace,
  PrefectApiError,
  type PrefectClient,
  type PrefectSettings,
  PrefectSettingsError,
} from "../src/index.js";
import { rejection } from "./rejection.js";

const ACCOUNT_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const WORKSPACE_ID = "f0e1d2c3-b4a5-4968-8776-655443322110";
const CLOUD_ROOT = "https://api.prefect.cloud/api";
const CLOUD_URL = `${CLOUD_ROOT}/accounts/${ACCOUNT_ID}/workspaces/${WORKSPACE_ID}`;
const API_KEY = "pnu_cloudTestKey000000000000000000000000";

const USER = {
  id: "6b1f7c52-0c1e-4f0a-9a53-2d5f3f6d8e10",
  handle: "jane",
  email: "jane@example.com",
  first_name: "Jane",
  last_name: null,
  settings: { theme: "dark" },
};
const WORKSPACES = [
  {
    account_id: ACCOUNT_ID,
    account_name: "Acme",
    account_handle: "acme",
    workspace_id: WORKSPACE_ID,
    workspace_name: "Production",
    workspace_handle: "prod",
    workspace_description: null,
  },
];
const ACCOUNT = {
  id: ACCOUNT_ID,
  name: "Acme",
  handle: "acme",
  plan_type: "PRO",
  plan_tier: null,
  features: ["sso", "audit-log"],
  automations_limit: 50,
  work_pool_limit: null,
  run_retention_days: 30,
};
const WORKSPACE = {
  id: WORKSPACE_ID,
  account_id: ACCOUNT_ID,
  name: "Production",
  handle: "prod",
  description: "Where the real flows run",
};
const USAGE = {
  account: ACCOUNT_ID,
  since: "2025-03-01T10:00:00Z",
  until: "2025-03-01T10:02:00Z",
  minutes: ["2025-03-01T10:00:00Z", "2025-03-01T10:01:00Z"],
  keys: {
    runs: { requested: [12, 40], granted: [12, 35] },
    "reading-logs": { requested: [3, 0], granted: [3, 0] },
  },
};

/** Stands in for Prefect Cloud: answers by path and records every request. */
function fakeCloud(routes: Record<string, unknown>) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    const { pathname } = new URL(request.url);
    if (!(pathname in routes)) return Response.json({ detail: "Not Found" }, { status: 404 });
    return Response.json(routes[pathname]);
  };
  return { requests, fetch };
}

function cloudClient(fetch: (request: Request) => Promise<Response>): PrefectClient {
  const settings: PrefectSettings = {
    apiUrl: CLOUD_URL,
    apiKey: API_KEY,
    sources: { apiUrl: "env", apiKey: "env" },
    cloud: detectCloudWorkspace(CLOUD_URL),
  };
  return createPrefectClient(settings, { fetch, retries: 0 });
}

const ROUTES = {
  "/api/me/": USER,
  "/api/me/workspaces": WORKSPACES,
  [`/api/accounts/${ACCOUNT_ID}`]: ACCOUNT,
  [`/api/accounts/${ACCOUNT_ID}/workspaces/${WORKSPACE_ID}`]: WORKSPACE,
  [`/api/accounts/${ACCOUNT_ID}/rate-limits/usage`]: USAGE,
};

describe("Prefect Cloud reads on a Cloud workspace URL", () => {
  it.each([
    ["me", (c: PrefectClient) => c.cloud.me(), "/me/", USER],
    ["myWorkspaces", (c: PrefectClient) => c.cloud.myWorkspaces(), "/me/workspaces", WORKSPACES],
    ["account", (c: PrefectClient) => c.cloud.account(), `/accounts/${ACCOUNT_ID}`, ACCOUNT],
    [
      "workspace",
      (c: PrefectClient) => c.cloud.workspace(),
      `/accounts/${ACCOUNT_ID}/workspaces/${WORKSPACE_ID}`,
      WORKSPACE,
    ],
  ])(
    "%s GETs its path below the account-level root with the key as a bearer token",
    async (_name, call, path, payload) => {
      const { requests, fetch } = fakeCloud(ROUTES);
      expect(await call(cloudClient(fetch))).toEqual(payload);
      expect(requests).toHaveLength(1);
      const [request] = requests;
      expect(request?.method).toBe("GET");
      expect(request?.url).toBe(`${CLOUD_ROOT}${path}`);
      expect(request?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    },
  );

  it("reads another account or workspace when given its ids", async () => {
    const other = "11111111-2222-4333-8444-555555555555";
    const { requests, fetch } = fakeCloud({
      [`/api/accounts/${other}`]: { ...ACCOUNT, id: other },
      [`/api/accounts/${other}/workspaces/${other}`]: { ...WORKSPACE, id: other },
    });
    const client = cloudClient(fetch);
    expect((await client.cloud.account(other)).id).toBe(other);
    expect((await client.cloud.workspace(other, other)).id).toBe(other);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
      `/api/accounts/${other}`,
      `/api/accounts/${other}/workspaces/${other}`,
    ]);
  });

  it("asks for rate-limit usage with ISO times and one `keys` parameter per key", async () => {
    const { requests, fetch } = fakeCloud(ROUTES);
    const usage = await cloudClient(fetch).cloud.rateLimitUsage({
      since: new Date("2025-03-01T10:00:00Z"),
      until: "2025-03-01T12:02:00+02:00",
      keys: ["runs", "reading-logs"],
    });
    expect(usage).toEqual(USAGE);
    const url = new URL(requests[0]?.url ?? "");
    expect(`${url.origin}${url.pathname}`).toBe(
      `${CLOUD_ROOT}/accounts/${ACCOUNT_ID}/rate-limits/usage`,
    );
    expect(url.searchParams.get("since")).toBe("2025-03-01T10:00:00.000Z");
    expect(url.searchParams.get("until")).toBe("2025-03-01T10:02:00.000Z");
    expect(url.searchParams.getAll("keys")).toEqual(["runs", "reading-logs"]);
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
  });

  it("sends no query parameters for rate-limit usage when none are given", async () => {
    const { requests, fetch } = fakeCloud(ROUTES);
    await cloudClient(fetch).cloud.rateLimitUsage();
    expect(new URL(requests[0]?.url ?? "").search).toBe("");
  });

  it("rejects an unparseable time without sending anything", async () => {
    const { requests, fetch } = fakeCloud(ROUTES);
    const client = cloudClient(fetch);
    const error = await rejection(client.cloud.rateLimitUsage({ since: "last tuesday-ish" }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toContain("since");
    expect(requests).toHaveLength(0);
  });

  it.each([
    ["me", (c: PrefectClient) => c.cloud.me(), "/api/me/", { handle: "jane" }, "id"],
    [
      "myWorkspaces",
      (c: PrefectClient) => c.cloud.myWorkspaces(),
      "/api/me/workspaces",
      [{ account_id: ACCOUNT_ID, workspace_name: "Production" }],
      "0.workspace_id",
    ],
    [
      "account",
      (c: PrefectClient) => c.cloud.account(),
      `/api/accounts/${ACCOUNT_ID}`,
      { ...ACCOUNT, features: "sso" },
      "features",
    ],
    [
      "rateLimitUsage",
      (c: PrefectClient) => c.cloud.rateLimitUsage(),
      `/api/accounts/${ACCOUNT_ID}/rate-limits/usage`,
      { ...USAGE, keys: { runs: { requested: [1], granted: ["1"] } } },
      "keys.runs.granted.0",
    ],
  ])(
    "%s reports an unexpected payload as invalid-response naming the field",
    async (_name, call, route, payload, field) => {
      const { fetch } = fakeCloud({ [route]: payload });
      const error = await rejection(call(cloudClient(fetch)));
      expect(error).toBeInstanceOf(PrefectApiError);
      expect(error).toMatchObject({ reason: "invalid-response" });
      expect(error.message).toContain("unexpected payload");
      expect(error.message).toContain(`${field}:`);
    },
  );

  it("reports an HTTP error from Cloud with its status and detail", async () => {
    const fetch = async () => Response.json({ detail: "Invalid API key" }, { status: 401 });
    const error = await rejection(cloudClient(fetch).cloud.me());
    expect(error).toBeInstanceOf(PrefectApiError);
    expect(error).toMatchObject({ reason: "http", status: 401 });
    expect(error.message).toContain("Invalid API key");
  });
});

describe("Prefect Cloud reads on an OSS server URL", () => {
  const calls: Array<[string, (c: PrefectClient) => Promise<unknown>]> = [
    ["me", (c) => c.cloud.me()],
    ["myWorkspaces", (c) => c.cloud.myWorkspaces()],
    ["account", (c) => c.cloud.account()],
    ["account with an id", (c) => c.cloud.account(ACCOUNT_ID)],
    ["workspace", (c) => c.cloud.workspace()],
    ["rateLimitUsage", (c) => c.cloud.rateLimitUsage({ keys: ["runs"] })],
  ];

  it.each(calls)(
    "%s fails, saying it needs a Cloud workspace URL, and sends nothing",
    async (_name, call) => {
      const { requests, fetch } = fakeCloud(ROUTES);
      const client = createPrefectClient(
        { apiUrl: "http://127.0.0.1:4200/api", apiKey: API_KEY, sources: { apiUrl: "env" } },
        { fetch },
      );
      const error = await rejection(call(client));
      expect(error).toBeInstanceOf(PrefectSettingsError);
      expect(error.message).toContain("Prefect Cloud workspace URL");
      expect(error.message).toContain("/accounts/<account id>/workspaces/<workspace id>");
      expect(requests).toHaveLength(0);
    },
  );
});
