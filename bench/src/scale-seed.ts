import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Schema } from "@prefect-mcp/client";
import {
  createDeployment,
  createFlow,
  createGlobalConcurrencyLimit,
  createLogs,
  createTagConcurrencyLimit,
  createWorkPool,
  type Deployment,
  type LogSeed,
  type PrefectEvent,
  type SeedClient,
  sendWorkerHeartbeat,
} from "@prefect-mcp/testing";
import { limiter } from "./limiter.js";
import { say } from "./progress.js";
import { catalogFor, chunk, type SeededState, stateSequence, taskRunsFor } from "./seed-plan.js";

/** Requests in flight for what only inserts (task run events, logs): SQLite takes one writer at a
 * time, so more only queue (or get a 503) in Prefect. */
const IN_FLIGHT = 4;
/** Prefect's own caps: 100 runs per bulk create, 50 per bulk state change. */
const CREATE_BATCH = 100;
const STATE_BATCH = 50;
const LOG_BATCH = 1_000;
const LOG_IN_FLIGHT = 2;
const EVENT_BATCH = 300;
/** Task run events sent but not yet recorded: far below the 10 000 Prefect queues in memory. */
const EVENT_BACKLOG = 4_000;
const CREATE_ATTEMPTS = 12;
const MINUTE = 60_000;

/** What has been seeded so far, so each size grows the previous one. */
export interface SeededWorld {
  flowIds: string[];
  deployments: Deployment[];
  workPools: string[];
  globalLimits: number;
  tagLimits: number;
  flowRuns: number;
  taskRuns: number;
  logs: number;
  /** Failed runs with task runs and logs, newest last: the runs the logs question reads. */
  failedRunIds: string[];
}

export function emptyWorld(): SeededWorld {
  return {
    flowIds: [],
    deployments: [],
    workPools: [],
    globalLimits: 0,
    tagLimits: 0,
    flowRuns: 0,
    taskRuns: 0,
    logs: 0,
    failedRunIds: [],
  };
}

/**
 * Grows the seeded world to `targetRuns` flow runs (and the flows, deployments, work pools and
 * concurrency limits that size calls for), through Prefect's REST API, printing progress to stderr.
 *
 * Prefect on SQLite has one writer at a time, and a request that reads before it writes (a bulk
 * create does) fails outright with "database is locked" when another write lands in between, so
 * the runs are created one bulk request at a time, before anything else is written; task runs
 * and logs, which are written without reading first, follow with a few requests in flight.
 */
export async function growTo(
  client: SeedClient,
  world: SeededWorld,
  targetRuns: number,
): Promise<void> {
  const limit = limiter(IN_FLIGHT);
  await growCatalog(client, world, targetRuns, limit);

  const startRuns = world.flowRuns;
  const started = performance.now();
  let requests = 0;
  let phase = "flow runs";
  const send = <T>(task: () => Promise<T>) =>
    limit(() => {
      requests += 1;
      return task();
    });
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    say(
      `seeding ${phase}: ${world.flowRuns}/${targetRuns} flow runs, ${world.taskRuns} task runs, ` +
        `${world.logs} logs (${((world.flowRuns - startRuns) / seconds).toFixed(0)} runs/s, ` +
        `${(requests / seconds).toFixed(0)} requests/s)`,
    );
  };
  const ticker = setInterval(report, 5_000);
  ticker.unref();
  try {
    const batches = chunk(stateSequence(targetRuns - startRuns), CREATE_BATCH);
    const firstBatch = Math.floor(startRuns / CREATE_BATCH);
    const runs: SeededRun[] = [];
    for (const [index, states] of batches.entries()) {
      const deployment = world.deployments[
        (firstBatch + index) % world.deployments.length
      ] as Deployment;
      runs.push(...(await createRuns(client, send, deployment, world.flowRuns, states)));
      world.flowRuns += states.length;
    }

    // State changes wait for SQLite's lock and log inserts do not read first, so they can share
    // it; the task run recorder reads first (it would lose the lock to them), so it goes last.
    phase = "failed and crashed states, logs";
    const { events, logs } = taskRunsAndLogs(runs);
    const setFinalStates = async () => {
      for (const final of ["Failed", "Crashed"] as const) {
        const ids = runs.filter((run) => run.state === final).map((run) => run.id);
        await setStates(client, send, ids, finalState(final));
      }
    };
    // Logs get their own slots, so the state changes do not queue behind all of them.
    const logSlots = limiter(LOG_IN_FLIGHT);
    await Promise.all([
      setFinalStates(),
      ...chunk(logs, LOG_BATCH).map((part) =>
        logSlots(async () => {
          requests += 1;
          await createLogs(client, part);
          world.logs += part.length;
        }),
      ),
    ]);
    world.failedRunIds.push(...runs.filter((run) => run.state === "Failed").map((run) => run.id));

    phase = "task runs";
    for (const part of chunk(events, EVENT_BATCH)) {
      await send(() => client.POST("/events", { body: part }));
      world.taskRuns += part.length;
      await waitForTaskRuns(client, world.taskRuns - EVENT_BACKLOG);
    }
    phase = "task runs (waiting for Prefect's task run recorder)";
    await waitForTaskRuns(client, world.taskRuns);
  } finally {
    clearInterval(ticker);
  }
  phase = "done";
  report();
}

