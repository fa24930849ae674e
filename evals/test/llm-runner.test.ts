import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { runAgent, SYSTEM_PROMPT } from "../src/llm/agent.js";
import { anthropicModel } from "../src/llm/anthropic.js";
import type { Fetch, ToolSpec } from "../src/llm/chat.js";
import { openaiModel } from "../src/llm/openai.js";
import { runLlmEvals } from "../src/llm/runner.js";
import { DEFAULT_ANTHROPIC_MODEL, llmSettings, NO_KEY_MESSAGE } from "../src/llm/settings.js";
import type { ToolCall, ToolOutput } from "../src/scenario.js";

// The providers cannot be reached from here: these tests stub fetch and check the JSON both ways.

interface Sent {
  url: string;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read into the JSON that was sent.
  body: Record<string, any>;
}

/** A fetch that records each request and answers with the next canned JSON body. */
function stubFetch(responses: unknown[]): { fetch: Fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetchStub = async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(url),
      headers: init?.headers as Record<string, string>,
      body: JSON.parse(String(init?.body)),
    });
    const next = responses.shift();
    if (next instanceof Response) return next;
    return new Response(JSON.stringify(next), { status: 200 });
  };
  return { fetch: fetchStub as Fetch, sent };
}

const TOOLS: ToolSpec[] = [
  {
    name: "get_flows",
    description: "List flows.",
    inputSchema: {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { limit: { type: "integer" } },
    },
  },
];

/** An MCP server stand-in: every call answers with the tool's name and arguments. */
function fakeTools(calls: ToolCall[]) {
  return async (call: ToolCall): Promise<ToolOutput> => {
    calls.push(call);
    return {
      ...call,
      text: `flows: nightly-etl (${JSON.stringify(call.args)})`,
      data: {},
      isError: false,
    };
  };
}

describe("Anthropic Messages API", () => {
  it("sends tools and tool results in Anthropic's format and reads tool_use, text and usage back", async () => {
    const { fetch, sent } = stubFetch([
      {
        content: [
          { type: "thinking", thinking: "look at the flows", signature: "sig" },
          { type: "tool_use", id: "toolu_1", name: "get_flows", input: { limit: 5 } },
        ],
        stop_reason: "tool_use",
        usage: { input_tokens: 120, output_tokens: 30 },
      },
      {
        content: [{ type: "text", text: "You have one flow: nightly-etl." }],
        stop_reason: "end_turn",
        usage: { input_tokens: 200, output_tokens: 12 },
      },
    ]);
    const calls: ToolCall[] = [];
    const model = anthropicModel({
      apiKey: "sk-test",
      model: "claude-test",
      maxTokens: 1000,
      fetch,
    });

    const run = await runAgent({
      model,
      tools: TOOLS,
      call: fakeTools(calls),
      question: "Which flows?",
    });

    expect(run).toMatchObject({
      answer: "You have one flow: nightly-etl.",
      turns: 2,
      usage: { input: 320, output: 42 },
    });
    expect(calls).toEqual([{ tool: "get_flows", args: { limit: 5 } }]);
    const [first, second] = sent;
    expect(first?.url).toBe("https://api.anthropic.com/v1/messages");
    expect(first?.headers).toMatchObject({
      "x-api-key": "sk-test",
      "anthropic-version": "2023-06-01",
    });
    expect(first?.body).toEqual({
      model: "claude-test",
      max_tokens: 1000,
      system: SYSTEM_PROMPT,
      tools: [
        {
          name: "get_flows",
          description: "List flows.",
          input_schema: { type: "object", properties: { limit: { type: "integer" } } },
        },
      ],
      messages: [{ role: "user", content: "Which flows?" }],
    });
    // The assistant turn goes back exactly as received (thinking block and signature included).
    expect(second?.body.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "look at the flows", signature: "sig" },
          { type: "tool_use", id: "toolu_1", name: "get_flows", input: { limit: 5 } },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_1",
            content: 'flows: nightly-etl ({"limit":5})',
          },
        ],
      },
    ]);
  });

  it("retries an overloaded answer and names the status of a refusal without the key", async () => {
    const { fetch } = stubFetch([
      new Response("overloaded", { status: 529, headers: { "retry-after": "0.01" } }),
      new Response('{"error":{"message":"invalid x-api-key"}}', { status: 401 }),
    ]);
    const model = anthropicModel({ apiKey: "sk-secret", model: "m", maxTokens: 10, fetch });

    const refused = model.complete("system", [{ role: "user", text: "hi" }], []);

    await expect(refused).rejects.toThrow(/HTTP 401: .*invalid x-api-key/);
    await expect(refused).rejects.not.toThrow(/sk-secret/);
  });
});

describe("OpenAI Chat Completions API", () => {
  it("sends function tools and one tool message per result, and parses JSON-string arguments", async () => {
    const assistant = {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "call_1",
          type: "function",
          function: { name: "get_flows", arguments: '{"limit":2}' },
        },
      ],
    };
    const { fetch, sent } = stubFetch([
      {
        choices: [{ message: assistant, finish_reason: "tool_calls" }],
        usage: { prompt_tokens: 90, completion_tokens: 20 },
      },
      {
        choices: [{ message: { role: "assistant", content: "One flow." }, finish_reason: "stop" }],
        usage: { prompt_tokens: 150, completion_tokens: 5 },
      },
    ]);
    const calls: ToolCall[] = [];
    const model = openaiModel({ apiKey: "sk-test", model: "gpt-test", maxTokens: 500, fetch });

    const run = await runAgent({
      model,
      tools: TOOLS,
      call: fakeTools(calls),
      question: "Which flows?",
    });

    expect(run).toMatchObject({ answer: "One flow.", usage: { input: 240, output: 25 } });
    expect(calls).toEqual([{ tool: "get_flows", args: { limit: 2 } }]);
    const [first, second] = sent;
    expect(first?.url).toBe("https://api.openai.com/v1/chat/completions");
    expect(first?.headers).toMatchObject({ authorization: "Bearer sk-test" });
    expect(first?.body).toMatchObject({
      model: "gpt-test",
      max_completion_tokens: 500,
      tools: [
        {
          type: "function",
          function: {
            name: "get_flows",
            description: "List flows.",
            parameters: { type: "object", properties: { limit: { type: "integer" } } },
          },
        },
      ],
      messages: [
        { role: "system", content: SYSTEM_PROMPT },
        { role: "user", content: "Which flows?" },
      ],
    });
    expect(second?.body.messages.slice(2)).toEqual([
      assistant,
      { role: "tool", tool_call_id: "call_1", content: 'flows: nightly-etl ({"limit":2})' },
    ]);
  });
});

