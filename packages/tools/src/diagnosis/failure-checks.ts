import type { PrefectClient, Schema } from "@prefect-mcp/client";
import { MAX_PER_REQUEST } from "../list-page.js";
import { clip, partReader } from "../tool-support.js";
import type { Evidence, Findings } from "./diagnosis.js";

// Why a flow run that ran ended badly: failed (in a task, upstream of one, in flow code, on a
// timeout), crashed, or was cancelled. Reads are batched and bounded; the rules are plain
// functions of what was read, so each cause is checked on the same facts it is reported from.

type FlowRun = Schema<"FlowRunResponse">;
type TaskRun = Schema<"TaskRun">;
type Log = Schema<"Log">;
type RunEvent = Schema<"ReceivedEvent">;
type Deployment = Schema<"DeploymentResponse">;
type WorkPool = Schema<"WorkPoolResponse">;
type Worker = Schema<"WorkerResponse">;

const ERROR_LEVEL = 40;
/** The newest error logs are where a run's final exception is; older ones rarely add to it. */
const MAX_ERROR_LOGS = 50;
/** Prefect 3.9.1 answers at most 50 events per request. */
const EVENTS_PER_REQUEST = 50;
const MAX_WORKERS = 50;
/** An exception line or state message quoted in a summary keeps its head and tail. */
const MAX_QUOTE_CHARS = 240;
/** Ids listed per cause; the count says how many there were. */
const MAX_IDS = 20;
/** Names listed in one summary. */
const MAX_NAMES = 3;
const MINUTE_MS = 60_000;

const RUN_EVENTS = [
  "prefect.flow-run.Cancelling",
  "prefect.flow-run.Cancelled",
  "prefect.automation.action.triggered",
  "prefect.automation.action.executed",
  "prefect.worker.submitted-flow-run",
  "prefect.worker.executed-flow-run",
];

/** Roles Prefect gives every state-change event's related resources: context, not an actor. */
const CONTEXT_ROLES = new Set([
  "flow",
  "flow-run",
  "task-run",
  "deployment",
  "work-queue",
  "work-pool",
  "tag",
  "creator",
]);

// What Prefect 3.9.1 writes in the states and logs these rules read.
const UPSTREAM_MESSAGE = /^Upstream task run '([0-9a-f-]{36})' did not reach a 'COMPLETED' state/;
const EXCEPTION_PREFIX = /^(?:Task|Flow) run encountered an exception:? /;
const AUTOMATION_MESSAGE = /(?:Cancelled|State changed) by Automation ([0-9a-f-]{36})/;
const CANCEL_NEW_MESSAGE = "Deployment concurrency limit reached.";
const DELETED_DEPLOYMENT_MESSAGE = /^Deployment \S+ no longer exists/;

/** What a finished run left behind: its task runs that did not succeed, and its last errors. */
export interface FailureRecord {
  /** Failed, crashed and NotReady task runs, earliest first. */
  taskRuns: TaskRun[];
  /** More such task runs exist than one request returns. */
  moreTaskRuns: boolean;
  /** ERROR and CRITICAL logs, newest first. */
  errorLogs: Log[];
}

/** One request for the task runs that did not succeed, one for the newest error logs. */
export async function readFailureRecord(
  client: PrefectClient,
  flowRunId: string,
): Promise<FailureRecord> {
  const [taskRuns, errorLogs] = await Promise.all([
    client.POST("/task_runs/filter", {
      body: {
        task_runs: {
          flow_run_id: { any_: [flowRunId] },
          state: {
            operator: "or_",
            type: { any_: ["FAILED", "CRASHED"] },
            name: { any_: ["NotReady"] },
          },
        },
        sort: "EXPECTED_START_TIME_ASC",
        limit: MAX_PER_REQUEST,
      },
    }),
    client.POST("/logs/filter", {
      body: {
        logs: { flow_run_id: { any_: [flowRunId] }, level: { ge_: ERROR_LEVEL } },
        sort: "TIMESTAMP_DESC",
        limit: MAX_ERROR_LOGS,
      },
    }),
  ]);
  return { taskRuns, moreTaskRuns: taskRuns.length === MAX_PER_REQUEST, errorLogs };
}

