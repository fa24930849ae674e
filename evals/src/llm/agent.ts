import type { ToolCall, ToolOutput } from "../scenario.js";
import type { ChatModel, ToolSpec, Turn, Usage } from "./chat.js";

/** What the model is told once: the tools are read-only, so changes are commands for the user. */
export const SYSTEM_PROMPT = `You are a support engineer answering questions about the user's Prefect workspace. You reach it only through the Prefect MCP tools, which are read-only.

Answer with the concrete cause and the concrete objects: names and full UUIDs of flow runs, deployments, work pools, queues, tags, limits and automations. When a diagnose_* tool returns cause codes, quote each code you rely on in square brackets, e.g. [work_pool_paused].

You cannot change anything yourself. When the user wants a change (cancel, run, resume, create), give the exact \`prefect\` CLI commands they should run, one per line in a \`\`\`sh block, with full UUIDs. For a new automation, give the complete JSON for \`prefect automation create --from-file automation.json\` in a \`\`\`json block, built from get_object_schema.`;

export interface AgentOptions {
  model: ChatModel;
  tools: readonly ToolSpec[];
  /** Calls a tool on the MCP server. */
  call: (call: ToolCall) => Promise<ToolOutput>;
  question: string;
  /** Model requests before giving up (default 12). */
  maxTurns?: number;
  /** A tool result longer than this is cut before the model sees it (default 25 000). */
  maxToolChars?: number;
}

export interface AgentRun {
  answer: string;
  /** Every tool call the model made, with what it got back. */
  results: ToolOutput[];
  turns: number;
  usage: Usage;
  /** Why the loop ended without a final answer, when it did. */
  stopped?: string;
}

/** The model asks for tools until it answers in plain text, or the turn limit is reached. */
export async function runAgent(options: AgentOptions): Promise<AgentRun> {
  const maxTurns = options.maxTurns ?? 12;
  const maxToolChars = options.maxToolChars ?? 25_000;
  const turns: Turn[] = [{ role: "user", text: options.question }];
  const results: ToolOutput[] = [];
  const usage: Usage = { input: 0, output: 0 };
  let answer = "";
  for (let turn = 1; turn <= maxTurns; turn++) {
    const reply = await options.model.complete(SYSTEM_PROMPT, turns, options.tools);
    usage.input += reply.usage.input;
    usage.output += reply.usage.output;
    turns.push({ role: "assistant", reply });
    answer = reply.text;
    if (reply.toolCalls.length === 0) return { answer, results, turns: turn, usage };

    const outputs = [];
    for (const request of reply.toolCalls) {
      const output = await callSafely(options.call, { tool: request.name, args: request.args });
      results.push(output);
      const text =
        output.text.length > maxToolChars
          ? `${output.text.slice(0, maxToolChars)}\n[cut at ${maxToolChars} characters]`
          : output.text;
      outputs.push({ id: request.id, name: request.name, text, isError: output.isError });
    }
    turns.push({ role: "tool", results: outputs });
  }
  return { answer, results, turns: maxTurns, usage, stopped: `no answer within ${maxTurns} turns` };
}

/** A call the MCP client refused (an unknown tool, a broken argument) is an error result too. */
async function callSafely(call: AgentOptions["call"], request: ToolCall): Promise<ToolOutput> {
  try {
    return await call(request);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return { ...request, text, data: undefined, isError: true };
  }
}
