import { runLlmEvals } from "./runner.js";

process.exitCode = await runLlmEvals(process.env, (line) => process.stdout.write(`${line}\n`));
