import { z } from "zod";

// The shape every diagnose_* tool answers with: what was examined, the verdict, the causes found
// (most likely first) with their evidence, the causes checked and ruled out, and what to do next.

// Type aliases, not interfaces: they must be assignable to the output schema's loose objects.

/** What backs a cause: ids of the objects involved, the values that decided, and when. */
export type Evidence = {
  ids?: Record<string, string | string[]>;
  values?: Record<string, unknown>;
  timestamps?: Record<string, string>;
};

export type Cause = {
  /** Stable, snake_case: evals and tests match on it (e.g. `work_pool_paused`). */
  code: string;
  /** One sentence naming the concrete object and the fact, e.g. `Work pool "etl" is paused.` */
  summary: string;
  evidence: Evidence;
};

export type Diagnosis = {
  subject: { kind: "flow_run" | "deployment" | "automation"; id: string; name?: string } & Record<
    string,
    unknown
  >;
  /** One line: the answer to "why?". */
  verdict: string;
  /** Ranked by likelihood; empty when nothing is wrong. */
  causes: Cause[];
  /** Codes of the causes checked and found absent. */
  ruled_out: string[];
  /** Exact `prefect` CLI commands (with full ids, `--no-prompt` where it asks) or tool calls. */
  next_steps: string[];
};

// Lean on purpose: every tools/list carries it (the fields are documented above and in each
// tool's description). Evidence is free-form per cause.
export const diagnosisOutputSchema = z.object({
  subject: z.object({}).loose(),
  verdict: z.string(),
  causes: z.array(z.object({ code: z.string(), summary: z.string() }).loose()),
  ruled_out: z.array(z.string()),
  next_steps: z.array(z.string()),
});

/**
 * The text a model reads: a few hundred characters. Evidence stays in the structured result,
 * where ids and timestamps are exact.
 */
export function renderDiagnosis(diagnosis: Diagnosis): string {
  const lines = [diagnosis.verdict];
  diagnosis.causes.forEach((cause, index) => {
    lines.push(`${index + 1}. [${cause.code}] ${cause.summary}`);
  });
  if (diagnosis.ruled_out.length) lines.push(`Ruled out: ${diagnosis.ruled_out.join(", ")}.`);
  if (diagnosis.next_steps.length) {
    lines.push("Next:", ...diagnosis.next_steps.map((step) => `- ${step}`));
  }
  return lines.join("\n");
}

/** Collects checks' findings: each check either finds its cause or rules it out, never both. */
export class Findings {
  readonly causes: Cause[] = [];
  readonly ruledOut: string[] = [];
  readonly nextSteps: string[] = [];

  found(cause: Cause, ...nextSteps: string[]): void {
    this.causes.push(cause);
    for (const step of nextSteps) if (!this.nextSteps.includes(step)) this.nextSteps.push(step);
  }

  ruleOut(code: string): void {
    if (!this.ruledOut.includes(code)) this.ruledOut.push(code);
  }

  /** A check that finds its cause when `cause` is given and rules it out otherwise. */
  check(code: string, cause: Omit<Cause, "code"> | undefined, ...nextSteps: string[]): void {
    if (cause) this.found({ code, ...cause }, ...nextSteps);
    else this.ruleOut(code);
  }
}
