import {
  createDeployment,
  createFlow,
  createFlowRun,
  type Deployment,
  type Flow,
  type SeedClient,
  uniqueName,
} from "@prefect-mcp/testing";
import { waitForEvent } from "./wait.js";

export interface FailingFlow {
  flow: Flow;
  /** A real deployment for an automation to run in response (paging someone, say). */
  responder: Deployment;
}

/** A flow whose failures an automation is meant to react to, and the deployment it would run. */
export async function createFailingFlow(seed: SeedClient, prefix: string): Promise<FailingFlow> {
  const flow = await createFlow(seed, { name: uniqueName(prefix) });
  const responder = await createDeployment(seed, { name: uniqueName("page-on-call") });
  return { flow, responder };
}

/**
 * Fails a run of the flow and waits until Prefect's own `prefect.flow-run.Failed` event for it is
 * readable: the event a "not firing" automation, created before it, should have reacted to.
 * Returns the run's name.
 */
export async function failRun(seed: SeedClient, flow: Flow): Promise<string> {
  const name = uniqueName(`${flow.name}-run`);
  const run = await createFlowRun(seed, {
    flowId: flow.id,
    name,
    state: {
      name: "Failed",
      message: "Flow run encountered an exception: RuntimeError: card declined",
    },
  });
  const seen = await waitForEvent(seed, {
    event: "prefect.flow-run.Failed",
    resourceId: `prefect.flow-run.${run.id}`,
  });
  if (!seen) throw new Error(`Prefect's Failed event for flow run ${run.id} never became readable`);
  return name;
}
