/** A tool as a model is told about it: from the MCP server's tools/list. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolCallRequest {
  /** The provider's id for the call, echoed with its result. */
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface Usage {
  input: number;
  output: number;
}

export interface ModelReply {
  text: string;
  toolCalls: ToolCallRequest[];
  usage: Usage;
  /**
   * The provider's own message, sent back unchanged in the next request: it keeps thinking blocks
   * and call ids exactly as the provider requires.
   */
  raw: unknown;
}

export interface ToolResultTurn {
  id: string;
  name: string;
  text: string;
  isError: boolean;
}

export type Turn =
  | { role: "user"; text: string }
  | { role: "assistant"; reply: ModelReply }
  | { role: "tool"; results: ToolResultTurn[] };

/** One provider's Messages or Chat Completions API behind one call. */
export interface ChatModel {
  provider: "anthropic" | "openai";
  model: string;
  complete(system: string, turns: readonly Turn[], tools: readonly ToolSpec[]): Promise<ModelReply>;
}

/** JSON Schema as both providers accept it: without the `$schema` dialect marker. */
export function plainSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

export type Fetch = typeof fetch;

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504, 529]);

/**
 * POSTs JSON and returns the parsed answer, retrying rate limits and overloads a few times
 * (honouring Retry-After). A refusal throws with the status and the provider's message; request
 * headers, which carry the key, are never part of it.
 */
export async function postJson(
  fetchImpl: Fetch,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  attempts = 4,
): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new Error(`POST ${url}: could not reach the provider (${String(cause)})`);
    }
    if (response.ok) return response.json();
    const detail = (await response.text()).slice(0, 1_000);
    if (!RETRY_STATUSES.has(response.status) || attempt >= attempts) {
      throw new Error(`POST ${url} failed with HTTP ${response.status}: ${detail}`);
    }
    const retryAfter = Number(response.headers.get("retry-after"));
    const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 2 ** attempt;
    await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 60) * 1_000));
  }
}
