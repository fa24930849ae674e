import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Schema } from "@prefect-mcp/client";
import { envWithoutPrefectSettings } from "./child-env.js";
import { ensurePrefectEnv } from "./python-env.js";
import { testingPackageDir } from "./repo-root.js";
import { runProcess } from "./run-process.js";
import { uniqueName } from "./seed/names.js";

/**
 * The Python flows in `fixtures/flows/`:
 * - `failing-task`: flow `bill-customers-<suffix>`; its task raises
 *   `ValueError("invoice 42 has no customer")`.
 * - `retrying-task`: flow `sync-exchange-rates-<suffix>`; its task (retries=2, no delay) raises
 *   `ConnectionError("rates.example.com refused the connection")` three times.
 * - `upstream-failure`: flow `nightly-report-<suffix>`; task `load_orders` raises
 *   `KeyError("orders.csv")`, so `total` (fed by it) and `publish` (fed by `total`) end NotReady.
 * - `timing-out`: flow `refresh-search-<suffix>` (timeout_seconds=1) ends TimedOut while its task
 *   `rebuild_search_index` sleeps; that task ends Crashed.
 */
export type FixtureFlowName = "failing-task" | "retrying-task" | "upstream-failure" | "timing-out";

export interface RunFixtureFlowOptions {
  apiUrl: string;
  authString?: string;
  /** Makes the flow name unique; default: random. */
  suffix?: string;
  /** Default 120 000: Prefect's import alone takes seconds. */
  timeoutMs?: number;
}

export interface FixtureFlowRun {
  flowRunId: string;
  flowName: string;
  stateType: Schema<"StateType">;
  stateName: string;
}

/**
 * Runs a fixture flow for real against a Prefect server with the pinned Prefect, and resolves once
 * it has finished (its logs are flushed by then). A failing flow is a result, not an error; this
 * throws only if the script itself breaks.
 */
export async function runFixtureFlow(
  name: FixtureFlowName,
  options: RunFixtureFlowOptions,
): Promise<FixtureFlowRun> {
  const { python } = await ensurePrefectEnv();
  const script = path.join(testingPackageDir(), "fixtures", "flows", `${name}.py`);
  const home = await mkdtemp(path.join(tmpdir(), "prefect-mcp-flow-"));
  try {
    const env: Record<string, string> = {
      ...envWithoutPrefectSettings(),
      PREFECT_API_URL: options.apiUrl,
      PREFECT_HOME: home,
      PREFECT_LOGGING_TO_API_ENABLED: "true",
      DO_NOT_TRACK: "1",
      PYTHONDONTWRITEBYTECODE: "1",
      ...(options.authString ? { PREFECT_API_AUTH_STRING: options.authString } : {}),
    };
    const suffix = options.suffix ?? uniqueName("run").slice("run-".length);
    const { code, stdout, stderr } = await runProcess(python, [script, suffix], {
      env,
      timeoutMs: options.timeoutMs ?? 120_000,
    });
    const report = stdout
      .trim()
      .split("\n")
      .reverse()
      .find((line) => line.startsWith("{"));
    if (code !== 0 || !report) {
      const tail = stderr.trimEnd().split("\n").slice(-30).join("\n");
      throw new Error(
        `fixture flow ${name} ${code === 0 ? "printed no result" : `exited with ${code}`}\n--- last lines of its stderr ---\n${tail}`,
      );
    }
    const parsed = JSON.parse(report) as Record<string, string>;
    return {
      flowRunId: String(parsed.flow_run_id),
      flowName: String(parsed.flow_name),
      stateType: parsed.state_type as Schema<"StateType">,
      stateName: String(parsed.state_name),
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