/**
 * Checks why a run that ran did not succeed, on its task runs and logs: timed_out, task_failed,
 * upstream_task_failed, retries_exhausted and, when the run itself failed, flow_failed. Returns
 * the short reason a verdict gives, if one was found. A completed run gets the task checks only.
 */
export function checkWhyFailed(
  run: FlowRun,
  record: FailureRecord,
  findings: Findings,
): string | undefined {
  const runFailed = run.state_type === "FAILED";
  const runTimedOut = runFailed && run.state_name === "TimedOut";
  const byId = new Map(record.taskRuns.map((task) => [task.id, task]));
  const blocked = record.taskRuns.filter(isBlockedUpstream);
  // A timeout interrupts the task it catches, which then reads Crashed: that is the timeout.
  const failing = record.taskRuns.filter(
    (task) =>
      !isBlockedUpstream(task) &&
      (task.state_type === "FAILED" || (task.state_type === "CRASHED" && !runTimedOut)),
  );
  const exceptions = exceptionsByTaskRun(record.errorLogs);
  const exceptionOf = (task: TaskRun) =>
    exceptions.get(task.id) ?? stateException(task.state?.message);
  const timedOutTasks = failing.filter((task) => task.state_name === "TimedOut");

  if (runTimedOut) {
    const interrupted = record.taskRuns.filter((task) => task.state_type === "CRASHED");
    findings.found(
      {
        code: "timed_out",
        summary: sentence(
          `The flow run hit its timeout_seconds: ${quote(run.state?.message ?? "TimedOut")}${
            interrupted.length ? `; it interrupted ${names(interrupted)}` : ""
          }`,
        ),
        evidence: {
          ids: { flow_run: run.id, ...taskIds("interrupted_task_runs", interrupted) },
          values: { state_name: run.state_name, state_message: run.state?.message },
          timestamps: times({ timed_out: run.end_time ?? run.state?.timestamp }),
        },
      },
      `prefect flow-run logs ${run.id} --tail`,
    );
  }

  const first = failing[0];
  findings.check(
    "task_failed",
    first && {
      summary: sentence(
        `Task "${first.name}" (${first.id}) failed: ${quote(exceptionOf(first) ?? first.state_name ?? "no message")}${
          failing.length > 1 ? `; ${failing.length - 1} more task runs failed` : ""
        }`,
      ),
      evidence: {
        ids: { task_run: first.id, ...taskIds("failed_task_runs", failing) },
        values: {
          task_key: first.task_key,
          exception: exceptionOf(first),
          state_message: first.state?.message,
          failed_task_runs: failing.length,
          ...(record.moreTaskRuns
            ? { note: `over ${MAX_PER_REQUEST} task runs did not succeed` }
            : {}),
        },
        timestamps: times({ failed: first.end_time ?? first.state?.timestamp }),
      },
    },
    `get_flow_run_logs(flow_run_id="${run.id}", min_level="ERROR")`,
  );

  if (!runTimedOut) {
    const timedOut = timedOutTasks[0];
    findings.check(
      "timed_out",
      timedOut && {
        summary: sentence(
          `Task "${timedOut.name}" hit its timeout_seconds: ${quote(timedOut.state?.message ?? "TimedOut")}`,
        ),
        evidence: {
          ids: { task_run: timedOut.id, ...taskIds("timed_out_task_runs", timedOutTasks) },
          values: { state_message: timedOut.state?.message },
        },
      },
    );
  }

  const roots = upstreamRoots(blocked, byId);
  const root = roots[0];
  findings.check(
    "upstream_task_failed",
    root && {
      summary: `${blocked.length} task runs never ran because upstream task ${
        root.task ? `"${root.task.name}" (${root.id})` : `run ${root.id}`
      } failed${roots.length > 1 ? ` (and ${roots.length - 1} more upstream)` : ""}: ${names(blocked)}.`,
      evidence: {
        ids: {
          upstream_task_run: root.id,
          ...(roots.length > 1 ? { upstream_task_runs: roots.map((r) => r.id) } : {}),
          ...taskIds("blocked_task_runs", blocked, true),
        },
        values: {
          upstream_exception: root.task && exceptionOf(root.task),
          blocked_task_runs: blocked.length,
        },
      },
    },
    ...(root ? [`prefect task-run logs ${root.id}`] : []),
  );

  const retried = failing.filter(usedUpRetries);
  const flowRetried = runFailed && usedUpRetries(run);
  const retriedTask = retried[0];
  findings.check(
    "retries_exhausted",
    retriedTask
      ? {
          summary: `Task "${retriedTask.name}" failed on all ${retriedTask.run_count} attempts (retries=${retriesOf(retriedTask)})${
            retried.length > 1 ? `; ${retried.length - 1} more tasks used up their retries` : ""
          }.`,
          evidence: {
            ids: { task_run: retriedTask.id, ...taskIds("task_runs", retried) },
            values: { run_count: retriedTask.run_count, retries: retriesOf(retriedTask) },
          },
        }
      : flowRetried
        ? {
            summary: `The flow run failed on all ${run.run_count} attempts (retries=${retriesOf(run)}).`,
            evidence: {
              ids: { flow_run: run.id },
              values: { run_count: run.run_count, retries: retriesOf(run) },
            },
          }
        : undefined,
  );

  const flowException =
    exceptions.get(null) ?? stateException(run.state?.message) ?? run.state?.message;
  findings.check(
    "flow_failed",
    runFailed && !runTimedOut && failing.length === 0 && blocked.length === 0
      ? {
          summary: sentence(
            `The flow failed in its own code, outside any task: ${quote(flowException ?? "Prefect recorded no exception")}`,
          ),
          evidence: {
            ids: { flow_run: run.id },
            values: { exception: flowException, state_message: run.state?.message },
            timestamps: times({ failed: run.end_time ?? run.state?.timestamp }),
          },
        }
      : undefined,
    `get_flow_run_logs(flow_run_id="${run.id}", min_level="ERROR")`,
  );

  if (runTimedOut) return `it hit its timeout (${quote(run.state?.message ?? "TimedOut")})`;
  if (first) {
    const attempts = usedUpRetries(first) ? ` on all ${first.run_count} attempts` : "";
    const downstream = blocked.length
      ? `, and ${blocked.length} downstream task runs never ran`
      : "";
    return `task "${first.name}" failed${attempts}${downstream}`;
  }
  if (root) return `upstream task run ${root.id} failed and ${blocked.length} task runs never ran`;
  if (runFailed) return "its flow code failed outside any task";
  return undefined;
}

