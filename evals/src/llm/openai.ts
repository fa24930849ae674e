import {
  type ChatModel,
  type Fetch,
  type ModelReply,
  plainSchema,
  postJson,
  type ToolSpec,
  type Turn,
} from "./chat.js";

interface AssistantMessage {
  role: "assistant";
  content?: string | null;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
}

/** The Chat Completions request for a conversation (pure: no I/O). */
export function openaiRequest(
  model: string,
  maxTokens: number,
  system: string,
  turns: readonly Turn[],
  tools: readonly ToolSpec[],
) {
  return {
    model,
    max_completion_tokens: maxTokens,
    tools: tools.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        description: tool.description,
        parameters: plainSchema(tool.inputSchema),
      },
    })),
    messages: [
      { role: "system", content: system },
      ...turns.flatMap((turn) => {
        if (turn.role === "user") return [{ role: "user", content: turn.text }];
        if (turn.role === "assistant") return [turn.reply.raw];
        return turn.results.map((result) => ({
          role: "tool",
          tool_call_id: result.id,
          content: result.isError ? `Error: ${result.text}` : result.text,
        }));
      }),
    ],
  };
}

/** A Chat Completions response as a reply; tool arguments arrive as a JSON string. */
export function openaiReply(json: unknown): ModelReply {
  const completion = json as {
    choices?: { message?: AssistantMessage }[];
    usage?: { prompt_tokens?: number; completion_tokens?: number };
  };
  const message = completion.choices?.[0]?.message ?? { role: "assistant", content: "" };
  return {
    text: message.content ?? "",
    toolCalls: (message.tool_calls ?? [])
      .filter((call) => call.type === "function")
      .map((call) => ({
        id: call.id,
        name: call.function.name,
        args: parseArgs(call.function.arguments),
      })),
    usage: {
      input: completion.usage?.prompt_tokens ?? 0,
      output: completion.usage?.completion_tokens ?? 0,
    },
    raw: message,
  };
}

/** Arguments a model wrote; malformed JSON is passed on as-is for the tool to refuse. */
function parseArgs(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text || "{}") as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return { _unparsed_arguments: text };
  }
}

export interface OpenAiOptions {
  apiKey: string;
  model: string;
  maxTokens: number;
  baseUrl?: string;
  fetch?: Fetch;
}

/** An OpenAI model through the Chat Completions API with plain fetch. */
export function openaiModel(options: OpenAiOptions): ChatModel {
  const base = (options.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "");
  return {
    provider: "openai",
    model: options.model,
    async complete(system, turns, tools) {
      const json = await postJson(
        options.fetch ?? fetch,
        `${base}/chat/completions`,
        { authorization: `Bearer ${options.apiKey}` },
        openaiRequest(options.model, options.maxTokens, system, turns, tools),
      );
      return openaiReply(json);
    },
  };
}
