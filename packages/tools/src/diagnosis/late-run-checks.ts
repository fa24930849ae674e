import type { PrefectClient, Schema } from "@prefect-mcp/client";
import type { Findings } from "./diagnosis.js";

/** What the late-run checks examine: one waiting run, or a deployment (and its waiting runs). */
export interface WaitingWork {
  deployment?: Schema<"DeploymentResponse">;
  /** The run being diagnosed, when there is one (its tags, queue and state decide some checks). */
  run?: Schema<"FlowRunResponse">;
}

/**
 * Why scheduled work is not starting: checks every known cause against live state and records
 * each in `findings` as found (with evidence and the fix) or ruled out. Batched reads only.
 */
export async function checkWhyNotStarted(
  _client: PrefectClient,
  _work: WaitingWork,
  _now: Date,
  _findings: Findings,
): Promise<void> {
  throw new Error("checkWhyNotStarted is being written");
}
