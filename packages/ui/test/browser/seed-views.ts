import { setTimeout as sleep } from "node:timers/promises";
import {
  createDeployment,
  createFlow,
  createFlowRun,
  createGlobalConcurrencyLimit,
  createLogs,
  createTagConcurrencyLimit,
  createTaskRun,
  createWorkPool,
  type FlowRun,
  type LogLevelName,
  type LogSeed,
  pollWorkQueues,
  type SeedClient,
  sendWorkerHeartbeat,
  type TaskRun,
  uniqueName,
} from "@prefect-mcp/testing";

/** More than one page of the flow-run view's logs (50 a page), at every level. */
export const FAILED_RUN_LOG_LINES = 72;
const LEVEL_CYCLE: LogLevelName[] = ["INFO", "DEBUG", "INFO", "WARNING", "INFO", "ERROR"];

export interface ViewsScenario {
  /** Due 20 minutes ago, its deployment's work pool paused: diagnosed `work_pool_paused`. */
  lateRun: FlowRun;
  /** Failed in its `charge_cards` task, with two Completed tasks, one Pending and 72 log lines. */
  failedRun: FlowRun;
  failedRunTasks: TaskRun[];
  /** Killed by its infrastructure (exit code 137). */
  crashedRun: FlowRun;
  /** Another completed run of the same flow, for a get_flow_runs result with several runs. */
  completedRun: FlowRun;
  /** The unique names the dashboard shows for what was seeded. */
  names: {
    /** The healthy pool, with a worker and a limit of 4. */
    pool: string;
    /** Its queue with a limit of 2. */
    queue: string;
    /** The Late run's deployment, with a limit of 2. */
    deployment: string;
    /** A global limit of 5, 2 slots taken. */
    globalLimit: string;
    /** A tag limit of 3, 1 slot taken. */
    tag: string;
  };
}

/**
 * What the dashboard and flow-run views show, under unique names so it coexists with other tests
 * on the shared server: a healthy pool (a worker beating and polling, pool and queue limits), a
 * paused pool with a Late run, a Failed run with task runs and logs, a Crashed run, and global,
 * tag and deployment concurrency limits.
 */
export async function seedViewsScenario(seed: SeedClient): Promise<ViewsScenario> {
  const prefix = uniqueName("ui");
  const flow = await createFlow(seed, { name: `${prefix}-billing` });

  const healthy = await createWorkPool(seed, {
    name: `${prefix}-pool`,
    concurrencyLimit: 4,
    queues: [{ name: `${prefix}-reports`, concurrencyLimit: 2 }],
  });
  await sendWorkerHeartbeat(seed, { workPoolName: healthy.workPool.name });
  await pollWorkQueues(seed, { workPoolName: healthy.workPool.name });
  const paused = await createWorkPool(seed, { name: `${prefix}-paused-pool`, paused: true });

  const nightly = await createDeployment(seed, {
    flowId: flow.id,
    name: `${prefix}-nightly`,
    workPoolName: paused.workPool.name,
    concurrencyLimit: 2,
  });
  const lateRun = await createFlowRun(seed, {
    deploymentId: nightly.id,
    name: `${prefix}-late`,
    state: { name: "Late", scheduledTime: new Date(Date.now() - 20 * 60_000) },
  });

  const failedRun = await createFlowRun(seed, {
    flowId: flow.id,
    name: `${prefix}-failed`,
    workPoolName: healthy.workPool.name,
    state: {
      name: "Failed",
      message: "Flow run encountered an exception: ValueError: card 4242 declined",
    },
  });
  const load = await createTaskRun(seed, {
    flowRunId: failedRun.id,
    name: "load_invoices-0",
    taskKey: "load_invoices",
    state: "Completed",
  });
  const price = await createTaskRun(seed, {
    flowRunId: failedRun.id,
    name: "price_invoices-0",
    taskKey: "price_invoices",
    state: "Completed",
    upstream: { invoices: [load.id] },
  });
  const charge = await createTaskRun(seed, {
    flowRunId: failedRun.id,
    name: "charge_cards-0",
    taskKey: "charge_cards",
    state: {
      name: "Failed",
      message: "Task run encountered an exception ValueError: card 4242 declined",
    },
    upstream: { invoices: [price.id] },
  });
  const receipts = await createTaskRun(seed, {
    flowRunId: failedRun.id,
    name: "send_receipts-0",
    taskKey: "send_receipts",
    state: "Pending",
    upstream: { charges: [charge.id] },
  });
  await createLogs(seed, failedRunLogs(failedRun, charge.id));

  const crashedRun = await createFlowRun(seed, {
    flowId: flow.id,
    name: `${prefix}-crashed`,
    workPoolName: healthy.workPool.name,
    state: {
      name: "Crashed",
      message: "Flow run infrastructure exited with non-zero status code 137.",
    },
  });
  const completedRun = await createFlowRun(seed, {
    flowId: flow.id,
    name: `${prefix}-completed`,
    state: "Completed",
  });

  await createGlobalConcurrencyLimit(seed, {
    name: `${prefix}-database`,
    limit: 5,
    activeSlots: 2,
  });
  await createTagConcurrencyLimit(seed, {
    tag: `${prefix}-payments`,
    limit: 3,
    occupiedBy: [receipts.id],
  });

  await waitForStateEvent(seed, failedRun.id, "Failed");

  return {
    lateRun,
    failedRun,
    failedRunTasks: [load, price, charge, receipts],
    crashedRun,
    completedRun,
    names: {
      pool: healthy.workPool.name,
      queue: `${prefix}-reports`,
      deployment: nightly.name,
      globalLimit: `${prefix}-database`,
      tag: `${prefix}-payments`,
    },
  };
}

