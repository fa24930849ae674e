export {
  type FixtureFlowName,
  type FixtureFlowRun,
  type RunFixtureFlowOptions,
  runFixtureFlow,
} from "./flows.js";
export {
  type PrefectServer,
  type StartPrefectServerOptions,
  startPrefectServer,
} from "./prefect-server.js";
export { ensurePrefectEnv, type PrefectEnv } from "./python-env.js";
export * from "./seed/index.js";
