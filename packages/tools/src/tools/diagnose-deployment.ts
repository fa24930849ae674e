import type { Schema } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import {
  type Cause,
  type Diagnosis,
  diagnosisOutputSchema,
  Findings,
  renderDiagnosis,
} from "../diagnosis/diagnosis.js";
import { checkWhyNotStarted, describeSeconds, dueRuns } from "../diagnosis/late-run-checks.js";
import { InputError } from "../errors.js";
import { MAX_PER_REQUEST } from "../list-page.js";
import { uuidParam } from "../params.js";
import { flowNames } from "../tool-support.js";

type Deployment = Schema<"DeploymentResponse">;
type FlowRun = Schema<"FlowRunResponse">;

/**
 * Failed and crashed runs at or above this share of the window's finished runs (completed,
 * failed, crashed; cancelled ones are a decision, not a failure) make `recent_failures`: one
 * failure among four runs is a pattern worth a look, one among ten is noise.
 */
const FAILURE_RATE_THRESHOLD = 0.25;
/** Prefect marks a due run Late after this long (PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS). */
const LATE_AFTER_SECONDS = 15;
const RUNS_SHOWN = 5;
const MESSAGE_CHARS = 160;

export const diagnoseDeployment = defineTool({
  name: "diagnose_deployment",
  title: "Diagnose a deployment",
  description: `Why a deployment's runs are late, stuck or failing: pause, schedules, work pool and queue (paused, no live worker, unpolled), concurrency limits (pool, queue, deployment, tag, global), failure rate over window_hours. Ranked causes, evidence, exact fixes. Next: diagnose_flow_run.`,
  inputSchema: z.object({
    deployment_id: uuidParam("deployment"),
    window_hours: z
      .number()
      .int()
      .min(1)
      .max(720, { error: "must be at most 720 (30 days)" })
      .default(24)
      .describe("Hours judged"),
  }),
  outputSchema: diagnosisOutputSchema,
  annotations: READ_ONLY,
  async handler({ deployment_id, window_hours }, { client, now }) {
    const at = now();
    const [deployment] = await client.POST("/deployments/filter", {
      body: { deployments: { id: { any_: [deployment_id] } }, limit: 1 },
    });
    if (!deployment) {
      throw new InputError(
        `deployment_id: there is no deployment ${deployment_id}. Find deployment ids with get_deployments.`,
      );
    }
    const start = new Date(at.getTime() - window_hours * 3_600_000);
    const ofDeployment = { deployment_id: { any_: [deployment.id] } };
    const [flows, history, failedRuns, waiting, upcoming] = await Promise.all([
      flowNames(client, [deployment.flow_id]),
      client.POST("/flow_runs/history", {
        body: {
          history_start: start.toISOString(),
          history_end: at.toISOString(),
          history_interval_seconds: window_hours * 3_600,
          flow_runs: ofDeployment,
        },
      }),
      client.POST("/flow_runs/filter", {
        body: {
          flow_runs: {
            ...ofDeployment,
            expected_start_time: { after_: start.toISOString(), before_: at.toISOString() },
            state: { type: { any_: ["FAILED", "CRASHED"] } },
          },
          sort: "END_TIME_DESC",
          limit: RUNS_SHOWN,
        },
      }),
      dueRuns(client, deployment.id, at),
      client.POST("/flow_runs/filter", {
        body: {
          flow_runs: {
            ...ofDeployment,
            state: { type: { any_: ["SCHEDULED"] } },
            expected_start_time: { after_: at.toISOString() },
          },
          sort: "EXPECTED_START_TIME_ASC",
          limit: 1,
        },
      }),
    ]);
    const flowName = flows.get(deployment.flow_id);

    const findings = new Findings();
    await checkWhyNotStarted(client, { deployment, waitingRuns: waiting }, at, findings);
    const counts = countsByStateType(history);
    const failures = failureRate(counts);
    checkFailures(failures, failedRuns, window_hours, findings);
    checkSchedules(deployment, flowName, upcoming[0], findings);

    const late = waiting.filter(
      (run) => run.expected_start_time && lateBy(run.expected_start_time, at) > LATE_AFTER_SECONDS,
    );
    const oldestLate = late[0]?.expected_start_time;
    const lateText = oldestLate
      ? `${late.length} run(s) late (oldest by ${describeSeconds(lateBy(oldestLate, at))})`
      : undefined;
    const label = `Deployment "${flowName ? `${flowName}/` : ""}${deployment.name}"`;
    const nextSteps = [...findings.nextSteps];
    if (!findings.causes.length && late[0]) {
      nextSteps.push(`diagnose_flow_run(flow_run_id="${late[0].id}")`);
    }
    const schedules = deployment.schedules ?? [];

    return {
      subject: compact({
        kind: "deployment" as const,
        id: deployment.id,
        name: deployment.name,
        flow_name: flowName,
        paused: deployment.paused ?? false,
        status: deployment.status,
        work_pool: deployment.work_pool_name,
        work_queue: deployment.work_queue_name,
        schedules: schedules.length,
        active_schedules: schedules.filter((schedule) => schedule.active !== false).length,
        health: {
          window_hours,
          runs: failures.total,
          by_state_type: counts,
          failure_rate: failures.finished ? round(failures.rate) : undefined,
          late_runs: late.length,
          // Due runs are read one page at most, so there may be more late ones.
          late_runs_has_more: waiting.length >= MAX_PER_REQUEST || undefined,
          most_late_by_seconds: oldestLate ? Math.round(lateBy(oldestLate, at)) : undefined,
          late_run_ids: late.slice(0, RUNS_SHOWN).map((run) => run.id),
          next_run: upcoming[0]?.expected_start_time,
        },
      }),
      verdict: verdictOf(label, findings.causes, lateText, failures, window_hours),
      causes: findings.causes,
      ruled_out: findings.ruledOut,
      next_steps: nextSteps,
    } satisfies Diagnosis;
  },
  // The schema's inferred output loses the subject's fields; the handler's result is a Diagnosis.
  render: renderDiagnosis as never,
});

