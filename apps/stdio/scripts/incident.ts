import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import {
  createDeployment,
  createFlow,
  createFlowRun,
  createWorkPool,
  runFixtureFlow,
  type SeedClient,
} from "@prefect-mcp/testing";
import { compactAnswer, field, firstItems } from "./compact-answer.js";

/** What `seedIncident` created: the names and ids the questions are about. */
export interface Incident {
  failedRun: { flowRunId: string; flowName: string };
  pausedPool: string;
  lateDeployment: { id: string; name: string };
  lateRunIds: string[];
  heldDeployment: { id: string; name: string };
  runningRunId: string;
  waitingRunId: string;
}

export interface SeedIncidentOptions {
  /** Appended to every name, so several incidents can share one server (tests). */
  suffix?: string;
  /** Told about each part as it is done. */
  onProgress?: (message: string) => void;
}

/**
 * Arranges a realistic bad morning in a real Prefect server: a flow run that really failed (a
 * Python flow whose task raised), three runs late behind a paused work pool, and a deployment whose
 * concurrency limit is full, with a run waiting for the slot.
 */
export async function seedIncident(
  seed: SeedClient,
  apiUrl: string,
  options: SeedIncidentOptions = {},
): Promise<Incident> {
  const named = (name: string) => (options.suffix ? `${name}-${options.suffix}` : name);
  const progress = options.onProgress ?? (() => {});

  // The Python flow takes seconds to import Prefect; the REST seeding runs meanwhile.
  const failing = runFixtureFlow("failing-task", {
    apiUrl,
    suffix: options.suffix ?? "nightly",
  }).then((run) => {
    progress(`a real flow run that failed: ${run.flowName} (${run.stateName})`);
    return run;
  });

  const { workPool } = await createWorkPool(seed, { name: named("etl-pool"), paused: true });
  const syncFlow = await createFlow(seed, { name: named("sync-warehouse") });
  const lateDeployment = await createDeployment(seed, {
    flowId: syncFlow.id,
    name: named("hourly-sync"),
    workPoolName: workPool.name,
  });
  const lateRuns = [];
  for (const minutesLate of [45, 30, 15]) {
    lateRuns.push(
      await createFlowRun(seed, {
        deploymentId: lateDeployment.id,
        state: { name: "Late", scheduledTime: new Date(Date.now() - minutesLate * 60_000) },
      }),
    );
  }
  progress(
    `3 late runs of ${syncFlow.name}/${lateDeployment.name} behind paused pool ${workPool.name}`,
  );

  const { workPool: reportsPool } = await createWorkPool(seed, { name: named("reports-pool") });
  const reportFlow = await createFlow(seed, { name: named("publish-report") });
  const heldDeployment = await createDeployment(seed, {
    flowId: reportFlow.id,
    name: named("daily-report"),
    workPoolName: reportsPool.name,
    concurrencyLimit: 1,
  });
  // Through Prefect's own orchestration, not forced: the first run takes the deployment's only
  // slot, and Prefect itself turns the second away into AwaitingConcurrencySlot.
  const running = await createFlowRun(seed, {
    deploymentId: heldDeployment.id,
    state: { name: "Scheduled", scheduledTime: new Date() },
  });
  await proposeState(seed, running.id, "PENDING", "Pending");
  await proposeState(seed, running.id, "RUNNING", "Running");
  const waiting = await createFlowRun(seed, {
    deploymentId: heldDeployment.id,
    state: { name: "Scheduled", scheduledTime: new Date() },
  });
  await proposeState(seed, waiting.id, "PENDING", "AwaitingConcurrencySlot");
  progress(
    `${reportFlow.name}/${heldDeployment.name} at its concurrency limit of 1: one run Running, one AwaitingConcurrencySlot`,
  );

  const failed = await failing;
  return {
    failedRun: { flowRunId: failed.flowRunId, flowName: failed.flowName },
    pausedPool: workPool.name,
    lateDeployment: { id: lateDeployment.id, name: lateDeployment.name },
    lateRunIds: lateRuns.map((run) => run.id),
    heldDeployment: { id: heldDeployment.id, name: heldDeployment.name },
    runningRunId: running.id,
    waitingRunId: waiting.id,
  };
}

