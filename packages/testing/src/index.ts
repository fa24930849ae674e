export {
  type PrefectServer,
  type StartPrefectServerOptions,
  startPrefectServer,
} from "./prefect-server.js";
export { ensurePrefectEnv, type PrefectEnv } from "./python-env.js";
