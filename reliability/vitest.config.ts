import { packageTestConfig } from "../vitest.shared.js";

// Each test file starts its own Prefect server(s) with a fake auth string, so none is shared.
export default packageTestConfig();
