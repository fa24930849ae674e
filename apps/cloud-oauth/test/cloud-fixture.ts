import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type CloudSimulator,
  type CloudSimulatorOptions,
  connectHttpMcp,
  createFlow,
  createSeedClient,
  isolatedEnv,
  type PrefectServer,
  ServerProcess,
  startCloudSimulator,
  startPrefectServer,
  uniqueName,
} from "@prefect-mcp/testing";

export { isolatedEnv };

/** The built bins, run with plain node as `npx` would. */
export const BIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
export const TOKEN_BIN = fileURLToPath(
  new URL("../../../packages/cloud-token/dist/main.js", import.meta.url),
);
for (const bin of [BIN, TOKEN_BIN]) {
  if (!existsSync(bin)) {
    throw new Error(
      `${bin} is missing: these tests run the built bins. Run \`pnpm --filter @prefect-mcp/cloud-oauth... build\` (or \`pnpm test\`, which builds first).`,
    );
  }
}

/** A shared key as Prefect Cloud would configure it (HMAC keys need ≥ 32 characters). */
export const SHARED_KEY = "test-only-shared-key-0123456789abcdef";
export const SCOPE = "prefect-cloud:workspaces";

export interface Workspace {
  id: string;
  handle: string;
  name: string;
  /** A flow that exists only in this workspace's real Prefect server. */
  flowName: string;
}

/**
 * Prefect Cloud as these tests see it: one account with two workspaces, each backed by its own
 * real Prefect server (the run's shared one and one started here) holding a flow of its own.
 */
export async function startCloud(
  sharedApiUrl: string,
  options: (cloud: {
    accountId: string;
    prod: Workspace;
    staging: Workspace;
  }) => Partial<CloudSimulatorOptions> = () => ({}),
): Promise<{
  sim: CloudSimulator;
  accountId: string;
  prod: Workspace;
  staging: Workspace;
  stop(): Promise<void>;
}> {
  const second: PrefectServer = await startPrefectServer();
  const accountId = crypto.randomUUID();
  const prod: Workspace = {
    id: crypto.randomUUID(),
    handle: "production",
    name: "Production",
    flowName: uniqueName("prod-flow"),
  };
  const staging: Workspace = {
    id: crypto.randomUUID(),
    handle: "staging",
    name: "Staging",
    flowName: uniqueName("staging-flow"),
  };
  await createFlow(createSeedClient({ apiUrl: sharedApiUrl }), { name: prod.flowName });
  await createFlow(createSeedClient({ apiUrl: second.apiUrl }), { name: staging.flowName });
  const sim = await startCloudSimulator({
    accounts: [
      {
        id: accountId,
        handle: "acme",
        name: "Acme Corp",
        plan_type: "PRO",
        plan_tier: "pro",
        features: ["automations", "rbac"],
        automations_limit: 50,
        work_pool_limit: 10,
        run_retention_days: 30,
      },
    ],
    workspaces: [
      { accountId, ...pickWorkspace(prod), prefectApiUrl: sharedApiUrl },
      { accountId, ...pickWorkspace(staging), prefectApiUrl: second.apiUrl },
    ],
    signing: { kind: "shared-key", key: SHARED_KEY },
    ...options({ accountId, prod, staging }),
  });
  return {
    sim,
    accountId,
    prod,
    staging,
    stop: async () => {
      await sim.close();
      await second.stop();
    },
  };
}

function pickWorkspace({ id, handle, name }: Workspace) {
  return { id, handle, name };
}

/** The settings a Prefect Cloud operator gives `prefect-mcp-cloud`, pointed at the simulator. */
export function cloudEnv(sim: CloudSimulator, extra: Record<string, string> = {}) {
  return isolatedEnv({
    PREFECT_MCP_CLOUD_AUTH_TOKEN_KEY: SHARED_KEY,
    PREFECT_MCP_CLOUD_API_BASE_URL: sim.apiUrl,
    PREFECT_MCP_CLOUD_AUTH_BASE_URL: sim.url,
    ...extra,
  });
}

export function startCloudProcess(env: Record<string, string>, args: string[] = []) {
  return ServerProcess.start({
    name: "prefect-mcp-cloud",
    bin: BIN,
    args: ["--port", "0", "--no-docs", ...args],
    env,
  });
}

/** A real MCP client over Streamable HTTP sending `Authorization: Bearer <token>`. */
export function connectWithToken(mcpUrl: string, token: string) {
  return connectHttpMcp(mcpUrl, { Authorization: `Bearer ${token}` });
}

/** A raw `initialize` POST to /mcp, to see exactly what an unauthorised caller gets. */
export async function initialize(mcpUrl: string, authorization?: string) {
  const response = await fetch(mcpUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    }),
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get("www-authenticate") ?? "",
    // biome-ignore lint/suspicious/noExplicitAny: tests read any field of an error body.
    body: (text.startsWith("{") ? JSON.parse(text) : text) as any,
  };
}
