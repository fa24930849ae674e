import {
  createFlowRun,
  type FlowRun,
  pollWorkQueues,
  type SeedClient,
  sendWorkerHeartbeat,
} from "@prefect-mcp/testing";

/** Three runs of a deployment, due 45, 30 and 15 minutes ago and not started: Late. */
export async function createLateRuns(seed: SeedClient, deploymentId: string): Promise<FlowRun[]> {
  const runs: FlowRun[] = [];
  for (const minutes of [45, 30, 15]) {
    runs.push(
      await createFlowRun(seed, {
        deploymentId,
        state: { name: "Late", scheduledTime: new Date(Date.now() - minutes * 60_000) },
      }),
    );
  }
  return runs;
}

/**
 * A healthy worker in a pool: it sends its heartbeat and polls its queues, so neither an offline
 * pool nor an unpolled queue can be the reason runs wait.
 */
export async function startHealthyWorker(
  seed: SeedClient,
  workPoolName: string,
  workQueueNames?: string[],
): Promise<void> {
  await sendWorkerHeartbeat(seed, { workPoolName });
  await pollWorkQueues(seed, { workPoolName, ...(workQueueNames ? { workQueueNames } : {}) });
}

/**
 * Moves a run to Pending, then Running, the way a worker proposes it (not forced), so Prefect's
 * orchestration takes concurrency slots. Returns the state Prefect settled on, e.g.
 * AwaitingConcurrencySlot when a limit is full.
 */
export async function proposeStart(seed: SeedClient, flowRunId: string): Promise<string> {
  for (const type of ["PENDING", "RUNNING"] as const) {
    const result = await seed.POST("/flow_runs/{id}/set_state", {
      params: { path: { id: flowRunId } },
      body: { state: { type, name: type === "PENDING" ? "Pending" : "Running" }, force: false },
    });
    const name = result.state?.name ?? result.status;
    if (name !== (type === "PENDING" ? "Pending" : "Running")) return name;
  }
  return "Running";
}
