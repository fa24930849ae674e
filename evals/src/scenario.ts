import type { SeedClient } from "@prefect-mcp/testing";

/** What a scenario gets to seed and prove with: the real Prefect server and a client that may write. */
export interface EvalContext {
  apiUrl: string;
  seed: SeedClient;
}

export interface ToolCall {
  tool: string;
  args: Record<string, unknown>;
}

/** A tool's answer as the assistant saw it: its text, and its structured content for templates. */
export interface ToolOutput extends ToolCall {
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: templates read the fields of any tool's result.
  data: Record<string, any> | undefined;
  isError: boolean;
}

/** A tool call, or one decided from the answers of the calls before it. */
export type PlanStep = ToolCall | ((previous: readonly ToolOutput[]) => ToolCall);

export interface Check<Facts> {
  /** What it asserts, e.g. "names work_pool_paused and the pool". */
  name: string;
  /** True when the answer passes; a check may throw to say why it failed (e.g. a CLI's stderr). */
  pass: (
    answer: string,
    results: readonly ToolOutput[],
    facts: Facts,
    ctx: EvalContext,
  ) => boolean | Promise<boolean>;
}

/**
 * One support case: a real Prefect state, the question a user asks about it, what a competent
 * assistant does and answers, and deterministic checks of that answer. The LLM runner reuses
 * `seed`, `question` and `checks` and lets a model do the rest.
 */
export interface Scenario<Facts> {
  /** kebab-case, the module's file name. */
  name: string;
  question: (facts: Facts) => string;
  /** Arranges the state in Prefect; returns the ids and names the checks need. */
  seed: (ctx: EvalContext) => Promise<Facts>;
  /** The tool calls a competent assistant makes, in order. */
  plan: (facts: Facts) => PlanStep[];
  /** The answer such an assistant writes from the tool results (facts only for what the user said). */
  answer: (results: readonly ToolOutput[], facts: Facts) => string;
  checks: Check<Facts>[];
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds scenarios with different facts.
export type AnyScenario = Scenario<any>;

/** Keeps a scenario's facts type inferred from its `seed`. */
export function defineScenario<Facts>(scenario: Scenario<Facts>): Scenario<Facts> {
  return scenario;
}
