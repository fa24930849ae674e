import { z } from "zod";
import { anthropicModel } from "./anthropic.js";
import type { ChatModel, Fetch } from "./chat.js";
import { openaiModel } from "./openai.js";

export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-5-5";
export const DEFAULT_OPENAI_MODEL = "gpt-5";
/** Output tokens per model request: room for thinking and a full answer. */
const MAX_TOKENS = 8_192;

export const NO_KEY_MESSAGE =
  "set ANTHROPIC_API_KEY or OPENAI_API_KEY to run the LLM evals; the deterministic evals run in pnpm test";

// An exported-but-empty variable counts as unset.
const optional = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());

const envSchema = z.object({
  ANTHROPIC_API_KEY: optional,
  OPENAI_API_KEY: optional,
  EVALS_MODEL: optional,
  /** Comma-separated scenario names to run (default: all). */
  EVALS_SCENARIOS: optional,
  ANTHROPIC_BASE_URL: optional,
  OPENAI_BASE_URL: optional,
});

export interface LlmSettings {
  /** Undefined when no API key is set. */
  model: ChatModel | undefined;
  scenarios: string[] | undefined;
}

/** Reads the runner's settings from the environment once: Anthropic first, then OpenAI. */
export function llmSettings(
  env: Record<string, string | undefined>,
  fetchImpl: Fetch = fetch,
): LlmSettings {
  const settings = envSchema.parse(env);
  const scenarios = settings.EVALS_SCENARIOS?.split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  let model: ChatModel | undefined;
  if (settings.ANTHROPIC_API_KEY) {
    model = anthropicModel({
      apiKey: settings.ANTHROPIC_API_KEY,
      model: settings.EVALS_MODEL ?? DEFAULT_ANTHROPIC_MODEL,
      maxTokens: MAX_TOKENS,
      baseUrl: settings.ANTHROPIC_BASE_URL,
      fetch: fetchImpl,
    });
  } else if (settings.OPENAI_API_KEY) {
    model = openaiModel({
      apiKey: settings.OPENAI_API_KEY,
      model: settings.EVALS_MODEL ?? DEFAULT_OPENAI_MODEL,
      maxTokens: MAX_TOKENS,
      baseUrl: settings.OPENAI_BASE_URL,
      fetch: fetchImpl,
    });
  }
  return { model, scenarios: scenarios?.length ? scenarios : undefined };
}