/** The run's log from its start, ending with the failing task's error and traceback. */
function failedRunLogs(run: FlowRun, failingTaskRunId: string): LogSeed[] {
  const flowRunId = run.id;
  // Seeded states pass in milliseconds; 10 ms apart keeps the log around the run's own times.
  const spacing = 10;
  const start = run.start_time ? Date.parse(run.start_time) : Date.now();
  const logs: LogSeed[] = [];
  for (let index = 0; index < FAILED_RUN_LOG_LINES - 2; index++) {
    const level = LEVEL_CYCLE[index % LEVEL_CYCLE.length] ?? "INFO";
    logs.push({
      flowRunId,
      level,
      message: `${level.toLowerCase()} line ${index + 1}: processed batch ${index + 1} of invoices`,
      timestamp: new Date(start + index * spacing),
    });
  }
  const end = start + FAILED_RUN_LOG_LINES * spacing;
  logs.push(
    {
      flowRunId,
      taskRunId: failingTaskRunId,
      level: "ERROR",
      message:
        "Task run failed with exception: ValueError('card 4242 declined')\nTraceback (most recent call last):\n  File \"billing.py\", line 42, in charge_cards\nValueError: card 4242 declined",
      timestamp: new Date(end - spacing),
    },
    {
      flowRunId,
      level: "CRITICAL",
      message: "Finished in state Failed('Flow run encountered an exception: ValueError')",
      timestamp: new Date(end),
    },
  );
  return logs;
}

/**
 * Waits until Prefect's event for a run's state change is readable: its event persister writes in
 * batches, and the flow-run view shows the run's state events.
 */
async function waitForStateEvent(seed: SeedClient, flowRunId: string, state: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const page = await seed.POST("/events/filter", {
      body: {
        filter: {
          event: { name: [`prefect.flow-run.${state}`] },
          resource: { id: [`prefect.flow-run.${flowRunId}`] },
          occurred: {
            since: new Date(Date.now() - 3_600_000).toISOString(),
            until: new Date(Date.now() + 60_000).toISOString(),
          },
        },
        limit: 1,
      },
    });
    if (page.total > 0) return;
    await sleep(250);
  }
  throw new Error(`Prefect's ${state} event for flow run ${flowRunId} never became readable`);
}
