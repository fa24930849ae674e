import { randomUUID } from "node:crypto";
import {
  cloudWorkspaceSettings,
  fetchGrantedWorkspaces,
  type GrantedCloudWorkspace,
} from "@prefect-mcp/client";
import {
  type CloudSimulator,
  createFlow,
  createSeedClient,
  type PrefectServer,
  startCloudSimulator,
  startPrefectServer,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allTools,
  chooseWorkspace,
  InputError,
  type WorkspaceGrant,
  withWorkspaceArgument,
} from "../src/index.js";
import { apiUrl, connectTools, seed } from "./mcp-harness.js";

const ACCOUNT = { id: randomUUID(), handle: "acme", name: "Acme Corp" };
const PROD = { id: randomUUID(), handle: "prod", name: "Production" };
const STAGING = { id: randomUUID(), handle: "staging", name: "Staging" };
/** A workspace the simulator knows but no grant in these tests covers. */
const OUTSIDE = { id: randomUUID(), handle: "secret", name: "Secret" };

/** A grant as the HTTP app builds one: the token's workspaces from Cloud, each read with the token. */
function cloudGrant(sim: CloudSimulator, token: string): WorkspaceGrant {
  return {
    workspaces: () => fetchGrantedWorkspaces({ authBaseUrl: sim.url, token }),
    settingsFor: (workspace) =>
      cloudWorkspaceSettings({
        apiBaseUrl: sim.apiUrl,
        accountId: workspace.account_id,
        workspaceId: workspace.workspace_id,
        token,
      }),
  };
}

/** A fixed grant that must never be asked for settings. */
function fixedGrant(workspaces: GrantedCloudWorkspace[]): WorkspaceGrant {
  return {
    workspaces: async () => workspaces,
    settingsFor: () => {
      throw new Error("settingsFor must not be called");
    },
  };
}

const flowNames = (result: { data: { flows?: { name: string }[] } }) =>
  (result.data.flows ?? []).map((flow) => flow.name);

describe("chooseWorkspace", () => {
  const prod: GrantedCloudWorkspace = {
    account_id: ACCOUNT.id,
    account_handle: "acme",
    workspace_id: "B0000000-0000-4000-8000-00000000000A",
    workspace_handle: "Prod",
    workspace_name: "Production",
  };
  const staging: GrantedCloudWorkspace = {
    account_id: ACCOUNT.id,
    account_name: "Acme Corp",
    workspace_id: "b0000000-0000-4000-8000-00000000000b",
    workspace_name: "Staging",
  };

  it("picks the only granted workspace when none is named", () => {
    expect(chooseWorkspace([prod], undefined)).toBe(prod);
  });

  it("requires a choice among several, listing each by name and id", () => {
    const choose = () => chooseWorkspace([prod, staging], undefined);
    expect(choose).toThrow(InputError);
    expect(choose).toThrow(/workspace_id is required/);
    expect(choose).toThrow(`"acme/Prod" (id ${prod.workspace_id})`);
    expect(choose).toThrow(`"Acme Corp/Staging" (id ${staging.workspace_id})`);
  });

  it("matches an id or a handle whatever its case", () => {
    expect(chooseWorkspace([prod, staging], prod.workspace_id.toLowerCase())).toBe(prod);
    expect(chooseWorkspace([prod, staging], staging.workspace_id.toUpperCase())).toBe(staging);
    expect(chooseWorkspace([prod, staging], "PROD")).toBe(prod);
    expect(chooseWorkspace([prod, staging], ` ${staging.workspace_id} `)).toBe(staging);
  });

  it("refuses a workspace outside the grant, listing the granted ones", () => {
    const choose = () => chooseWorkspace([prod, staging], "Staging");
    // "Staging" is a name, not a handle: only ids and handles select a workspace.
    expect(choose).toThrow(InputError);
    expect(choose).toThrow(/workspace_id "Staging" is not a workspace you authorized/);
    expect(choose).toThrow(prod.workspace_id);
    expect(() => chooseWorkspace([prod], OUTSIDE.id)).toThrow(/reconnect and consent to it/);
  });

  it("refuses every call when the grant covers no workspace, saying to reconnect", () => {
    for (const requested of [undefined, prod.workspace_id]) {
      expect(() => chooseWorkspace([], requested)).toThrow(InputError);
      expect(() => chooseWorkspace([], requested)).toThrow(/covers no .*workspace.*Reconnect/);
    }
  });
});

describe("tools/list with a workspace grant", () => {
  const grant = fixedGrant([]);

  it("adds an optional workspace_id to every tool that reads Prefect, and lists the grant tool", async () => {
    const tools = await connectTools({ workspaceGrant: grant, settings: undefined });
    const { tools: listed } = await tools.client.listTools();
    await tools.close();
    expect(listed.map((tool) => tool.name).sort()).toEqual(
      [...allTools.map((tool) => tool.name), "list_authorized_workspaces"].sort(),
    );
    const scoped = listed.filter((tool) => tool.inputSchema.properties?.workspace_id);
    expect(listed.filter((tool) => !scoped.includes(tool)).map((tool) => tool.name)).toEqual([
      "get_object_schema",
      "list_authorized_workspaces",
    ]);
    for (const tool of scoped) {
      expect(tool.inputSchema.required ?? []).not.toContain("workspace_id");
      expect(tool.inputSchema.properties?.workspace_id).toMatchObject({ type: "string" });
    }
  });

  it("offers neither workspace_id nor list_authorized_workspaces without a grant", async () => {
    const tools = await connectTools();
    const { tools: listed } = await tools.client.listTools();
    await tools.close();
    expect(listed.map((tool) => tool.name)).not.toContain("list_authorized_workspaces");
    for (const tool of listed)
      expect(tool.inputSchema.properties ?? {}).not.toHaveProperty("workspace_id");
  });

  it("builds each tool's scoped form once, so servers built per request share it", () => {
    for (const tool of allTools) {
      expect(withWorkspaceArgument(tool)).toBe(withWorkspaceArgument(tool));
    }
    const schemaTool = allTools.find((tool) => tool.name === "get_object_schema");
    expect(schemaTool && withWorkspaceArgument(schemaTool)).toBe(schemaTool);
  });
});