/** The run's cancellation, automation and worker events; notes say if they could not be read. */
export interface EventRecord {
  events: RunEvent[];
  /** Parts that could not be read, and why. */
  notes: string[];
}

/** What a crash leaves to read: the run's work pool, that pool's workers, and the run's events. */
export interface CrashRecord extends EventRecord {
  workPool?: WorkPool;
  workers: Worker[];
}

export async function readCrashRecord(
  client: PrefectClient,
  run: FlowRun,
  now: Date,
): Promise<CrashRecord> {
  const notes: string[] = [];
  const read = partReader(notes);
  const pool = run.work_pool_name;
  const [pools, workers, events] = await Promise.all([
    pool
      ? read("work pool", () =>
          client.POST("/work_pools/filter", {
            body: { work_pools: { name: { any_: [pool] } }, limit: 1 },
          }),
        )
      : null,
    pool
      ? read("workers", () =>
          client.POST("/work_pools/{work_pool_name}/workers/filter", {
            params: { path: { work_pool_name: pool } },
            body: { limit: MAX_WORKERS },
          }),
        )
      : null,
    read("events", () => readRunEvents(client, run, now)),
  ]);
  return { workPool: pools?.[0], workers: workers ?? [], events: events ?? [], notes };
}

export async function readCancelRecord(
  client: PrefectClient,
  run: FlowRun,
  now: Date,
): Promise<EventRecord> {
  const notes: string[] = [];
  const events = await partReader(notes)("events", () => readRunEvents(client, run, now));
  return { events: events ?? [], notes };
}

/**
 * The run's cancellation, automation and worker events: one request, newest first. Automation
 * actions and worker submissions name the run as a related resource, not as their own.
 */