async function growCatalog(
  client: SeedClient,
  world: SeededWorld,
  targetRuns: number,
  limit: ReturnType<typeof limiter>,
): Promise<void> {
  const want = catalogFor(targetRuns);
  const pad = (n: number) => String(n).padStart(2, "0");

  const newFlows = range(world.flowIds.length, want.flows);
  const flows = await Promise.all(
    newFlows.map((n) =>
      limit(() => createFlow(client, { name: `bench-flow-${pad(n)}`, tags: ["bench"] })),
    ),
  );
  world.flowIds.push(...flows.map((flow) => flow.id));

  for (const n of range(world.workPools.length, want.workPools)) {
    const name = `bench-pool-${pad(n)}`;
    // Every other pool and its queues are limited, so the dashboard has limits of each kind.
    const limited = n % 2 === 0;
    await createWorkPool(client, {
      name,
      ...(limited ? { concurrencyLimit: 10 } : {}),
      queues: [
        { name: "critical", priority: 1, ...(limited ? { concurrencyLimit: 3 } : {}) },
        { name: "bulk", priority: 10 },
      ],
    });
    // A long promised interval keeps the worker online for the whole benchmark.
    await sendWorkerHeartbeat(client, {
      workPoolName: name,
      workerName: `bench-worker-${pad(n)}`,
      heartbeatIntervalSeconds: 86_400,
    });
    world.workPools.push(name);
  }

  const newDeployments = range(world.deployments.length, want.deployments);
  const deployments = await Promise.all(
    newDeployments.map((n) =>
      limit(() =>
        createDeployment(client, {
          name: `bench-deployment-${pad(n)}`,
          flowId: world.flowIds[n % world.flowIds.length] as string,
          workPoolName: world.workPools[n % world.workPools.length] as string,
          workQueueName: n % 3 === 0 ? "critical" : "default",
          tags: ["bench", n % 2 === 0 ? "prod" : "staging"],
          parameters: { region: n % 2 === 0 ? "eu" : "us", batch_size: 100 * (1 + (n % 5)) },
          ...(n % 3 === 0 ? { concurrencyLimit: 2 } : {}),
          description: `Benchmark deployment ${n}`,
          entrypoint: `flows/bench.py:flow_${n}`,
        }),
      ),
    ),
  );
  world.deployments.push(...deployments);

  for (const n of range(world.globalLimits, want.globalLimits)) {
    await createGlobalConcurrencyLimit(client, {
      name: `bench-limit-${pad(n)}`,
      limit: 5 + n,
      activeSlots: n % 5,
      ...(n % 4 === 3 ? { slotDecayPerSecond: 0.5 } : {}),
    });
  }
  world.globalLimits = Math.max(world.globalLimits, want.globalLimits);

  for (const n of range(world.tagLimits, want.tagLimits)) {
    await createTagConcurrencyLimit(client, { tag: `bench-tag-${pad(n)}`, limit: 2 + n });
  }
  world.tagLimits = Math.max(world.tagLimits, want.tagLimits);
}

type Send = <T>(task: () => Promise<T>) => Promise<T>;
type SeededRun = { id: string; state: SeededState; n: number; deployment: string };

/** Task runs as the state events Prefect's own client sends, and the runs' logs. */
function taskRunsAndLogs(runs: SeededRun[]): { events: PrefectEvent[]; logs: LogSeed[] } {
  const events: PrefectEvent[] = [];
  const logs: LogSeed[] = [];
  for (const run of runs) {
    if (run.state === "Late" || run.state === "Scheduled") continue;
    logs.push(...flowRunLogs(run));
    const taskStates = taskStatesFor(run.state, taskRunsFor(run.state, run.n));
    for (const [index, state] of taskStates.entries()) {
      const event = taskRunEvent(run.id, index, state, taskStates.length);
      events.push(event);
      logs.push(...taskRunLogs(run.id, taskRunIdOf(event), index, state));
    }
  }
  return { events, logs };
}

