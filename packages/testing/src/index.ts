export { isolatedEnv } from "./child-env.js";
export { type ChromiumHost, ensureChromium } from "./chromium.js";
export {
  type CloudSimulator,
  type CloudSimulatorOptions,
  type MintTokenOptions,
  type RecordedRequest,
  type SimulatedAccount,
  type SimulatedApiKey,
  type SimulatedOAuthClient,
  type SimulatedUser,
  type SimulatedWorkspace,
  startCloudSimulator,
  type ThrottledMinute,
  type TokenSigning,
} from "./cloud-simulator/index.js";
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
export {
  ensurePrefectEnv,
  ensurePythonEnv,
  type PrefectEnv,
  type PythonEnv,
  type PythonEnvSpec,
} from "./python-env.js";
export { readMarkedSection, readmePath, writeMarkedSection } from "./readme-sections.js";
export { type ProcessExit, type RunProcessOptions, runProcess } from "./run-process.js";
export * from "./seed/index.js";
export { type Exit, ServerProcess } from "./server-process.js";
export {
  connectHttpMcp,
  connectStdioMcp,
  type McpConnection,
  type ToolCallResult,
  toolCaller,
} from "./tool-calls.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The API URL of the run's shared Prefect server, e.g. `http://127.0.0.1:41234/api`. */
    prefectApiUrl: string;
  }
}

export { type BinName, builtBin } from "./built-bins.js";
export { freePort } from "./free-port.js";
export {
  type FaultRule,
  type LoopbackProxy,
  type LoopbackProxyOptions,
  type ProxiedRequest,
  type ProxyFault,
  startLoopbackProxy,
} from "./loopback-proxy.js";
