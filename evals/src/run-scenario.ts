import type { McpSession } from "./mcp-session.js";
import type { AnyScenario, EvalContext, ToolOutput } from "./scenario.js";

export interface CheckResult {
  name: string;
  passed: boolean;
  /** Why it failed, when the check said (a thrown error's message). */
  detail?: string;
}

/** What one scenario came to: the answer, the tool calls behind it, and each check's verdict. */
export interface ScenarioRun {
  scenario: string;
  question: string;
  answer: string;
  results: ToolOutput[];
  checks: CheckResult[];
  passed: boolean;
  /** Set when the scenario broke before it had an answer (seeding, a plan step). */
  error?: string;
}

/** Seeds the scenario, runs its plan through the MCP session, composes its answer and checks it. */
export async function runScenario(
  scenario: AnyScenario,
  session: McpSession,
  ctx: EvalContext,
): Promise<ScenarioRun> {
  const run: ScenarioRun = {
    scenario: scenario.name,
    question: "",
    answer: "",
    results: [],
    checks: [],
    passed: false,
  };
  let facts: unknown;
  try {
    facts = await scenario.seed(ctx);
    run.question = scenario.question(facts);
    for (const step of scenario.plan(facts)) {
      run.results.push(await session.call(typeof step === "function" ? step(run.results) : step));
    }
    run.answer = scenario.answer(run.results, facts);
  } catch (error) {
    // E.g. a step that cannot read what an earlier call returned: the calls so far say why.
    run.error = error instanceof Error ? error.message : String(error);
    return run;
  }
  run.checks = await scoreAnswer(scenario, run.answer, run.results, facts, ctx);
  run.passed = run.checks.every((check) => check.passed);
  return run;
}

/** Applies a scenario's checks to an answer, whoever wrote it (the plan's template or a model). */
export async function scoreAnswer(
  scenario: AnyScenario,
  answer: string,
  results: readonly ToolOutput[],
  facts: unknown,
  ctx: EvalContext,
): Promise<CheckResult[]> {
  const verdicts: CheckResult[] = [];
  for (const check of scenario.checks) {
    try {
      verdicts.push({ name: check.name, passed: await check.pass(answer, results, facts, ctx) });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      verdicts.push({ name: check.name, passed: false, detail });
    }
  }
  return verdicts;
}

/** The characters of tool output the assistant had to read. */
export function outputChars(results: readonly ToolOutput[]): number {
  return results.reduce((sum, result) => sum + result.text.length, 0);
}

/** Everything needed to see why a scenario failed: checks, answer, and every tool call's output. */
export function describeRun(run: ScenarioRun): string {
  const lines = [`${run.scenario}: ${run.question}`];
  if (run.error) lines.push(`broke before answering: ${run.error}`);
  for (const check of run.checks) {
    lines.push(
      `${check.passed ? "✓" : "✗"} ${check.name}${check.detail ? `: ${check.detail}` : ""}`,
    );
  }
  lines.push("--- answer ---", run.answer || "(none)");
  run.results.forEach((result, index) => {
    lines.push(
      `--- ${index + 1}. ${result.tool}(${JSON.stringify(result.args)})${result.isError ? " → error" : ""} ---`,
      result.text,
    );
  });
  return lines.join("\n");
}