/** Waits until Prefect has recorded `expected` task runs from the events (a few seconds). */
async function waitForTaskRuns(client: SeedClient, expected: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const recorded = await client.POST("/task_runs/count", { body: {} });
    if (recorded >= expected) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Prefect recorded only ${recorded} of ${expected} seeded task runs in 2 minutes`,
      );
    }
    await sleep(500);
  }
}

/**
 * Bulk-creates runs `first`, `first + 1`, … (named `bench-run-<n>`) of one deployment, each
 * straight in its first state. Prefect reports a run it could not insert as FAILED in a 200
 * answer (SQLite's "database is locked" fails the whole transaction), and a dropped connection
 * says nothing; either way the runs are looked up by name (the insert may have happened) and the
 * missing ones created again.
 */
async function createRuns(
  client: SeedClient,
  send: Send,
  deployment: Deployment,
  first: number,
  states: SeededState[],
): Promise<SeededRun[]> {
  const ids = new Map<number, string>();
  const wanted = states.map((state, offset) => ({ state, n: first + offset }));
  let missing = wanted;
  for (let attempt = 1; missing.length > 0; attempt++) {
    const asked = missing;
    let failure: unknown;
    let results: Array<{ status: string; flow_run_id?: string | null; error?: string | null }> = [];
    try {
      ({ results = [] } = await send(() =>
        client.POST("/deployments/{id}/create_flow_run/bulk", {
          params: { path: { id: deployment.id } },
          body: asked.map((run) => ({
            name: `bench-run-${run.n}`,
            state: initialState(run.state, run.n),
          })),
        }),
      ));
    } catch (error) {
      failure = error;
    }
    const refused = results.filter((result) => result.status !== "CREATED");
    if (failure === undefined && refused.length === 0) {
      for (const [index, result] of results.entries()) {
        ids.set((asked[index] as { n: number }).n, result.flow_run_id as string);
      }
      break;
    }
    if (attempt >= CREATE_ATTEMPTS) {
      const reason = failure instanceof Error ? failure.message : refused[0]?.error;
      throw new Error(
        `Prefect did not create seeded flow runs in ${CREATE_ATTEMPTS} attempts: ${reason}`,
      );
    }
    // Back off a random while, so the retry does not meet the same writer again.
    await sleep(100 * attempt + Math.random() * 400);
    const names = asked.map((run) => `bench-run-${run.n}`);
    const found = await send(() =>
      client.POST("/flow_runs/filter", {
        body: { flow_runs: { name: { any_: names } }, limit: names.length },
      }),
    );
    for (const run of found) ids.set(Number(run.name?.slice("bench-run-".length)), run.id);
    missing = asked.filter((run) => !ids.has(run.n));
  }
  return wanted.map((run) => ({
    ...run,
    id: ids.get(run.n) as string,
    deployment: deployment.name,
  }));
}

/** Forces the runs into `state`, again for any Prefect aborted (a locked database, as above). */
async function setStates(
  client: SeedClient,
  send: Send,
  ids: string[],
  state: Schema<"StateCreate">,
): Promise<void> {
  for (const part of chunk(ids, STATE_BATCH)) {
    let pending = part;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const asked = pending;
      const answer = await send(() =>
        client.POST("/flow_runs/bulk_set_state", {
          body: { flow_runs: { id: { any_: asked } }, state, force: true, limit: STATE_BATCH },
        }),
      );
      const accepted = new Set(
        (answer.results ?? [])
          .filter((result) => result.status === "ACCEPT")
          .map((result) => result.flow_run_id),
      );
      pending = asked.filter((id) => !accepted.has(id));
      if (pending.length > 0 && attempt >= 5) {
        const refusal = answer.results?.find((result) => result.status !== "ACCEPT");
        throw new Error(
          `Prefect did not set ${pending.length} seeded runs to ${state.name} in 5 attempts: ${JSON.stringify(refusal?.details ?? "missing from its answer")}`,
        );
      }
      if (pending.length > 0) await sleep(200 * attempt);
    }
  }
}

const FAILURE = "ValueError: invoice batch 42 has 3 rows without a customer id";

/**
 * The state a run is created in. Prefect forces a new run's first state and stamps it now:
 * Completed runs go straight to COMPLETED (walking 7 000 runs through Running costs ~30 ms a state
 * on SQLite, the bulk of the seeding budget), so they have an end time but no start time; failed,
 * crashed and running runs start RUNNING, so they carry a start time like real ones. Scheduled
 * runs are due within a day, Late ones were due up to three hours ago.
 */
function initialState(state: SeededState, n: number): Schema<"StateCreate"> {
  const now = Date.now();
  switch (state) {
    case "Scheduled":
    case "Late": {
      const due =
        state === "Scheduled" ? now + (1 + (n % 48)) * 30 * MINUTE : now - (5 + (n % 175)) * MINUTE;
      return {
        type: "SCHEDULED",
        name: state,
        state_details: { scheduled_time: new Date(due).toISOString() },
      };
    }
    case "Completed":
      return { type: "COMPLETED", name: "Completed", message: "All states completed." };
    default:
      return { type: "RUNNING", name: "Running" };
  }
}

function finalState(state: "Failed" | "Crashed"): Schema<"StateCreate"> {
  return state === "Failed"
    ? { type: "FAILED", name: "Failed", message: `Flow run encountered an exception: ${FAILURE}` }
    : {
        type: "CRASHED",
        name: "Crashed",
        message: "Flow run infrastructure exited with non-zero status code -9 (out of memory).",
      };
}

type TaskState = "Completed" | "Failed" | "Crashed" | "Running";

/** The last task is where the run ended up; the ones before it completed. */
function taskStatesFor(runState: SeededState, count: number): TaskState[] {
  const last: TaskState =
    runState === "Failed" || runState === "Crashed" || runState === "Running"
      ? runState
      : "Completed";
  return Array.from({ length: count }, (_, index) => (index === count - 1 ? last : "Completed"));
}

const TASK_NAMES = ["extract", "transform", "load"];
const TASK_SECONDS = 4;

/**
 * The `prefect.task-run.<State>` event a Prefect 3 client emits when a task run reaches a state;
 * the server's task run recorder turns these into task runs, many per database write, which is
 * why task runs are seeded this way rather than one POST /task_runs/ at a time.
 */
function taskRunEvent(flowRunId: string, index: number, state: TaskState, count: number) {
  const name = TASK_NAMES[index] ?? `step-${index}`;
  const taskRunId = randomUUID();
  // Tasks ran one after another and the last one ended just now.
  const end = Date.now() - (count - 1 - index) * TASK_SECONDS * 1000;
  const start = new Date(end - TASK_SECONDS * 1000).toISOString();
  const finished = state !== "Running";
  const occurred = finished ? new Date(end).toISOString() : start;
  const type = state.toUpperCase();
  const message = state === "Failed" ? `Task run failed: ${FAILURE}` : null;
  return {
    id: randomUUID(),
    event: `prefect.task-run.${state}`,
    occurred,
    resource: {
      "prefect.resource.id": `prefect.task-run.${taskRunId}`,
      "prefect.resource.name": `${name}-${index}`,
      "prefect.state-name": state,
      "prefect.state-type": type,
      "prefect.orchestration": "client",
    },
    related: [
      {
        "prefect.resource.id": `prefect.flow-run.${flowRunId}`,
        "prefect.resource.role": "flow-run",
      },
    ],
    payload: {
      intended: { from: finished ? "RUNNING" : "PENDING", to: type },
      validated_state: { type, name: state, message, state_details: {}, data: null },
      task_run: {
        name: `${name}-${index}`,
        task_key: `bench.${name}`,
        dynamic_key: String(index),
        empirical_policy: { max_retries: 0, retry_delay_seconds: 0, retries: 0, retry_delay: 0 },
        tags: [],
        labels: {},
        task_inputs: {},
        run_count: 1,
        flow_run_run_count: 1,
        expected_start_time: start,
        start_time: start,
        ...(finished ? { end_time: occurred, total_run_time: TASK_SECONDS } : {}),
      },
    },
  } satisfies PrefectEvent;
}

function taskRunIdOf(event: PrefectEvent): string {
  return String(event.resource["prefect.resource.id"]).slice("prefect.task-run.".length);
}

function flowRunLogs(run: SeededRun): LogSeed[] {
  const logs: LogSeed[] = [
    {
      flowRunId: run.id,
      message: `Beginning flow run 'bench-run-${run.n}' for deployment '${run.deployment}'`,
    },
    { flowRunId: run.id, level: "DEBUG", message: "Resolved parameters: region, batch_size" },
  ];
  if (run.state === "Failed") {
    logs.push({
      flowRunId: run.id,
      level: "ERROR",
      message: `Encountered exception during execution:\nTraceback (most recent call last):\n  File "flows/bench.py", line 42, in load\n    raise ValueError(...)\n${FAILURE}`,
    });
  }
  if (run.state === "Crashed") {
    logs.push({ flowRunId: run.id, level: "CRITICAL", message: "Process exited with status -9" });
  }
  if (run.state !== "Running") {
    logs.push({ flowRunId: run.id, message: `Finished in state ${run.state}()` });
  }
  return logs;
}

function taskRunLogs(flowRunId: string, taskRunId: string, index: number, state: TaskState) {
  const logs: LogSeed[] = [
    { flowRunId, taskRunId, message: `Processing ${(index + 1) * 1000} rows` },
  ];
  if (state === "Failed") logs.push({ flowRunId, taskRunId, level: "ERROR", message: FAILURE });
  else if (state !== "Running") {
    logs.push({ flowRunId, taskRunId, message: `Finished in state ${state}()` });
  }
  return logs;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, offset) => from + offset);
}
