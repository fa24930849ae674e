import { packageTestConfig } from "../../vitest.shared.js";

// The browser test renders the views against a real Prefect server.
export default packageTestConfig({ prefectServer: true });
