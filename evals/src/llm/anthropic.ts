import {
  type ChatModel,
  type Fetch,
  type ModelReply,
  plainSchema,
  postJson,
  type ToolSpec,
  type Turn,
} from "./chat.js";

interface ContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: Record<string, unknown>;
}

/** The Messages API request for a conversation (pure: no I/O). */
export function anthropicRequest(
  model: string,
  maxTokens: number,
  system: string,
  turns: readonly Turn[],
  tools: readonly ToolSpec[],
) {
  return {
    model,
    max_tokens: maxTokens,
    system,
    tools: tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: plainSchema(tool.inputSchema),
    })),
    messages: turns.map((turn) => {
      if (turn.role === "user") return { role: "user", content: turn.text };
      if (turn.role === "assistant") return { role: "assistant", content: turn.reply.raw };
      return {
        role: "user",
        content: turn.results.map((result) => ({
          type: "tool_result",
          tool_use_id: result.id,
          content: result.text,
          ...(result.isError ? { is_error: true } : {}),
        })),
      };
    }),
  };
}

/** A Messages API response as a reply: its text, its tool_use blocks, its token counts. */
export function anthropicReply(json: unknown): ModelReply {
  const message = json as {
    content?: ContentBlock[];
    usage?: { input_tokens?: number; output_tokens?: number };
  };
  const content = message.content ?? [];
  return {
    text: content
      .filter((block) => block.type === "text")
      .map((block) => block.text ?? "")
      .join("\n"),
    toolCalls: content
      .filter((block) => block.type === "tool_use")
      .map((block) => ({ id: block.id ?? "", name: block.name ?? "", args: block.input ?? {} })),
    usage: { input: message.usage?.input_tokens ?? 0, output: message.usage?.output_tokens ?? 0 },
    raw: content,
  };
}

export interface AnthropicOptions {
  apiKey: string;
  model: string;
  maxTokens: number;
  baseUrl?: string;
  fetch?: Fetch;
}

/** Claude through the Messages API with plain fetch. */
export function anthropicModel(options: AnthropicOptions): ChatModel {
  const url = `${(options.baseUrl ?? "https://api.anthropic.com").replace(/\/+$/, "")}/v1/messages`;
  return {
    provider: "anthropic",
    model: options.model,
    async complete(system, turns, tools) {
      const json = await postJson(
        options.fetch ?? fetch,
        url,
        { "x-api-key": options.apiKey, "anthropic-version": "2023-06-01" },
        anthropicRequest(options.model, options.maxTokens, system, turns, tools),
      );
      return anthropicReply(json);
    },
  };
}