async function readRunEvents(client: PrefectClient, run: FlowRun, now: Date): Promise<RunEvent[]> {
  const from = Date.parse(run.created ?? run.expected_start_time ?? now.toISOString());
  const page = await client.POST("/events/filter", {
    body: {
      filter: {
        occurred: {
          since: new Date(Math.min(from, now.getTime()) - MINUTE_MS).toISOString(),
          until: new Date(now.getTime() + MINUTE_MS).toISOString(),
        },
        any_resource: { id: [runResourceId(run)] },
        event: { name: RUN_EVENTS },
        order: "DESC",
      },
      limit: EVENTS_PER_REQUEST,
    },
  });
  return page.events;
}

/**
 * A crashed run: what the state message says about the infrastructure, in which work pool, on
 * which worker (the worker labels the runs it submits and announces them in events) and when that
 * worker last sent a heartbeat. Returns the verdict's reason.
 */
export function checkWhyCrashed(run: FlowRun, record: CrashRecord, findings: Findings): string {
  const message = run.state?.message ?? undefined;
  const exitCode = message?.match(/status code (-?\d+)/)?.[1];
  const workerName = workerOf(run, record.events);
  const worker = record.workers.find((candidate) => candidate.name === workerName);
  const pool = record.workPool;
  const poolName = run.work_pool_name;
  const where = poolName
    ? `Ran in work pool "${poolName}"${pool ? ` (${pool.type})` : ""}${
        workerName ? ` on worker "${workerName}"${heartbeat(worker)}` : ""
      }; check ${workerName ? "that worker's" : "the pool's workers'"} and the infrastructure's own logs.`
    : "It had no work pool, so no worker ran it; check the process that started it.";
  const steps = [`prefect flow-run logs ${run.id}`];
  if (poolName) steps.push(`prefect work-pool inspect '${poolName}'`);
  findings.found(
    {
      code: "infrastructure_crash",
      summary: `${sentence(quote(message ?? "Crashed without a message"))} ${where}`,
      evidence: {
        ids: {
          flow_run: run.id,
          ...(pool ? { work_pool: pool.id } : {}),
          ...(worker ? { worker: worker.id } : {}),
        },
        values: {
          state_message: message,
          exit_code: exitCode === undefined ? undefined : Number(exitCode),
          work_pool: poolName,
          work_pool_type: pool?.type,
          work_pool_status: pool?.status,
          worker: workerName,
          worker_status: worker?.status,
          ...(workerName
            ? {}
            : { pool_workers: record.workers.slice(0, MAX_NAMES).map(describeWorker) }),
          ...(record.notes.length ? { notes: record.notes } : {}),
        },
        timestamps: times({
          crashed: run.state?.timestamp ?? run.end_time,
          worker_last_heartbeat: worker?.last_heartbeat_time,
        }),
      },
    },
    ...steps,
  );
  return exitCode === undefined
    ? "its infrastructure or process stopped under it"
    : `its infrastructure exited with status code ${exitCode}`;
}

/**
 * A cancelled (or cancelling) run: who or what cancelled it, as far as Prefect recorded it: an
 * automation (its state message and action events), the deployment's CANCEL_NEW concurrency
 * strategy (its state message), an actor related to the cancellation events, or the worker
 * because the deployment was deleted. Says "unknown" otherwise. Returns the verdict's reason.
 */
