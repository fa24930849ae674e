import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AccessTokens } from "./access-tokens.js";
import { createAccountApi } from "./account-api.js";
import { createCallerAuthenticator } from "./caller-auth.js";
import { createCloudApi } from "./cloud-api.js";
import { Directory } from "./directory.js";
import { type Exchange, sendDetail } from "./http.js";
import { createOAuthServer } from "./oauth.js";
import { OAuthClients } from "./oauth-clients.js";
import { createTokenSigner } from "./signing.js";
import type {
  CloudSimulator,
  CloudSimulatorOptions,
  MintTokenOptions,
  RecordedRequest,
} from "./types.js";

export type * from "./types.js";

const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * Starts a stand-in for Prefect Cloud on a free loopback port: its account API, its MCP OAuth
 * authorization server, and workspace URLs that forward to real OSS Prefect servers.
 * Test infrastructure only; see the package README for what it does not simulate.
 */
export async function startCloudSimulator(options: CloudSimulatorOptions): Promise<CloudSimulator> {
  checkThrottledMinutes(options);
  const directory = new Directory(options);
  const host = options.host ?? "127.0.0.1";
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const apiUrl = `${origin}/api`;

  const workspaceApiUrl = (workspaceId: string): string => {
    const workspace = directory.workspace(workspaceId);
    if (!workspace) throw new Error(`The simulator has no workspace ${workspaceId}`);
    return `${apiUrl}/accounts/${workspace.accountId}/workspaces/${workspace.id}`;
  };

  const signer = await createTokenSigner(options.signing, origin);
  const tokens = new AccessTokens(signer, options.tokenLifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS);
  const clients = new OAuthClients(
    options.oauthClients ?? [],
    options.autoConsentWorkspaceIds ?? directory.allWorkspaceIds(),
  );
  const oauth = createOAuthServer({ origin, directory, signer, tokens, clients });
  const cloudApi = createCloudApi({
    directory,
    authenticate: createCallerAuthenticator(options.apiKeys ?? [], tokens),
    accountApi: createAccountApi(directory, options.rateLimits ?? {}),
    workspaceApiUrl,
  });

  const requests: RecordedRequest[] = [];
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", origin);
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      auth: "none",
      status: 0,
    };
    requests.push(record);
    void serve({ req, res, url, record });
  });

  async function serve(exchange: Exchange): Promise<void> {
    try {
      const { pathname } = exchange.url;
      if (pathname === "/api" || pathname.startsWith("/api/")) return await cloudApi(exchange);
      if (await oauth(exchange)) return;
      sendDetail(exchange, 404, "Not found");
    } catch (error) {
      if (exchange.res.headersSent) {
        exchange.res.destroy();
        return;
      }
      sendDetail(exchange, 500, `Cloud simulator error: ${String(error)}`);
    }
  }

  return {
    url: origin,
    apiUrl,
    issuer: signer.issuer,
    workspaceApiUrl,
    jwksUrl: signer.jwks ? `${origin}/auth/mcp/oauth/jwks.json` : undefined,
    async mintAccessToken(mint: MintTokenOptions): Promise<string> {
      const { workspaceIds, clientId, ...overrides } = mint;
      const issued = await tokens.issue({
        ...overrides,
        clientId: clientId ?? "simulator-test-client",
        workspaceIds,
      });
      return issued.accessToken;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets from fetch would otherwise hold the port open.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A typo in a test's throttled minute should fail loudly, not silently match no minute. */
function checkThrottledMinutes(options: CloudSimulatorOptions): void {
  for (const [account, limits] of Object.entries(options.rateLimits ?? {})) {
    for (const minute of limits.throttled ?? []) {
      if (Number.isNaN(Date.parse(minute.minute))) {
        throw new Error(`rateLimits.${account}: throttled minute ${minute.minute} is not a date`);
      }
    }
  }
}
