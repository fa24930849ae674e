import { createSeedClient } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { scenarios } from "../scenarios/index.js";
import { connectPrefectMcp, type McpSession } from "../src/mcp-session.js";
import { describeRun, runScenario, type ScenarioRun } from "../src/run-scenario.js";
import { deterministicScoreboard } from "../src/scoreboard.js";

const apiUrl = inject("prefectApiUrl");
const ctx = { apiUrl, seed: createSeedClient({ apiUrl }) };
const runs: ScenarioRun[] = [];
let session: McpSession;

beforeAll(async () => {
  session = await connectPrefectMcp(apiUrl);
});

afterAll(async () => {
  await session?.close();
  console.log(`Deterministic evals\n${deterministicScoreboard(runs)}`);
});

describe("each support case, answered from the built prefect-mcp bin's tool results", () => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: the answer names the concrete cause or the exact action`, async () => {
      const run = await runScenario(scenario, session, ctx);
      runs.push(run);
      if (!run.passed) expect.fail(describeRun(run));
    });
  }
});