export function checkWhyCancelled(
  run: FlowRun,
  record: EventRecord,
  context: { deployment?: Deployment; flowName?: string },
  findings: Findings,
): string {
  const events = record.events;
  const runId = runResourceId(run);
  const cancellations = events.filter((event) =>
    ["prefect.flow-run.Cancelling", "prefect.flow-run.Cancelled"].includes(event.event),
  );
  const messages = [
    run.state?.message,
    ...cancellations.map((event) => event.resource["prefect.state-message"]),
  ].filter((message): message is string => typeof message === "string" && message !== "");
  const at = run.state?.timestamp ?? cancellations.at(-1)?.occurred;
  const evidence = (values: Record<string, unknown>, ids: Evidence["ids"] = {}): Evidence => ({
    ids: { flow_run: run.id, ...ids },
    values: { state_message: run.state?.message, ...values },
    timestamps: times({ cancelled: at }),
  });

  const automationAction = events.find(
    (event) =>
      event.event.startsWith("prefect.automation.action.") &&
      (event.related ?? []).some(
        (related) =>
          related["prefect.resource.id"] === runId && related["prefect.resource.role"] === "target",
      ),
  );
  const automationId =
    automationAction?.resource["prefect.resource.id"]?.replace(/^prefect\.automation\./, "") ??
    messages.map((message) => message.match(AUTOMATION_MESSAGE)?.[1]).find(Boolean);
  if (automationId) {
    const name = automationAction?.resource["prefect.resource.name"];
    findings.found(
      {
        code: "cancelled",
        summary: `Cancelled by automation ${name ? `"${name}" ` : ""}(${automationId}).`,
        evidence: evidence(
          { source: "automation", automation: name },
          { automation: automationId },
        ),
      },
      `prefect automation inspect --id ${automationId}`,
    );
    return `by automation ${name ? `"${name}"` : automationId}`;
  }

  const deployment = context.deployment;
  if (messages.includes(CANCEL_NEW_MESSAGE)) {
    const limit = deployment?.concurrency_limit ?? deployment?.global_concurrency_limit?.limit;
    findings.found(
      {
        code: "cancelled",
        summary: `Cancelled by the CANCEL_NEW concurrency strategy of deployment "${
          deployment?.name ?? run.deployment_id
        }": all its concurrency slots${limit === undefined ? "" : ` (${limit})`} were taken when this run was due.`,
        evidence: evidence(
          {
            source: "deployment concurrency limit (CANCEL_NEW)",
            concurrency_limit: limit,
            collision_strategy: deployment?.concurrency_options?.collision_strategy,
          },
          run.deployment_id ? { deployment: run.deployment_id } : {},
        ),
      },
      ...(deployment && context.flowName
        ? [`prefect deployment inspect '${context.flowName}/${deployment.name}'`]
        : []),
    );
    return "by its deployment's CANCEL_NEW concurrency strategy";
  }

  const actor = cancellations
    .flatMap((event) => event.related ?? [])
    .find((related) => !CONTEXT_ROLES.has(related["prefect.resource.role"] ?? ""));
  if (actor) {
    const id = actor["prefect.resource.id"] ?? "";
    const label = actor["prefect.resource.name"] ?? id;
    findings.found({
      code: "cancelled",
      summary: `Cancelled by ${actor["prefect.resource.role"]} "${label}" (${id}).`,
      evidence: evidence({ source: actor["prefect.resource.role"], actor: label }, { actor: id }),
    });
    return `by "${label}"`;
  }

  const deleted = messages.find((message) => DELETED_DEPLOYMENT_MESSAGE.test(message));
  if (deleted) {
    findings.found({
      code: "cancelled",
      summary: `Cancelled by its worker because the deployment was deleted: ${quote(deleted)}.`,
      evidence: evidence({ source: "worker: deployment deleted" }),
    });
    return "because its deployment was deleted";
  }

  findings.found(
    {
      code: "cancelled",
      summary: `Cancelled by an unknown user or process: Prefect recorded no automation, concurrency strategy or actor${
        messages[0] ? `; state message: ${quote(messages[0])}` : ""
      }.`,
      evidence: evidence({
        source: "unknown",
        cancellation_events: cancellations.length,
        ...(record.notes.length ? { notes: record.notes } : {}),
      }),
    },
    `read_events(resource_id="${runId}", occurred_after="${run.created ?? run.expected_start_time}")`,
  );
  return "by an unknown user or process";
}

/** The exception a Python traceback ends with, e.g. `ValueError: invoice 42 has no customer`. */
export function raisedException(text: string): string | undefined {
  const start = text.lastIndexOf("Traceback (most recent call last):");
  if (start < 0) return undefined;
  // Frames are indented; the first line that is not names the exception (chained tracebacks
  // start again with "Traceback", so the last one is the exception that escaped).
  const line = text
    .slice(start)
    .split("\n")
    .slice(1)
    .find((candidate) => candidate !== "" && !/^\s/.test(candidate));
  return line ? clip(line, MAX_QUOTE_CHARS) : undefined;
}

/** Per task run (null: the flow itself), the newest exception its error logs show. */
function exceptionsByTaskRun(logs: Log[]): Map<string | null, string> {
  const exceptions = new Map<string | null, string>();
  for (const log of logs) {
    const key = log.task_run_id ?? null;
    if (exceptions.has(key)) continue;
    const exception = raisedException(log.message);
    if (exception) exceptions.set(key, exception);
  }
  return exceptions;
}

