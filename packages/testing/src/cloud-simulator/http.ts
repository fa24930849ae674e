import type { IncomingMessage, ServerResponse } from "node:http";
import type { RecordedRequest } from "./types.js";

/** One request being served: the raw pair, its parsed URL, and its entry in the request log. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  record: RecordedRequest;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function sendJson(
  exchange: Exchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendRaw(exchange, status, Buffer.from(JSON.stringify(body)), {
    "Content-Type": "application/json",
    ...headers,
  });
}

/** FastAPI's error shape, which Prefect Cloud's API uses too. */
export function sendDetail(exchange: Exchange, status: number, detail: string): void {
  sendJson(exchange, status, { detail });
}

export function sendRaw(
  exchange: Exchange,
  status: number,
  body: Buffer,
  headers: Record<string, string>,
): void {
  // Set before writing: a test in this same process may read the log as soon as it has the response.
  exchange.record.status = status;
  exchange.res.writeHead(status, { ...headers, "Content-Length": String(body.length) });
  exchange.res.end(body);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The credential in `Authorization: Bearer <x>`, if that is what the caller sent. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}
