import type { PrefectClient, Schema } from "@prefect-mcp/client";
import { MAX_PER_REQUEST } from "./list-page.js";

// What several tools share: batched reads (one request per page of items, never one per item),
// bounds on text a Prefect object may hold in any size, and run timing.

/** Flow names by id: one `/flows/filter` per 200 ids. */
export async function flowNames(client: PrefectClient, ids: Iterable<string>) {
  const names = new Map<string, string>();
  for (const chunk of chunksOf(unique(ids))) {
    const flows = await client.POST("/flows/filter", {
      body: { flows: { id: { any_: chunk } }, limit: chunk.length },
    });
    for (const flow of flows) names.set(flow.id, flow.name);
  }
  return names;
}

/** Deployment names by id: one `/deployments/filter` per 200 ids. */
export async function deploymentNames(client: PrefectClient, ids: Iterable<string>) {
  const names = new Map<string, string>();
  for (const chunk of chunksOf(unique(ids))) {
    const deployments = await client.POST("/deployments/filter", {
      body: { deployments: { id: { any_: chunk } }, limit: chunk.length },
    });
    for (const deployment of deployments) names.set(deployment.id, deployment.name);
  }
  return names;
}

type FlowRun = Schema<"FlowRunResponse">;

export interface LatestRuns {
  /** The latest matching run of each deployment that has one. */
  byDeployment: Map<string, FlowRun>;
  /** Deployments whose latest run was not found within the request budget (not: have none). */
  unresolved: string[];
}

/**
 * The latest run of each deployment (by start time, or expected start for runs that have not
 * started), among runs matching `flowRuns`. One request covers all deployments; when its 200 runs
 * all belong to a few busy deployments, the next request asks only for the deployments still
 * missing, up to `maxRequests`.
 */
export async function latestRunPerDeployment(
  client: PrefectClient,
  deploymentIds: string[],
  flowRuns: Schema<"FlowRunFilter">,
  maxRequests = 3,
): Promise<LatestRuns> {
  const byDeployment = new Map<string, FlowRun>();
  let missing = unique(deploymentIds);
  for (let request = 0; request < maxRequests && missing.length > 0; request++) {
    const runs = await client.POST("/flow_runs/filter", {
      body: {
        flow_runs: { ...flowRuns, deployment_id: { any_: missing } },
        sort: "START_TIME_DESC",
        limit: MAX_PER_REQUEST,
      },
    });
    for (const run of runs) {
      if (run.deployment_id && !byDeployment.has(run.deployment_id)) {
        byDeployment.set(run.deployment_id, run);
      }
    }
    missing = missing.filter((id) => !byDeployment.has(id));
    // A short answer held every matching run: the deployments still missing have none.
    if (runs.length < MAX_PER_REQUEST) return { byDeployment, unresolved: [] };
  }
  return { byDeployment, unresolved: missing };
}

const FINAL_STATE_TYPES = new Set(["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]);

/** Whether a run in this state type is over (it will not start or change on its own). */
export function isFinal(stateType: string | null | undefined): boolean {
  return FINAL_STATE_TYPES.has(stateType ?? "");
}

/** How long a run ran, or has been running so far; undefined if it never started. */
export function runDuration(
  run: { start_time?: string | null; end_time?: string | null; state_type?: string | null },
  at: Date,
): number | undefined {
  if (!run.start_time) return undefined;
  if (run.end_time) return secondsBetween(run.start_time, run.end_time);
  return isFinal(run.state_type) ? undefined : secondsBetween(run.start_time, at);
}

/** Seconds from `from` to `to` (ISO times), rounded to a tenth. */
export function secondsBetween(from: string, to: string | Date): number {
  const end = typeof to === "string" ? Date.parse(to) : to.getTime();
  return Math.round((end - Date.parse(from)) / 100) / 10;
}

/** `text` cut to at most `max` characters, keeping its head and tail (a traceback's last line). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = `\n… [${text.length - max} characters cut] …\n`;
  const head = Math.floor((max - cut.length) * 0.4);
  const tail = max - cut.length - head;
  return `${text.slice(0, head)}${cut}${text.slice(text.length - tail)}`;
}

/** A parameters object with every value over `max` JSON characters replaced by a short note. */
export function boundedValues(
  values: Record<string, unknown> | null | undefined,
  max = 500,
): Record<string, unknown> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => {
      const size = JSON.stringify(value)?.length ?? 0;
      return [key, size > max ? `[a value of ${size} characters, left out]` : value];
    }),
  );
}

function unique(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

function chunksOf(ids: string[]): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < ids.length; start += MAX_PER_REQUEST) {
    chunks.push(ids.slice(start, start + MAX_PER_REQUEST));
  }
  return chunks;
}

/**
 * Reads one part of an answer on its own: if it fails, the answer says so in `notes` (the message
 * of a Prefect error, already free of credentials) and carries null there, instead of failing whole.
 */
export function partReader(notes: string[]) {
  return async <T>(what: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      notes.push(`${what} unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  };
}