function countsByStateType(history: Schema<"HistoryResponse">[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const bucket of history) {
    for (const state of bucket.states) {
      counts[state.state_type] = (counts[state.state_type] ?? 0) + state.count_runs;
    }
  }
  return counts;
}

interface Failures {
  total: number;
  failed: number;
  finished: number;
  rate: number;
}

function failureRate(counts: Record<string, number>): Failures {
  const failed = (counts.FAILED ?? 0) + (counts.CRASHED ?? 0);
  const finished = failed + (counts.COMPLETED ?? 0);
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return { total, failed, finished, rate: finished ? failed / finished : 0 };
}

function checkFailures(
  failures: Failures,
  failedRuns: FlowRun[],
  windowHours: number,
  findings: Findings,
) {
  const latest = failedRuns[0];
  const message = latest?.state?.message?.split("\n")[0]?.slice(0, MESSAGE_CHARS);
  const found = failures.failed > 0 && failures.rate >= FAILURE_RATE_THRESHOLD;
  findings.check(
    "recent_failures",
    found
      ? {
          summary: `${failures.failed} of ${failures.finished} finished runs in the last ${windowHours} h failed or crashed (${Math.round(failures.rate * 100)}%)${latest ? `; the latest, "${latest.name}", ended ${latest.state_name}${message ? `: ${message}` : ""}` : ""}.`,
          evidence: {
            ids: { failed_runs: failedRuns.map((run) => run.id) },
            values: {
              failed_or_crashed: failures.failed,
              finished: failures.finished,
              failure_rate: round(failures.rate),
              threshold: FAILURE_RATE_THRESHOLD,
              window_hours: windowHours,
            },
            ...(latest?.end_time ? { timestamps: { latest_failure: latest.end_time } } : {}),
          },
        }
      : undefined,
    ...(latest ? [`diagnose_flow_run(flow_run_id="${latest.id}")`] : []),
  );
}

/**
 * Judged only for a deployment that has schedules or upcoming runs: one run on demand or by an
 * automation is meant to have neither.
 */
function checkSchedules(
  deployment: Deployment,
  flowName: string | undefined,
  nextRun: FlowRun | undefined,
  findings: Findings,
) {
  const schedules = deployment.schedules ?? [];
  if (!schedules.length && !nextRun) return;
  const inactive = schedules.filter((schedule) => schedule.active === false);
  const found = !nextRun && inactive.length === schedules.length;
  const first = inactive[0];
  findings.check(
    "no_active_schedule",
    found
      ? {
          summary: `All ${schedules.length} schedule(s) of deployment "${deployment.name}" are inactive and no run is scheduled.`,
          evidence: {
            ids: { deployment: deployment.id, schedules: inactive.map((schedule) => schedule.id) },
            values: { schedules: schedules.length, active_schedules: 0, upcoming_runs: 0 },
          },
        }
      : undefined,
    ...(first
      ? [
          `prefect deployment schedule resume "${flowName ?? "<flow-name>"}/${deployment.name}" ${first.id}`,
        ]
      : []),
  );
}

function verdictOf(
  label: string,
  causes: Cause[],
  lateText: string | undefined,
  failures: Failures,
  windowHours: number,
): string {
  const [top] = causes;
  if (top) {
    const more = causes.length > 1 ? ` (+${causes.length - 1} more)` : "";
    return `${label}: ${lateText ? `${lateText}; ` : ""}top cause: ${top.code}${more}.`;
  }
  if (lateText) {
    return `${label}: ${lateText}, but none of the checked causes applies; diagnose the oldest late run.`;
  }
  const failed = failures.failed
    ? `${failures.failed} failed (below the threshold)`
    : "none failed";
  return `healthy: ${label} had ${failures.total} run(s) in the last ${windowHours} h, ${failed}, none late.`;
}

function lateBy(expected: string, at: Date): number {
  return (at.getTime() - Date.parse(expected)) / 1000;
}

function round(rate: number): number {
  return Math.round(rate * 100) / 100;
}