/**
 * Proposes a state as a worker would (not forced), so Prefect's orchestration rules apply, and
 * checks the state Prefect settled on.
 */
async function proposeState(
  seed: SeedClient,
  flowRunId: string,
  type: "PENDING" | "RUNNING",
  expected: string,
): Promise<void> {
  const result = await seed.POST("/flow_runs/{id}/set_state", {
    params: { path: { id: flowRunId } },
    body: { state: { type, name: type === "PENDING" ? "Pending" : "Running" }, force: false },
  });
  if (result.state?.name !== expected) {
    throw new Error(
      `flow run ${flowRunId}: proposing ${type} ended in ${result.state?.name ?? result.status}, not ${expected}`,
    );
  }
}

/** One tool call the demo made and what it shows. */
export interface ToolStep {
  tool: string;
  args: Record<string, unknown>;
  status: "ok" | "error" | "missing";
  /** A few lines taken from the structured result (or the error text). */
  answer: string[];
}

export interface QuestionAnswer {
  question: string;
  steps: ToolStep[];
}

export const QUESTIONS = [
  "Why did my flow fail?",
  "Why are my runs late?",
  "What is holding my deployment?",
] as const;

/**
 * Asks the three questions through a connected MCP client, calling tools the way an assistant
 * would: find the subject, then ask the diagnosis tool about it. A tool the server does not offer
 * is recorded as missing, and the seeded ids stand in for what it would have found.
 */
export async function askQuestions(client: Client, incident: Incident): Promise<QuestionAnswer[]> {
  const { tools } = await client.listTools();
  const ask = asker(client, new Map(tools.map((tool) => [tool.name, tool])));

  const failedRuns = await ask("get_flow_runs", {
    filter: { state: { type: { any_: ["FAILED", "CRASHED"] } } },
    limit: 5,
  });
  const failedRunId = field(firstItems(failedRuns.data)[0], "id") ?? incident.failedRun.flowRunId;
  const failedDiagnosis = await ask("diagnose_flow_run", { flow_run_id: failedRunId });

  const lateRuns = await ask("get_flow_runs", {
    filter: { state: { name: { any_: ["Late"] } } },
    limit: 10,
  });
  const lateRunId = field(firstItems(lateRuns.data)[0], "id") ?? incident.lateRunIds[0];
  const lateDiagnosis = await ask("diagnose_flow_run", { flow_run_id: lateRunId });

  const deployments = await ask("get_deployments", {
    filter: { name: { any_: [incident.heldDeployment.name] } },
  });
  const deploymentId = field(firstItems(deployments.data)[0], "id") ?? incident.heldDeployment.id;
  const deploymentDiagnosis = await ask("diagnose_deployment", { deployment_id: deploymentId });

  return [
    { question: QUESTIONS[0], steps: [failedRuns.step, failedDiagnosis.step] },
    { question: QUESTIONS[1], steps: [lateRuns.step, lateDiagnosis.step] },
    { question: QUESTIONS[2], steps: [deployments.step, deploymentDiagnosis.step] },
  ];
}

function asker(client: Client, available: Map<string, Tool>) {
  return async (
    tool: string,
    wanted: Record<string, unknown>,
  ): Promise<{ step: ToolStep; data?: Record<string, unknown> }> => {
    const listing = available.get(tool);
    if (!listing) {
      return {
        step: { tool, args: wanted, status: "missing", answer: ["(tool not available yet)"] },
      };
    }
    // Send only the arguments this version of the tool declares.
    const declared = Object.keys(listing.inputSchema.properties ?? {});
    const args = Object.fromEntries(
      Object.entries(wanted).filter(([key]) => declared.includes(key)),
    );
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
    if (result.isError) {
      return {
        step: { tool, args, status: "error", answer: compactAnswer(tool, undefined, text) },
      };
    }
    const data = result.structuredContent;
    return { step: { tool, args, status: "ok", answer: compactAnswer(tool, data, text) }, data };
  };
}
