import type { PrefectClient, Schema } from "@prefect-mcp/client";
import { FLOW_RUN_VIEW } from "@prefect-mcp/ui";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import {
  type Diagnosis,
  diagnosisOutputSchema,
  Findings,
  renderDiagnosis,
} from "../diagnosis/diagnosis.js";
import {
  type CrashRecord,
  checkWhyCancelled,
  checkWhyCrashed,
  checkWhyFailed,
  type EventRecord,
  type FailureRecord,
  readCancelRecord,
  readCrashRecord,
  readFailureRecord,
  workerOf,
} from "../diagnosis/failure-checks.js";
import { checkWhyNotStarted } from "../diagnosis/late-run-checks.js";
import { InputError } from "../errors.js";
import { uuidParam } from "../params.js";
import { runDuration } from "../tool-support.js";

type FlowRun = Schema<"FlowRunResponse">;

/** What a run's state calls for reading besides the run itself. */
type StateRecord =
  | { kind: "finished"; record: FailureRecord }
  | { kind: "crashed"; record: CrashRecord }
  | { kind: "cancelled"; record: EventRecord }
  | { kind: "running" }
  | { kind: "waiting" };

export const diagnoseFlowRun = defineTool({
  name: "diagnose_flow_run",
  title: "Diagnose a flow run",
  description: `Why a flow run failed, crashed, was cancelled or has not started: ranked causes with evidence (failing task and exception, retries, upstream failure, timeout, crash, who cancelled, paused pool, full limits…) and exact next steps. Ids: get_flow_runs.`,
  inputSchema: z.object({ flow_run_id: uuidParam("flow run") }),
  outputSchema: diagnosisOutputSchema,
  ui: FLOW_RUN_VIEW,
  annotations: READ_ONLY,
  async handler({ flow_run_id }, { client, now }) {
    const [run] = await client.POST("/flow_runs/filter", {
      body: { flow_runs: { id: { any_: [flow_run_id] } }, limit: 1 },
    });
    if (!run) {
      throw new InputError(
        `flow_run_id: there is no flow run ${flow_run_id}. Find flow run ids with get_flow_runs.`,
      );
    }
    const at = now();
    const [flows, deployments, state] = await Promise.all([
      client.POST("/flows/filter", { body: { flows: { id: { any_: [run.flow_id] } }, limit: 1 } }),
      run.deployment_id
        ? client.POST("/deployments/filter", {
            body: { deployments: { id: { any_: [run.deployment_id] } }, limit: 1 },
          })
        : [],
      readStateRecord(client, run, at),
    ]);
    const flowName = flows[0]?.name;
    const deployment = deployments[0];
    const findings = new Findings();
    const when = run.end_time ?? run.state?.timestamp ?? "an unrecorded time";
    // Rerunning the same run needs a deployment; without one the CLI asks for the flow's code.
    const retry = run.deployment_id ? [`prefect flow-run retry ${run.id}`] : [];

    let verdict: string;
    switch (state.kind) {
      case "finished": {
        const reason = checkWhyFailed(run, state.record, findings);
        if (run.state_type === "COMPLETED") {
          const took = runDuration(run, at);
          verdict = `completed at ${when}${took === undefined ? "" : ` after ${took} s`}${
            reason ? `, though ${reason}` : ""
          }`;
        } else {
          verdict = `${run.state_name === "TimedOut" ? "timed out" : "failed"} at ${when}: ${
            reason ?? "no cause found in its task runs or error logs"
          }`;
          addSteps(findings, retry);
        }
        break;
      }
      case "crashed":
        verdict = `crashed at ${when}: ${checkWhyCrashed(run, state.record, findings)}`;
        addSteps(findings, retry);
        break;
      case "cancelled": {
        const reason = checkWhyCancelled(run, state.record, { deployment, flowName }, findings);
        verdict =
          run.state_type === "CANCELLING"
            ? `is being cancelled (since ${when}) ${reason}`
            : `was cancelled at ${when} ${reason}`;
        break;
      }
      case "running": {
        const worker = workerOf(run);
        verdict = `is running since ${run.start_time ?? "an unrecorded time"}${
          worker ? ` on worker "${worker}"` : ""
        }${run.work_pool_name ? ` in work pool "${run.work_pool_name}"` : ""}`;
        addSteps(findings, [`get_flow_run_logs(flow_run_id="${run.id}", order="desc", limit=50)`]);
        break;
      }
      case "waiting": {
        await checkWhyNotStarted(client, { run, deployment }, at, findings);
        const due = run.next_scheduled_start_time ?? run.expected_start_time;
        const top = findings.causes[0];
        verdict = `is ${run.state_name ?? "waiting"}${due ? `, due ${due}` : ""}: ${
          top ? `most likely ${top.code}` : "none of the known causes applies"
        }`;
        break;
      }
    }

    return {
      subject: compact({
        kind: "flow_run" as const,
        id: run.id,
        name: run.name,
        flow_name: flowName,
        state_type: run.state_type,
        state_name: run.state_name,
        deployment: deployment && { id: deployment.id, name: deployment.name },
        work_pool: run.work_pool_name,
        tags: run.tags,
      }),
      verdict: `Flow run "${run.name}" ${verdict}.`,
      // Evidence drops the nulls Prefect's fields carry (a copy is also the plain object the
      // output schema's type wants, which the Cause interface is not).
      causes: findings.causes.map((cause) => ({ ...cause, evidence: compact(cause.evidence) })),
      ruled_out: findings.ruledOut,
      next_steps: findings.nextSteps,
    } satisfies Diagnosis;
  },
  // The schema's inferred output loses the subject's fields; the handler's result is a Diagnosis.
  render: renderDiagnosis as never,
});

/**
 * Reads, at once, what the run's state calls for: task runs and error logs of a finished run;
 * pool, workers and events of a crash; events of a cancellation. The late-run checks read their
 * own, once the deployment is known.
 */
async function readStateRecord(
  client: PrefectClient,
  run: FlowRun,
  now: Date,
): Promise<StateRecord> {
  switch (run.state_type) {
    case "FAILED":
    case "COMPLETED":
      return { kind: "finished", record: await readFailureRecord(client, run.id) };
    case "CRASHED":
      return { kind: "crashed", record: await readCrashRecord(client, run, now) };
    case "CANCELLED":
    case "CANCELLING":
      return { kind: "cancelled", record: await readCancelRecord(client, run, now) };
    case "RUNNING":
      return { kind: "running" };
    default:
      // Scheduled (Late, AwaitingConcurrencySlot, AwaitingRetry), Pending, Paused: not started.
      return { kind: "waiting" };
  }
}

/** Steps that follow every cause, e.g. rerunning once the cause is fixed. */
function addSteps(findings: Findings, steps: string[]): void {
  for (const step of steps) if (!findings.nextSteps.includes(step)) findings.nextSteps.push(step);
}
