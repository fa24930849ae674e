// Calls ensurePrefectEnv() in its own process and prints the result, so a test can start several
// at once, as parallel test workers do.
import { ensurePrefectEnv } from "../../src/index.js";

const env = await ensurePrefectEnv();
process.stdout.write(`${JSON.stringify(env)}\n`);
