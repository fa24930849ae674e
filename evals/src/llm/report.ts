import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CheckResult } from "../run-scenario.js";
import { formatTable } from "../scoreboard.js";

export interface LlmScenarioResult {
  scenario: string;
  question: string;
  passed: boolean;
  checks: CheckResult[];
  answer: string;
  toolCalls: { tool: string; args: Record<string, unknown>; isError: boolean; chars: number }[];
  turns: number;
  inputTokens: number;
  outputTokens: number;
  /** The loop ended without an answer (turn limit). */
  stopped?: string;
  /** Seeding or the provider failed; the scenario counts as failed. */
  error?: string;
}

export interface LlmReport {
  provider: string;
  model: string;
  startedAt: string;
  finishedAt: string;
  passed: number;
  total: number;
  scenarios: LlmScenarioResult[];
}

/** scenario | pass | tool calls | input tokens | output tokens, with a total row. */
export function llmScoreboard(report: LlmReport): string {
  const rows: (string | number)[][] = report.scenarios.map((result) => [
    result.scenario,
    result.passed ? "pass" : "FAIL",
    result.toolCalls.length,
    result.inputTokens,
    result.outputTokens,
  ]);
  const sum = (pick: (result: LlmScenarioResult) => number) =>
    report.scenarios.reduce((total, result) => total + pick(result), 0);
  rows.push([
    "total",
    `${report.passed}/${report.total}`,
    sum((result) => result.toolCalls.length),
    sum((result) => result.inputTokens),
    sum((result) => result.outputTokens),
  ]);
  return formatTable(["scenario", "pass", "tool calls", "input tokens", "output tokens"], rows);
}

function markdown(report: LlmReport): string {
  const rate = report.total ? Math.round((100 * report.passed) / report.total) : 0;
  const lines = [
    `# LLM evals: ${report.provider} ${report.model}`,
    "",
    `${report.passed}/${report.total} scenarios passed (${rate} %), ${report.startedAt} to ${report.finishedAt}.`,
    "",
    llmScoreboard(report),
  ];
  for (const result of report.scenarios.filter((item) => !item.passed)) {
    lines.push("", `## ${result.scenario}`, "", `> ${result.question}`, "");
    if (result.error) lines.push(`Error: ${result.error}`, "");
    if (result.stopped) lines.push(`Stopped: ${result.stopped}`, "");
    for (const check of result.checks) {
      lines.push(
        `- ${check.passed ? "✓" : "✗"} ${check.name}${check.detail ? `: ${check.detail}` : ""}`,
      );
    }
    lines.push(
      "",
      "Tool calls:",
      ...result.toolCalls.map((call) => `- ${call.tool} ${JSON.stringify(call.args)}`),
    );
    lines.push("", "Answer:", "", "````", result.answer, "````");
  }
  return `${lines.join("\n")}\n`;
}

/** Writes `llm-<timestamp>.json` and `.md` into `dir`; returns their paths. */
export async function writeReport(dir: string, report: LlmReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const stamp = report.startedAt.replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
  const base = path.join(dir, `llm-${stamp}`);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.md`, markdown(report));
  return [`${base}.json`, `${base}.md`];
}
