import type { AnyTool } from "../define-tool.js";
import { diagnoseAutomation } from "./diagnose-automation.js";
import { diagnoseDeployment } from "./diagnose-deployment.js";
import { diagnoseFlowRun } from "./diagnose-flow-run.js";
import { getAutomations } from "./get-automations.js";
import { getDashboard } from "./get-dashboard.js";
import { getDeploymentActivity } from "./get-deployment-activity.js";
import { getDeployments } from "./get-deployments.js";
import { getFlowRunLogs } from "./get-flow-run-logs.js";
import { getFlowRuns } from "./get-flow-runs.js";
import { getFlows } from "./get-flows.js";
import { getIdentity } from "./get-identity.js";
import { getObjectSchema } from "./get-object-schema.js";
import { getTaskRuns } from "./get-task-runs.js";
import { getWorkPools } from "./get-work-pools.js";
import { readEvents } from "./read-events.js";
import { reviewRateLimits } from "./review-rate-limits.js";

/** The catalogue: every tool this package offers, in the order a newcomer should read them. */
export const allTools: readonly AnyTool[] = [
  getFlows,
  getFlowRuns,
  getFlowRunLogs,
  getTaskRuns,
  getDeployments,
  getDeploymentActivity,
  getIdentity,
  getDashboard,
  getWorkPools,
  readEvents,
  getAutomations,
  getObjectSchema,
  reviewRateLimits,
  diagnoseFlowRun,
  diagnoseDeployment,
  diagnoseAutomation,
];