describe("the agent loop", () => {
  it("stops after the turn limit, and cuts long tool output before the model reads it", async () => {
    const askAgain = {
      content: [{ type: "tool_use", id: "t", name: "get_flows", input: {} }],
      usage: { input_tokens: 1, output_tokens: 1 },
    };
    const { fetch, sent } = stubFetch([askAgain, askAgain, askAgain]);
    const model = anthropicModel({ apiKey: "k", model: "m", maxTokens: 10, fetch });
    const long = async (call: ToolCall): Promise<ToolOutput> => ({
      ...call,
      text: "x".repeat(50),
      data: {},
      isError: false,
    });

    const run = await runAgent({
      model,
      tools: TOOLS,
      call: long,
      question: "q",
      maxTurns: 3,
      maxToolChars: 10,
    });

    expect(run).toMatchObject({ turns: 3, stopped: "no answer within 3 turns" });
    expect(run.results).toHaveLength(3);
    expect(sent[1]?.body.messages[2].content[0].content).toBe("xxxxxxxxxx\n[cut at 10 characters]");
  });

  it("turns a tool call the MCP client refuses into an error result the model sees", async () => {
    const { fetch, sent } = stubFetch([
      { content: [{ type: "tool_use", id: "t", name: "no_such_tool", input: {} }] },
      { content: [{ type: "text", text: "Sorry." }] },
    ]);
    const model = anthropicModel({ apiKey: "k", model: "m", maxTokens: 10, fetch });
    const refuse = async (): Promise<ToolOutput> => {
      throw new Error("MCP error -32602: Tool no_such_tool not found");
    };

    const run = await runAgent({ model, tools: TOOLS, call: refuse, question: "q" });

    expect(run.results[0]).toMatchObject({ tool: "no_such_tool", isError: true });
    expect(sent[1]?.body.messages[2].content[0]).toMatchObject({
      is_error: true,
      content: "MCP error -32602: Tool no_such_tool not found",
    });
  });
});

describe("settings", () => {
  it("prefers Anthropic, defaults to a Claude Sonnet model and takes EVALS_MODEL", () => {
    expect(llmSettings({ ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o" }).model).toMatchObject({
      provider: "anthropic",
      model: DEFAULT_ANTHROPIC_MODEL,
    });
    expect(llmSettings({ OPENAI_API_KEY: "o", EVALS_MODEL: "gpt-x" }).model).toMatchObject({
      provider: "openai",
      model: "gpt-x",
    });
    expect(
      llmSettings({ ANTHROPIC_API_KEY: "", EVALS_SCENARIOS: "list-flows, cancel-late-runs" }),
    ).toEqual({ model: undefined, scenarios: ["list-flows", "cancel-late-runs"] });
  });

  it("says how to run the LLM evals and exits 0 when no API key is set", async () => {
    const lines: string[] = [];

    const code = await runLlmEvals({ PATH: "/usr/bin" }, (line) => lines.push(line));

    expect(code).toBe(0);
    expect(lines).toEqual([NO_KEY_MESSAGE]);
  });
});

describe("the LLM runner end to end", () => {
  let reportsDir: string;
  beforeEach(async () => {
    reportsDir = await mkdtemp(path.join(tmpdir(), "prefect-mcp-evals-reports-"));
  });
  afterEach(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  it("seeds a scenario, lets the model use the built bin's tools, scores its answer and writes a report", async () => {
    // A scripted model: it lists the flows, then answers with what the tool said.
    const model = async (_url: string | URL | Request, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body));
      const last = body.messages.at(-1);
      const content =
        last.role === "user" && typeof last.content === "string"
          ? [{ type: "tool_use", id: "t1", name: "get_flows", input: { limit: 200 } }]
          : [{ type: "text", text: `The flows are:\n${last.content[0].content}` }];
      return new Response(
        JSON.stringify({ content, usage: { input_tokens: 7, output_tokens: 3 } }),
      );
    };
    const lines: string[] = [];

    const code = await runLlmEvals(
      { ANTHROPIC_API_KEY: "test", EVALS_SCENARIOS: "list-flows" },
      (line) => lines.push(line),
      { fetch: model as Fetch, reportsDir, apiUrl: inject("prefectApiUrl") },
    );

    expect(code).toBe(0);
    expect(lines).toContain("pass list-flows");
    const [json] = (await readdir(reportsDir)).filter((file) => file.endsWith(".json"));
    const report = JSON.parse(await readFile(path.join(reportsDir, String(json)), "utf8"));
    expect(report).toMatchObject({
      provider: "anthropic",
      passed: 1,
      total: 1,
      scenarios: [
        {
          scenario: "list-flows",
          passed: true,
          toolCalls: [{ tool: "get_flows", isError: false }],
          inputTokens: 14,
          outputTokens: 6,
        },
      ],
    });
    expect(await readdir(reportsDir)).toHaveLength(2);
  });
});
