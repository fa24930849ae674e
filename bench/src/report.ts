import type { BenchResults, QuestionSide, SizeResult } from "./bench-results.js";
import {
  GOALS,
  type GoalStatus,
  judgeHttp,
  ratio,
  requestsGrow,
  sizeVerdicts,
  totalOutput,
} from "./goals.js";
import { SERVER_KINDS } from "./mcp-servers.js";
import type { Summary } from "./stats.js";

/** e.g. 1234 → "1,234"; below 10, one decimal: 3.14 → "3.1". */
export function formatNumber(value: number): string {
  if (Math.abs(value) < 10) return value.toFixed(1);
  return Math.round(value).toLocaleString("en-US");
}

/** Median with its p10–p90 spread, e.g. "41 (38–52)". */
export function formatSummary(summary: Summary | undefined): string {
  if (!summary) return "—";
  return `${formatNumber(summary.median)} (${formatNumber(summary.p10)}–${formatNumber(summary.p90)})`;
}

/** Two decimals; "—" when there is no ratio. */
export function formatRatio(value: number | undefined): string {
  return value === undefined ? "—" : value.toFixed(2);
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function mark(status: GoalStatus): string {
  return status === "met" ? "**met**" : status === "not met" ? "**not met**" : "n/a";
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function runs(count: number): string {
  return `${count.toLocaleString("en-US")} flow runs`;
}

/** The whole report: machine, goals at a glance, then one section per size and HTTP. */
export function renderReport(results: BenchResults): string {
  const parts = [
    `# prefect-mcp vs PrefectHQ's prefect-mcp (${results.date})`,
    "",
    machineLine(results),
    "",
    "Produced by `pnpm bench` (see [bench/README.md](../README.md) for what is measured and how).",
    "Latencies are medians with the p10–p90 spread in brackets, in milliseconds.",
    "",
    "## Goals",
    "",
    goalsTable(results),
    "",
    ...results.sizes.flatMap((size) => [sizeSection(size), ""]),
    requestGrowthSection(results.sizes),
    "",
    httpSection(results),
    "",
  ];
  return parts.join("\n");
}

function machineLine(results: BenchResults): string {
  const m = results.machine;
  return [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory}, ${m.os}; load average ${m.loadAverageAtStart} at start, ${m.loadAverageAtEnd} at the end.`,
    `Node ${m.node}, Python ${m.python}, Prefect ${m.prefect} (SQLite).`,
    `Ours: @prefect-mcp/stdio ${m.ours}. Upstream: ${m.upstream}.`,
  ].join(" ");
}

function goalsTable(results: BenchResults): string {
  const verdicts = results.sizes.map((size) => sizeVerdicts(size));
  const header = ["goal", ...results.sizes.map((size) => runs(size.flowRuns))];
  const rows = (verdicts[0] ?? []).map((first, index) => [
    first.goal.label,
    ...verdicts.map((perSize) => {
      const verdict = perSize[index];
      if (!verdict) return "—";
      const value =
        verdict.goal.id === "overhead"
          ? `${formatNumber(verdict.value ?? Number.NaN)} ms`
          : formatRatio(verdict.value);
      return `${value} ${mark(verdict.status)}`;
    }),
  ]);
  const httpCells = results.http.map(
    (run) =>
      `${run.concurrency} in flight: ${formatNumber(run.callsPerSecond)} calls/s, ${run.errors} errors ${mark(judgeHttp(run.callsPerSecond, run.errors))}`,
  );
  const httpRow = [
    GOALS.http.label,
    ...results.sizes.map((_, index) =>
      index === results.sizes.length - 1 && httpCells.length > 0 ? httpCells.join("; ") : "—",
    ),
  ];
  return table(header, [...rows, httpRow]);
}

function sizeSection(size: SizeResult): string {
  const [ourOutput, upstreamOutput] = totalOutput(size);
  const verdicts = sizeVerdicts(size);
  const status = (id: string) =>
    verdicts.find((verdict) => verdict.goal.id === id)?.status ?? "n/a";
  const server = table(
    ["", "ours", "upstream", "ours/upstream", "goal"],
    [
      [
        "cold start: spawn → first tools/list answer",
        formatSummary(size.coldStart.ours.summary),
        formatSummary(size.coldStart.upstream.summary),
        formatRatio(
          ratio(size.coldStart.ours.summary.median, size.coldStart.upstream.summary.median),
        ),
        `${GOALS.coldStart.label}: ${mark(status("cold-start"))}`,
      ],
      [
        "cold start with both docs proxies off",
        formatSummary(size.coldStartDocsOff.ours.summary),
        formatSummary(size.coldStartDocsOff.upstream.summary),
        formatRatio(
          ratio(
            size.coldStartDocsOff.ours.summary.median,
            size.coldStartDocsOff.upstream.summary.median,
          ),
        ),
        "(for comparison)",
      ],
      [
        `memory (VmRSS) after ${size.memory.ours.calls.toLocaleString("en-US")} calls (at start)`,
        `${formatMegabytes(size.memory.ours.afterBytes)} (${formatMegabytes(size.memory.ours.startBytes)})`,
        `${formatMegabytes(size.memory.upstream.afterBytes)} (${formatMegabytes(size.memory.upstream.startBytes)})`,
        formatRatio(ratio(size.memory.ours.afterBytes, size.memory.upstream.afterBytes)),
        `${GOALS.memory.label}: ${mark(status("memory"))}`,
      ],
      [
        "output of the five questions together (characters)",
        ourOutput === undefined ? "—" : formatNumber(ourOutput),
        upstreamOutput === undefined ? "—" : formatNumber(upstreamOutput),
        formatRatio(ratio(ourOutput, upstreamOutput)),
        `${GOALS.output.label}: ${mark(status("output"))}`,
      ],
      ["tools listed", String(size.tools.ours.length), String(size.tools.upstream.length), "", ""],
    ],
  );
  const latency = table(
    [
      "question",
      "ours: tool call",
      "upstream: tool call",
      "ours/upstream",
      "ours: Prefect time",
      "ours: overhead",
      "upstream: Prefect time",
      "upstream: overhead",
    ],
    size.questions.map((question) => {
      const { ours, upstream } = question.sides;
      return [
        `${question.label}${errorNote(ours, upstream)}`,
        formatSummary(ours.latency),
        formatSummary(upstream.latency),
        formatRatio(ratio(ours.latency?.median, upstream.latency?.median)),
        formatSummary(ours.raw),
        formatSummary(ours.overhead),
        formatSummary(upstream.raw),
        formatSummary(upstream.overhead),
      ];
    }),
  );
  const output = table(
    [
      "question",
      "ours: tool",
      "upstream: tool",
      "Prefect requests ours / upstream",
      "output chars ours / upstream",
      "ours/upstream",
    ],
    size.questions.map((question) => {
      const { ours, upstream } = question.sides;
      return [
        question.label,
        `\`${ours.tool}\``,
        `\`${upstream.tool}\``,
        `${formatCount(ours.requests)} / ${formatCount(upstream.requests)}`,
        `${formatOptional(ours.textChars)} / ${formatOptional(upstream.textChars)}`,
        formatRatio(ratio(ours.textChars, upstream.textChars)),
      ];
    }),
  );
  return [
    `## ${runs(size.flowRuns)} (${size.taskRuns.toLocaleString("en-US")} task runs, ${size.logs.toLocaleString("en-US")} logs)`,
    "",
    server,
    "",
    "Tool calls, ms. Prefect time: the call's own Prefect requests replayed straight to Prefect; overhead: the call minus the same requests replayed through the recording proxy.",
    "",
    latency,
    "",
    "Prefect requests per call (median) and output (text content, what a client puts in the model's context).",
    "",
    output,
  ].join("\n");
}

