import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { type CloudSimulator, startCloudSimulator } from "@prefect-mcp/testing";

/** A client secret with characters RFC 6749 §2.3.1 form-encodes inside HTTP Basic. */
export const CLIENT_SECRET = `pcs_${randomUUID()}+/=`;

/** A Cloud simulator with one workspace and one service account OAuth client for it. */
export async function startSimulator(): Promise<{
  simulator: CloudSimulator;
  clientId: string;
  workspaceId: string;
}> {
  const accountId = randomUUID();
  const workspaceId = randomUUID();
  const clientId = `agent-${randomUUID()}`;
  const simulator = await startCloudSimulator({
    accounts: [{ id: accountId, handle: "acme", name: "Acme" }],
    workspaces: [
      {
        accountId,
        id: workspaceId,
        handle: "prod",
        name: "Production",
        // These tests never reach a workspace, only the token endpoint.
        prefectApiUrl: "http://127.0.0.1:9/api",
      },
    ],
    oauthClients: [{ clientId, clientSecret: CLIENT_SECRET, workspaceIds: [workspaceId] }],
    signing: { kind: "shared-key", key: `test-signing-key-${randomUUID()}` },
  });
  return { simulator, clientId, workspaceId };
}

/** A loopback URL nothing listens on: bound to a free port, then closed. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
