import { Transform } from "node:stream";

/** What is known of a message that was too large to read: its size and, if found, its request id. */
export interface OversizedMessage {
  bytes: number;
  id?: string | number;
}

/** Bytes kept of each end of an oversized message, where MCP SDKs write the request id. */
const END_BYTES = 256;

/**
 * A stream's bytes as whole lines (stdio's JSON-RPC messages), each passed on once complete. A line
 * of more than `maxBytes` (its newline included) is dropped as it arrives, never held in memory;
 * `onOversized` then learns its size and its request id.
 */
export function messageLines(
  maxBytes: number,
  onOversized: (message: OversizedMessage) => void,
): Transform {
  let pending: Buffer[] = [];
  let bytes = 0;
  // The first bytes of a line being dropped, and the last bytes of the current line.
  let head: Buffer | undefined;
  let tail = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        const piece = chunk.subarray(start, end);
        start = end;
        bytes += piece.length;
        tail = Buffer.concat([tail, piece.subarray(-END_BYTES)]).subarray(-END_BYTES);
        if (!head && bytes > maxBytes) {
          head = Buffer.concat([...pending, piece], Math.min(END_BYTES, bytes));
          pending = [];
        }
        if (!head) pending.push(piece);
        if (newline === -1) break;
        if (head) onOversized({ bytes, id: requestId(head.toString(), tail.toString()) });
        else this.push(Buffer.concat(pending));
        pending = [];
        bytes = 0;
        head = undefined;
        tail = Buffer.alloc(0);
      }
      done();
    },
  });
}

/** A JSON-RPC id: a number, or a short string. */
const ID = String.raw`(-?\d+|"[^"\\]{0,100}")`;
/** The id as the first member, or the second after `"jsonrpc"` (the Python SDK's order). */
const ID_FIRST = new RegExp(
  String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID}`,
);
/** The id as the last member (the TypeScript SDK's order): the brace after it closes the message. */
const ID_LAST = new RegExp(String.raw`[{,]\s*"id"\s*:\s*${ID}\s*\}\s*$`);

/** The top-level id of a JSON-RPC message of which only the two ends are known, if they show it. */
function requestId(head: string, tail: string): string | number | undefined {
  const match = ID_FIRST.exec(head) ?? ID_LAST.exec(tail);
  return match?.[1] === undefined ? undefined : (JSON.parse(match[1]) as string | number);
}
