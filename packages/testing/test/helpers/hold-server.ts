// Starts a Prefect server, prints its API URL, and then waits to be killed. The harness test kills
// this process with SIGKILL to prove the server does not outlive the process that started it.
import { startPrefectServer } from "../../src/index.js";

const server = await startPrefectServer();
process.stdout.write(`${JSON.stringify({ apiUrl: server.apiUrl, home: server.home })}\n`);
setInterval(() => {}, 60_000);
