import { h } from "./dom.js";
import { evidenceEntries, isRecord } from "./evidence.js";

/** The answer of a diagnose_* tool, as far as the views read it; every field may be missing. */
export interface DiagnosisLike {
  verdict?: unknown;
  causes?: unknown;
  ruled_out?: unknown;
  next_steps?: unknown;
}

/** Verdict, ranked causes with their evidence, the causes ruled out and the next steps. */
export function diagnosisContent(diagnosis: DiagnosisLike): HTMLElement[] {
  const causes = Array.isArray(diagnosis.causes) ? diagnosis.causes.filter(isRecord) : [];
  const ruledOut = strings(diagnosis.ruled_out);
  const nextSteps = strings(diagnosis.next_steps);
  const parts: HTMLElement[] = [
    h(
      "p",
      { class: "verdict", "data-testid": "verdict" },
      typeof diagnosis.verdict === "string" ? diagnosis.verdict : "No verdict was given.",
    ),
  ];
  parts.push(
    h("h3", {}, "Causes"),
    causes.length
      ? h("ol", { class: "causes" }, ...causes.map(causeItem))
      : h("p", { class: "muted" }, "No cause found: nothing looks wrong."),
  );
  if (nextSteps.length) {
    parts.push(
      h("h3", {}, "Next steps"),
      h(
        "ol",
        { class: "next-steps" },
        ...nextSteps.map((step) => h("li", {}, h("code", {}, step))),
      ),
    );
  }
  if (ruledOut.length) {
    parts.push(
      h("h3", {}, "Ruled out"),
      h("ul", { class: "ruled-out" }, ...ruledOut.map((code) => h("li", {}, h("code", {}, code)))),
    );
  }
  return parts;
}

function causeItem(cause: Record<string, unknown>): HTMLElement {
  const code = typeof cause.code === "string" ? cause.code : "unknown";
  const entries = evidenceEntries(cause.evidence);
  return h(
    "li",
    { class: "cause", "data-testid": "cause", "data-code": code },
    h("p", { class: "cause-summary" }, typeof cause.summary === "string" ? cause.summary : code),
    h("p", { class: "cause-code muted" }, h("code", {}, code)),
    entries.length
      ? h(
          "dl",
          { class: "evidence", "aria-label": `Evidence for ${code}` },
          ...entries.flatMap((entry) => [
            h("dt", { "data-group": entry.group }, entry.label),
            h("dd", {}, h("code", {}, entry.text)),
          ]),
        )
      : null,
  );
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}
