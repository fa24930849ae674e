import { fileURLToPath } from "node:url";
import { createSeedClient, runProcess, uniqueName } from "@prefect-mcp/testing";
import { describe, expect, inject, it } from "vitest";
import { CLIENT_CONFIGS } from "../scripts/client-configs.js";
import { askQuestions, QUESTIONS, seedIncident } from "../scripts/incident.js";
import { connectStdio, isolatedEnv } from "./stdio-process.js";

const apiUrl = inject("prefectApiUrl");
const APP_DIR = fileURLToPath(new URL("..", import.meta.url));

describe("the demo's incident, asked about through the built bin", () => {
  it("answers each question with the concrete causes: the exception, the paused pool, the full limit", async () => {
    const suffix = uniqueName("demo").slice("demo-".length);
    const incident = await seedIncident(createSeedClient({ apiUrl }), apiUrl, { suffix });
    const session = await connectStdio(["--no-docs"], isolatedEnv({ PREFECT_API_URL: apiUrl }));
    let answers: Awaited<ReturnType<typeof askQuestions>>;
    try {
      answers = await askQuestions(session.client, incident);
    } finally {
      await session.close();
    }

    expect(answers.map((answer) => answer.question)).toEqual([...QUESTIONS]);
    const steps = answers.flatMap((answer) => answer.steps);
    for (const step of steps) {
      expect(step, `${step.tool}: ${step.answer.join(" | ")}`).toMatchObject({ status: "ok" });
    }
    const [failed, late, held] = answers.map((answer) => answer.steps);
    const diagnosis = (question: typeof failed) =>
      question?.find((step) => step.tool.startsWith("diagnose_"))?.answer.join("\n") ?? "";
    // Each question ends in a diagnosis naming the concrete cause and the object it is about.
    expect(diagnosis(failed)).toContain("[task_failed]");
    expect(diagnosis(failed)).toContain("ValueError: invoice 42 has no customer");
    expect(diagnosis(late)).toContain("[work_pool_paused]");
    expect(diagnosis(late)).toContain(incident.pausedPool);
    // Its waiting run was turned away for want of a slot: the limit ranks first.
    expect(diagnosis(held)).toContain("1. [deployment_concurrency_full]");
    const lateRuns = late?.find((step) => step.tool === "get_flow_runs")?.answer.join("\n");
    expect(lateRuns?.match(/Late/g)).toHaveLength(3);
  });

  it("runs end to end: its own Prefect, the three questions, the client configs, and a clean stop", async () => {
    const { code, stdout, stderr } = await runProcess(
      fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url)),
      ["--conditions=@prefect-mcp/source", "scripts/demo.ts"],
      { cwd: APP_DIR, env: { ...process.env, NO_COLOR: "1" } },
    );

    expect(code, stderr).toBe(0);
    for (const question of QUESTIONS) expect(stdout).toContain(`❯ ${question}`);
    expect(stdout).toContain("→ get_flow_runs(");
    expect(stdout).toContain("→ diagnose_flow_run(");
    expect(stdout).toContain("claude mcp add prefect -- npx -y @prefect-mcp/stdio");
    for (const { file, stdio } of CLIENT_CONFIGS) {
      if (file) expect(stdout).toContain(file);
      expect(stdout).toContain(stdio.replace(/^/gm, "  "));
    }
    expect(stdout.trimEnd().endsWith("Stopped the local Prefect server.")).toBe(true);
    expect(stdout).toContain("invoice 42 has no customer");
  }, 90_000);
});
