import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSeedClient, startPrefectServer } from "@prefect-mcp/testing";
import { scenarios } from "../../scenarios/index.js";
import { builtBin, connectPrefectMcp } from "../mcp-session.js";
import { scoreAnswer } from "../run-scenario.js";
import type { EvalContext } from "../scenario.js";
import { runAgent } from "./agent.js";
import type { Fetch } from "./chat.js";
import { type LlmReport, type LlmScenarioResult, llmScoreboard, writeReport } from "./report.js";
import { llmSettings, NO_KEY_MESSAGE } from "./settings.js";

const REPORTS_DIR = fileURLToPath(new URL("../../reports/", import.meta.url));

/**
 * `pnpm evals:llm`: a real Prefect with each scenario's seed, a model answering its question
 * through the built bin's tools, and the scenario's own checks on that answer. Returns the exit
 * code: 0 also when no API key is set (it says so), 1 when the runner itself cannot run.
 */
export async function runLlmEvals(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  options: {
    fetch?: Fetch;
    reportsDir?: string;
    /** A running Prefect to seed instead of starting one (tests share theirs). */
    apiUrl?: string;
  } = {},
): Promise<number> {
  const settings = llmSettings(env, options.fetch);
  const { model } = settings;
  if (!model) {
    out(NO_KEY_MESSAGE);
    return 0;
  }
  if (!existsSync(builtBin())) {
    out(`${builtBin()} is missing: build it first with \`pnpm build\`.`);
    return 1;
  }
  const chosen = scenarios.filter(
    (scenario) => !settings.scenarios || settings.scenarios.includes(scenario.name),
  );
  out(`LLM evals with ${model.provider} ${model.model}: ${chosen.length} scenarios`);

  const startedAt = new Date().toISOString();
  const prefect = options.apiUrl
    ? { apiUrl: options.apiUrl, stop: async () => {} }
    : await startPrefectServer();
  const { apiUrl } = prefect;
  const ctx: EvalContext = { apiUrl, seed: createSeedClient({ apiUrl }) };
  const session = await connectPrefectMcp(apiUrl);
  const results: LlmScenarioResult[] = [];
  try {
    const tools = (await session.tools()).map((tool) => ({
      name: tool.name,
      description: tool.description ?? "",
      inputSchema: tool.inputSchema as Record<string, unknown>,
    }));
    for (const scenario of chosen) {
      const result: LlmScenarioResult = {
        scenario: scenario.name,
        question: "",
        passed: false,
        checks: [],
        answer: "",
        toolCalls: [],
        turns: 0,
        inputTokens: 0,
        outputTokens: 0,
      };
      try {
        const facts = await scenario.seed(ctx);
        result.question = scenario.question(facts);
        const run = await runAgent({ model, tools, call: session.call, question: result.question });
        Object.assign(result, {
          answer: run.answer,
          turns: run.turns,
          inputTokens: run.usage.input,
          outputTokens: run.usage.output,
          stopped: run.stopped,
          toolCalls: run.results.map((call) => ({
            tool: call.tool,
            args: call.args,
            isError: call.isError,
            chars: call.text.length,
          })),
        });
        result.checks = await scoreAnswer(scenario, run.answer, run.results, facts, ctx);
        result.passed = result.checks.every((check) => check.passed);
      } catch (error) {
        result.error = error instanceof Error ? error.message : String(error);
      }
      results.push(result);
      out(
        `${result.passed ? "pass" : "FAIL"} ${scenario.name}${result.error ? `: ${result.error}` : ""}`,
      );
    }
  } finally {
    await session.close();
    await prefect.stop();
  }

  const report: LlmReport = {
    provider: model.provider,
    model: model.model,
    startedAt,
    finishedAt: new Date().toISOString(),
    passed: results.filter((result) => result.passed).length,
    total: results.length,
    scenarios: results,
  };
  const files = await writeReport(options.reportsDir ?? REPORTS_DIR, report);
  out(llmScoreboard(report));
  out(`Reports: ${files.join(", ")}`);
  return 0;
}