describe("tools over two real Cloud workspaces", () => {
  let second: PrefectServer;
  let sim: CloudSimulator;
  let bothToken: string;
  const prodFlow = uniqueName("grant-prod");
  const stagingFlow = uniqueName("grant-staging");
  /** Both flows, so each answer shows which workspace it came from. */
  const filter = { name: { any_: [prodFlow, stagingFlow] } };

  beforeAll(async () => {
    second = await startPrefectServer();
    sim = await startCloudSimulator({
      accounts: [ACCOUNT],
      workspaces: [
        { accountId: ACCOUNT.id, ...PROD, prefectApiUrl: apiUrl },
        { accountId: ACCOUNT.id, ...STAGING, prefectApiUrl: second.apiUrl },
        { accountId: ACCOUNT.id, ...OUTSIDE, prefectApiUrl: apiUrl },
      ],
      signing: { kind: "shared-key", key: "workspace-grant-test-signing-key-32b!" },
    });
    bothToken = await sim.mintAccessToken({ workspaceIds: [PROD.id, STAGING.id] });
    await createFlow(seed, { name: prodFlow });
    await createFlow(createSeedClient({ apiUrl: second.apiUrl }), { name: stagingFlow });
  });
  afterAll(async () => {
    await sim?.close();
    await second?.stop();
  });

  async function connect(token = bothToken) {
    return connectTools({ workspaceGrant: cloudGrant(sim, token), settings: undefined });
  }

  it("reads the workspace named by id, and only that one", async () => {
    const tools = await connect();
    const prod = await tools.call("get_flows", { workspace_id: PROD.id, filter });
    const staging = await tools.call("get_flows", { workspace_id: STAGING.id, filter });
    await tools.close();
    expect(prod.isError).toBeFalsy();
    expect(flowNames(prod)).toEqual([prodFlow]);
    expect(staging.isError).toBeFalsy();
    expect(flowNames(staging)).toEqual([stagingFlow]);
  });

  it("reads the workspace named by handle", async () => {
    const tools = await connect();
    const staging = await tools.call("get_flows", { workspace_id: "STAGING", filter });
    const prod = await tools.call("get_flows", { workspace_id: "prod", filter });
    await tools.close();
    expect(flowNames(staging)).toEqual([stagingFlow]);
    expect(flowNames(prod)).toEqual([prodFlow]);
  });

  it("asks for workspace_id when two are granted, naming both with their ids", async () => {
    const tools = await connect();
    const result = await tools.call("get_flows", { filter });
    await tools.close();
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/workspace_id is required/);
    for (const workspace of [PROD, STAGING]) {
      expect(result.text).toContain(workspace.handle);
      expect(result.text).toContain(workspace.id);
    }
    expect(result.text).not.toContain(OUTSIDE.id);
  });

  it("refuses a workspace outside the grant without calling it", async () => {
    const tools = await connect();
    const before = sim.requests.length;
    const result = await tools.call("get_flows", { workspace_id: OUTSIDE.id, filter });
    await tools.close();
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/is not a workspace you authorized/);
    expect(result.text).toContain(PROD.id);
    const made = sim.requests.slice(before).map((request) => request.path);
    expect(made.length).toBeGreaterThan(0); // the grant itself was read
    expect(made.filter((path) => path.includes(OUTSIDE.id))).toEqual([]);
  });

  it("tells the caller to reconnect when the grant covers no workspace", async () => {
    const tools = await connect(await sim.mintAccessToken({ workspaceIds: [] }));
    const result = await tools.call("get_flows", { filter });
    await tools.close();
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/covers no Prefect Cloud workspace.*Reconnect/);
  });

  it("uses the only granted workspace when no workspace_id is given", async () => {
    const tools = await connect(await sim.mintAccessToken({ workspaceIds: [STAGING.id] }));
    const result = await tools.call("get_flows", { filter });
    await tools.close();
    expect(result.isError).toBeFalsy();
    expect(flowNames(result)).toEqual([stagingFlow]);
  });

  it("lists exactly the granted workspaces", async () => {
    const tools = await connect();
    const result = await tools.call("list_authorized_workspaces");
    await tools.close();
    expect(result.isError).toBeFalsy();
    expect(result.data.workspaces).toEqual(
      [PROD, STAGING].map((workspace) => ({
        account_id: ACCOUNT.id,
        account_handle: ACCOUNT.handle,
        account_name: ACCOUNT.name,
        workspace_id: workspace.id,
        workspace_handle: workspace.handle,
        workspace_name: workspace.name,
      })),
    );
  });

  it("answers get_object_schema without a workspace_id, even with two granted", async () => {
    const tools = await connect();
    const result = await tools.call("get_object_schema", { object_type: "automation" });
    const scoped = await tools.call("get_object_schema", {
      object_type: "automation",
      workspace_id: PROD.id,
    });
    await tools.close();
    expect(result.isError).toBeFalsy();
    expect(result.data.object_type).toBe("automation");
    expect(result.data.schema).toHaveProperty("$defs");
    expect(scoped.isError).toBe(true);
    expect(scoped.text).toMatch(/unknown argument "workspace_id"/);
  });
});