function stateException(message: string | null | undefined): string | undefined {
  if (!message || !EXCEPTION_PREFIX.test(message)) return undefined;
  return clip(message.replace(EXCEPTION_PREFIX, ""), MAX_QUOTE_CHARS);
}

/** A task that never ran because a task it depends on did not complete (Prefect: NotReady). */
function isBlockedUpstream(task: TaskRun): boolean {
  return task.state_name === "NotReady" || UPSTREAM_MESSAGE.test(task.state?.message ?? "");
}

interface UpstreamRoot {
  id: string;
  task?: TaskRun;
}

/**
 * The task runs that actually failed behind the blocked ones: follow task_inputs (or the id the
 * NotReady message names) upstream through blocked runs until a run that was not itself blocked.
 */
function upstreamRoots(blocked: TaskRun[], byId: Map<string, TaskRun>): UpstreamRoot[] {
  const roots = new Map<string, UpstreamRoot>();
  const seen = new Set<string>();
  const pending = blocked.flatMap(upstreamIds);
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const task = byId.get(id);
    if (task && isBlockedUpstream(task)) pending.push(...upstreamIds(task));
    // Only runs that did not succeed were read, so an upstream run read here is a failed one;
    // one not read is either that or beyond the first page, and is named by id.
    else if (!task || task.state_type === "FAILED" || task.state_type === "CRASHED") {
      roots.set(id, { id, task });
    }
  }
  return [...roots.values()].sort(
    (a, b) => (a.task ? 0 : 1) - (b.task ? 0 : 1) || startOf(a.task) - startOf(b.task),
  );
}

function upstreamIds(task: TaskRun): string[] {
  const ids = Object.values(task.task_inputs ?? {}).flatMap((inputs) =>
    inputs.flatMap((input) => ("id" in input && input.input_type === "task_run" ? [input.id] : [])),
  );
  const named = task.state?.message?.match(UPSTREAM_MESSAGE)?.[1];
  return ids.length ? ids : named ? [named] : [];
}

function startOf(task: TaskRun | undefined): number {
  return Date.parse(task?.expected_start_time ?? task?.start_time ?? "") || 0;
}

function retriesOf(run: FlowRun | TaskRun): number {
  return run.empirical_policy?.retries ?? run.empirical_policy?.max_retries ?? 0;
}

/** Configured retries, all spent: it ran once and then once per retry. */
function usedUpRetries(run: FlowRun | TaskRun): boolean {
  const retries = retriesOf(run);
  return retries > 0 && (run.run_count ?? 0) > retries;
}

/** The worker that ran it: from the labels a worker gives its runs, else from its events. */
export function workerOf(run: FlowRun, events: RunEvent[] = []): string | undefined {
  const label = run.labels?.["prefect.worker.name"];
  if (typeof label === "string" && label) return label;
  const submitted = events.find((event) => event.event.startsWith("prefect.worker."));
  return submitted?.resource["prefect.resource.name"] ?? undefined;
}

function heartbeat(worker: Worker | undefined): string {
  if (!worker) return "";
  return ` (${worker.status ?? "status unknown"}, last heartbeat ${worker.last_heartbeat_time ?? "never"})`;
}

function describeWorker(worker: Worker): string {
  return `${worker.name} (${worker.status ?? "status unknown"}, last heartbeat ${worker.last_heartbeat_time ?? "never"})`;
}

function runResourceId(run: FlowRun): string {
  return `prefect.flow-run.${run.id}`;
}

function names(tasks: TaskRun[]): string {
  const listed = tasks.slice(0, MAX_NAMES).map((task) => task.name ?? task.id);
  return tasks.length > MAX_NAMES
    ? `${listed.join(", ")} and ${tasks.length - MAX_NAMES} more`
    : listed.join(", ");
}

/** `{ [key]: ids }` for more than one task run (or always, when `always`), at most MAX_IDS. */
function taskIds(key: string, tasks: TaskRun[], always = false): Record<string, string[]> {
  if (tasks.length < (always ? 1 : 2)) return {};
  return { [key]: tasks.slice(0, MAX_IDS).map((task) => task.id) };
}

function times(values: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** One line of at most MAX_QUOTE_CHARS, for a summary. */
function quote(text: string): string {
  return clip(text, MAX_QUOTE_CHARS).replaceAll("\n", " ");
}
