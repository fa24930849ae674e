export {
  type Automation,
  type AutomationAction,
  type CreateAutomationOptions,
  createAutomation,
  type EventTriggerSeed,
} from "./automations.js";
export {
  type CreateGlobalConcurrencyLimitOptions,
  type CreateTagConcurrencyLimitOptions,
  createGlobalConcurrencyLimit,
  createTagConcurrencyLimit,
  type GlobalConcurrencyLimit,
  type TagConcurrencyLimit,
} from "./concurrency-limits.js";
export {
  type CreateDeploymentOptions,
  createDeployment,
  type Deployment,
  pollDeployments,
  type ScheduleSeed,
} from "./deployments.js";
export {
  type EmitEventsOptions,
  type EventSeed,
  emitEvents,
  type PrefectEvent,
} from "./events.js";
export {
  type CreateFlowRunOptions,
  createFlowRun,
  type FlowRun,
  setFlowRunState,
} from "./flow-runs.js";
export { type CreateFlowOptions, createFlow, type Flow } from "./flows.js";
export { createLogs, LOG_LEVELS, type LogLevelName, type LogSeed } from "./logs.js";
export { uniqueName } from "./names.js";
export {
  createSeedClient,
  type SeedClient,
  type SeedClientOptions,
  type SeedMethod,
  SeedRequestError,
} from "./seed-client.js";
export {
  RUN_STATE_NAMES,
  type RunStateInput,
  type RunStateName,
  type RunStateSeed,
  stateTypeOf,
} from "./states.js";
export {
  type CreateTaskRunOptions,
  createTaskRun,
  setTaskRunState,
  type TaskRun,
} from "./task-runs.js";
export {
  type CreateWorkPoolOptions,
  createWorkPool,
  createWorkQueue,
  type SeededWorkPool,
  sendWorkerHeartbeat,
  type Worker,
  type WorkerHeartbeatOptions,
  type WorkPool,
  type WorkQueue,
  type WorkQueueSeed,
} from "./work-pools.js";
export { type PollWorkQueuesOptions, pollWorkQueues } from "./worker-polls.js";
