import type { AnyScenario } from "../src/scenario.js";
import automationDisabled from "./automation-disabled.js";
import automationMatchMismatch from "./automation-match-mismatch.js";
import automationThresholdNotMet from "./automation-threshold-not-met.js";
import cancelLateRuns from "./cancel-late-runs.js";
import createProactiveAutomation from "./create-proactive-automation.js";
import createReactiveAutomation from "./create-reactive-automation.js";
import flowRunFailureReason from "./flow-run-failure-reason.js";
import flowRunRetriesExhausted from "./flow-run-retries-exhausted.js";
import lastFailingFlowRun from "./last-failing-flow-run.js";
import lateRunsDeploymentConcurrency from "./late-runs-deployment-concurrency.js";
import lateRunsGlobalConcurrency from "./late-runs-global-concurrency.js";
import lateRunsPausedDeployment from "./late-runs-paused-deployment.js";
import lateRunsPausedQueue from "./late-runs-paused-queue.js";
import lateRunsTagConcurrency from "./late-runs-tag-concurrency.js";
import lateRunsUnhealthyWorkPool from "./late-runs-unhealthy-work-pool.js";
import lateRunsWorkPoolConcurrency from "./late-runs-work-pool-concurrency.js";
import lateRunsWorkQueueConcurrency from "./late-runs-work-queue-concurrency.js";
import listFlows from "./list-flows.js";
import triggerDeploymentRun from "./trigger-deployment-run.js";

/**
 * Every support case, in the order the runners play them on one shared Prefect server. The order
 * matters once: "the last failing run" must come after the scenarios that make failures of
 * their own, and before the automation cases, whose seeds fail runs too.
 */
export const scenarios: readonly AnyScenario[] = [
  listFlows,
  flowRunFailureReason,
  flowRunRetriesExhausted,
  lastFailingFlowRun,
  lateRunsUnhealthyWorkPool,
  lateRunsWorkPoolConcurrency,
  lateRunsWorkQueueConcurrency,
  lateRunsDeploymentConcurrency,
  lateRunsTagConcurrency,
  lateRunsGlobalConcurrency,
  lateRunsPausedDeployment,
  lateRunsPausedQueue,
  automationThresholdNotMet,
  automationMatchMismatch,
  automationDisabled,
  cancelLateRuns,
  triggerDeploymentRun,
  createReactiveAutomation,
  createProactiveAutomation,
];