function errorNote(ours: QuestionSide, upstream: QuestionSide): string {
  const notes = SERVER_KINDS.flatMap((kind) => {
    const side = kind === "ours" ? ours : upstream;
    return side.errors > 0 ? [`${kind}: ${side.errors}/${side.samples.length} failed`] : [];
  });
  return notes.length > 0 ? ` (${notes.join("; ")})` : "";
}

function formatCount(summary: Summary | undefined): string {
  if (!summary) return "—";
  return summary.min === summary.max
    ? String(summary.median)
    : `${summary.median} (${summary.min}–${summary.max})`;
}

function formatOptional(value: number | undefined): string {
  return value === undefined ? "—" : formatNumber(value);
}

function requestGrowthSection(sizes: SizeResult[]): string {
  const questions = sizes[0]?.questions ?? [];
  const rows = questions.flatMap((question) =>
    SERVER_KINDS.map((kind) => [
      question.label,
      kind,
      ...sizes.map((size) =>
        formatCount(size.questions.find((q) => q.id === question.id)?.sides[kind].requests),
      ),
      requestsGrow(sizes, question.id, kind) ? "**yes: N+1?**" : "no",
    ]),
  );
  return [
    "## Prefect requests per call as the data grows (N+1 check)",
    "",
    table(
      ["question", "server", ...sizes.map((size) => runs(size.flowRuns)), "grows with the data"],
      rows,
    ),
    "",
    "The catalogue grows with the runs (flows, deployments, work pools and limits, see the README), so a count that rises means requests per object.",
  ].join("\n");
}

function httpSection(results: BenchResults): string {
  if (results.http.length === 0) return "## HTTP throughput (ours)\n\nNot measured in this run.";
  const largest = results.sizes[results.sizes.length - 1];
  return [
    `## HTTP throughput (ours, \`prefect-mcp-http\`, at ${largest ? runs(largest.flowRuns) : "the largest size"})`,
    "",
    table(
      [
        "calls in flight",
        "duration",
        "calls",
        "calls/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "Prefect alone, calls/s",
        "goal",
      ],
      results.http.map((run) => {
        const ceiling = results.prefectCeiling.find((c) => c.concurrency === run.concurrency);
        return [
          String(run.concurrency),
          `${(run.durationMs / 1000).toFixed(1)} s`,
          run.calls.toLocaleString("en-US"),
          formatNumber(run.callsPerSecond),
          formatNumber(run.p50Ms),
          formatNumber(run.p99Ms),
          String(run.errors),
          ceiling ? formatNumber(ceiling.callsPerSecond) : "—",
          `${GOALS.http.label}: ${mark(judgeHttp(run.callsPerSecond, run.errors))}`,
        ];
      }),
    ),
    "",
    "Prefect alone: the Prefect requests of the same tool call replayed with fetch from as many workers, for as long: the most any server in front of this Prefect could reach.",
  ].join("\n");
}
