type Item = Record<string, unknown>;

const MAX_ITEMS = 4;
const MAX_LINE = 120;
/** A cause line carries ids and the exception; it is worth two ordinary lines. */
const DIAGNOSIS_LINE = 240;

/** The items of a list answer (`flow_runs`, `logs`, `work_pools`, …): its first array of objects. */
export function firstItems(data: Item | undefined): Item[] {
  if (!data) return [];
  for (const value of Object.values(data)) {
    if (Array.isArray(value) && value.every(isItem)) return value;
  }
  return [];
}

/** A string field of an item, if it has one. */
export function field(item: Item | undefined, key: string): string | undefined {
  const value = item?.[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * A few lines a person reads at a glance, taken from a tool's structured result: one line per
 * item of each list (run, log, pool, deployment) with its state and the fields that explain it.
 * Without structured content (an error), the first lines of the text. Tolerant of shapes it does
 * not know: the tools are young and their outputs may grow.
 */
export function compactAnswer(tool: string, data: Item | undefined, text: string): string[] {
  if (!data) return firstLines(text);
  // A diagnosis is already written to be read: its verdict and causes are the answer.
  if (tool.startsWith("diagnose_")) return diagnosisLines(text);
  const lines = tool === "get_dashboard" ? dashboardLines(data) : listLines(data);
  return lines.length ? lines : firstLines(text);
}

function listLines(data: Item): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!Array.isArray(value) || !value.every(isItem)) continue;
    if (value.length === 0) lines.push(`(no ${key.replaceAll("_", " ")})`);
    // A traceback is often logged twice (by the task and by the flow); one copy says it.
    const described = [...new Set(value.map((item) => describeItem(item).map(clip).join("\n")))];
    lines.push(...described.slice(0, MAX_ITEMS).flatMap((entry) => entry.split("\n")));
    const more = described.length - MAX_ITEMS;
    if (more > 0) lines.push(`… and ${more} more`);
  }
  return lines;
}

/** The dashboard's headline numbers: runs by state, late and failed runs, pools, full limits. */
function dashboardLines(data: Item): string[] {
  const lines: string[] = [];
  const byState = child(child(data, "flow_runs"), "by_state_name");
  if (byState) {
    const counts = Object.entries(byState).map(([state, count]) => `${state} ${count}`);
    lines.push(`runs by state: ${counts.join(" · ")}`);
  }
  const problems = child(data, "problem_runs");
  for (const [kind, group] of Object.entries(problems ?? {})) {
    const runs = isItem(group) && Array.isArray(group.runs) ? group.runs.filter(isItem) : [];
    if (!runs.length) continue;
    const pools = [...new Set(runs.map((run) => field(run, "work_pool")).filter(Boolean))];
    const where = pools.length ? ` (pool ${pools.join(", ")})` : "";
    lines.push(`${kind}: ${runs.map((run) => field(run, "name")).join(", ")}${where}`);
  }
  const pools = child(data, "work_pools")?.pools;
  if (Array.isArray(pools) && pools.length) {
    const shown = pools
      .filter(isItem)
      .map((pool) => `${field(pool, "name")} ${field(pool, "status")}`);
    lines.push(`work pools: ${shown.join(" · ")}`);
  }
  for (const [kind, limits] of Object.entries(child(data, "concurrency_limits") ?? {})) {
    if (!Array.isArray(limits)) continue;
    for (const limit of limits.filter(isItem)) {
      lines.push(
        `${kind.replaceAll("_", " ")} concurrency limit ${field(limit, "name")}: ${String(limit.active_slots)}/${String(limit.limit)} slots in use`,
      );
    }
  }
  return lines.slice(0, 6).map(clip);
}

/** The verdict, the causes and the first next steps of a diagnosis, without the ruled-out list. */
function diagnosisLines(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("Ruled out:"))
    .slice(0, 8)
    .map((line) => clip(line, DIAGNOSIS_LINE));
}

/** One line for the item; a second, indented, for its state message. */
function describeItem(item: Item): string[] {
  if (typeof item.message === "string" && "level" in item) {
    return [`${String(item.level)} ${headline(item.message)}`];
  }
  const label =
    [field(item, "flow_name"), field(item, "name")].filter(Boolean).join(" / ") ||
    field(item, "id") ||
    "(unnamed)";
  const facts: string[] = [];
  const state =
    field(item, "state_name") ??
    field(child(item, "state"), "name") ??
    field(item, "state") ??
    field(item, "state_type");
  if (state) facts.push(state);
  const status = field(item, "status");
  if (status) facts.push(status);
  if ((item.is_paused === true || item.paused === true) && status !== "PAUSED") {
    facts.push("paused");
  }
  if (typeof item.online_workers === "number") facts.push(`${item.online_workers} online workers`);
  const concurrency = child(item, "concurrency");
  if (concurrency && typeof concurrency.limit === "number") {
    const used = typeof concurrency.active_slots === "number" ? concurrency.active_slots : "?";
    facts.push(`concurrency ${used}/${concurrency.limit} slots in use`);
  } else if (typeof item.concurrency_limit === "number") {
    facts.push(`concurrency limit ${item.concurrency_limit}`);
  }
  if (typeof item.lateness_seconds === "number" && state === "Late") {
    facts.push(`${Math.round(item.lateness_seconds / 60)} min late`);
  }
  const pool = field(item, "work_pool_name");
  if (pool) facts.push(`pool ${pool}`);
  const line = facts.length ? `${label}: ${facts.join(" · ")}` : label;
  const message = field(item, "state_message") ?? field(child(item, "state"), "message");
  return message ? [line, `  "${headline(message)}"`] : [line];
}

/** The line of a message that says the most: the exception line of a traceback, else the first. */
function headline(message: string): string {
  const lines = message.split("\n").map((line) => line.trim());
  const exception = lines.findLast((line) => /^[\w.]+(Error|Exception): /.test(line));
  return exception ?? lines.find(Boolean) ?? "";
}

function firstLines(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.trim())
    .slice(0, 3)
    .map(clip);
}

function clip(line: string, max = MAX_LINE): string {
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function child(item: Item | undefined, key: string): Item | undefined {
  const value = item?.[key];
  return isItem(value) ? value : undefined;
}

function isItem(value: unknown): value is Item {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
