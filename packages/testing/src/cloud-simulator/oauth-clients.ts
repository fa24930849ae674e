import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { SimulatedOAuthClient } from "./types.js";

export const TOKEN_ENDPOINT_AUTH_METHODS = [
  "client_secret_basic",
  "client_secret_post",
  "none",
] as const;

export interface OAuthClientRecord {
  clientId: string;
  /** absent → a public client */
  clientSecret?: string;
  workspaceIds: string[];
  /** undefined → any redirect URI is accepted (a configured client that named none) */
  redirectUris?: string[];
}

export type ClientAuthentication =
  | { ok: true; client: OAuthClientRecord; method: "basic" | "post" | "none" }
  | { ok: false; usedBasic: boolean; description: string };

const redirectUri = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const { protocol, hash } = new URL(value);
  // RFC 6749 §3.1.2: absolute, no fragment; script schemes would be an open door in a browser.
  return hash === "" && !["javascript:", "data:", "vbscript:"].includes(protocol);
}, "must be an absolute URI without a fragment");

const RegistrationRequest = z.looseObject({
  redirect_uris: z.array(redirectUri).optional(),
  token_endpoint_auth_method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS).optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  client_name: z.string().optional(),
  scope: z.string().optional(),
});

export type RegistrationResult =
  | { status: 201; body: Record<string, unknown> }
  | { status: 400; body: { error: string; error_description: string } };

/** The configured clients plus those registered at run time (RFC 7591). */
export class OAuthClients {
  private readonly clients = new Map<string, OAuthClientRecord>();

  constructor(
    configured: SimulatedOAuthClient[],
    private readonly registeredConsent: string[],
  ) {
    for (const client of configured) this.clients.set(client.clientId, { ...client });
  }

  get(clientId: string): OAuthClientRecord | undefined {
    return this.clients.get(clientId);
  }

  register(metadata: unknown): RegistrationResult {
    const parsed = RegistrationRequest.safeParse(metadata);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") ?? "";
      return {
        status: 400,
        body: {
          error: field.startsWith("redirect_uris")
            ? "invalid_redirect_uri"
            : "invalid_client_metadata",
          error_description: `${field || "body"}: ${issue?.message ?? "invalid"}`,
        },
      };
    }
    const request = parsed.data;
    // RFC 7591 §2 defaults: an authorization-code client that authenticates with HTTP Basic.
    const method = request.token_endpoint_auth_method ?? "client_secret_basic";
    const grantTypes = request.grant_types ?? ["authorization_code"];
    const redirectUris = request.redirect_uris ?? [];
    if (grantTypes.includes("authorization_code") && redirectUris.length === 0) {
      return {
        status: 400,
        body: {
          error: "invalid_redirect_uri",
          error_description: "redirect_uris is required for the authorization_code grant",
        },
      };
    }
    const client: OAuthClientRecord = {
      clientId: randomUUID(),
      workspaceIds: [...this.registeredConsent],
      redirectUris,
      ...(method === "none" ? {} : { clientSecret: randomBytes(32).toString("base64url") }),
    };
    this.clients.set(client.clientId, client);
    return {
      status: 201,
      body: {
        ...request,
        client_id: client.clientId,
        ...(client.clientSecret
          ? { client_secret: client.clientSecret, client_secret_expires_at: 0 }
          : {}),
        client_id_issued_at: Math.floor(Date.now() / 1000),
        redirect_uris: redirectUris,
        token_endpoint_auth_method: method,
        grant_types: grantTypes,
        response_types: request.response_types ?? ["code"],
      },
    };
  }

  /** RFC 6749 §2.3: HTTP Basic, or client_id (+ client_secret) in the form body. */
  authenticate(req: IncomingMessage, form: URLSearchParams): ClientAuthentication {
    const basic = parseBasic(req.headers.authorization);
    if (basic) {
      const client = basic.clientIds.map((id) => this.clients.get(id)).find(Boolean);
      if (!client?.clientSecret || !basic.secrets.includes(client.clientSecret)) {
        return { ok: false, usedBasic: true, description: "Client authentication failed" };
      }
      const bodyClientId = form.get("client_id");
      if (bodyClientId !== null && bodyClientId !== client.clientId) {
        return {
          ok: false,
          usedBasic: true,
          description: "client_id does not match the credentials",
        };
      }
      return { ok: true, client, method: "basic" };
    }

    const clientId = form.get("client_id");
    const client = clientId === null ? undefined : this.clients.get(clientId);
    if (!client) return { ok: false, usedBasic: false, description: "Unknown client" };
    const secret = form.get("client_secret");
    if (client.clientSecret === undefined) {
      return secret === null
        ? { ok: true, client, method: "none" }
        : { ok: false, usedBasic: false, description: "This public client has no secret" };
    }
    if (secret !== client.clientSecret) {
      return { ok: false, usedBasic: false, description: "Client authentication failed" };
    }
    return { ok: true, client, method: "post" };
  }
}

/**
 * Splits `Basic base64(id:secret)`. RFC 6749 §2.3.1 form-encodes both parts first, but many clients
 * (the MCP SDK among them) do not, so both readings are offered.
 */
function parseBasic(
  header: string | undefined,
): { clientIds: string[]; secrets: string[] } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const id = colon < 0 ? decoded : decoded.slice(0, colon);
  const secret = colon < 0 ? undefined : decoded.slice(colon + 1);
  return {
    clientIds: [id, formDecode(id)],
    secrets: secret === undefined ? [] : [secret, formDecode(secret)],
  };
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}
