import { describe, expect, it } from "vitest";
import cancelLateRuns from "../scenarios/cancel-late-runs.js";
import { automationJsonIn, draftAutomation } from "../src/automation-draft.js";
import { namesCause } from "../src/checks.js";
import { commandsIn, shellWords } from "../src/prefect-cli.js";
import type { EvalContext } from "../src/scenario.js";

// The checks' own logic, on hand-written answers: a check that cannot fail proves nothing.

const ctx = {} as EvalContext;

describe("reading commands out of an answer", () => {
  it("finds commands in code blocks, inline code and prompts, without the closing backtick or a comment", () => {
    const answer = [
      "Run:",
      "```sh",
      "$ prefect flow-run cancel 11111111-1111-1111-1111-111111111111",
      "prefect flow-run cancel 22222222-2222-2222-2222-222222222222  # the older one",
      "```",
      "or `prefect flow-run cancel 33333333-3333-3333-3333-333333333333` in a sentence.",
    ].join("\n");

    expect(commandsIn(answer, "prefect flow-run cancel")).toEqual([
      "prefect flow-run cancel 11111111-1111-1111-1111-111111111111",
      "prefect flow-run cancel 22222222-2222-2222-2222-222222222222",
      "prefect flow-run cancel 33333333-3333-3333-3333-333333333333",
    ]);
  });

  it("splits a command into the words a shell would pass", () => {
    expect(shellWords(`prefect deployment run 'etl/daily sync' --param "region=eu west"`)).toEqual([
      "prefect",
      "deployment",
      "run",
      "etl/daily sync",
      "--param",
      "region=eu west",
    ]);
    expect(shellWords(`prefect work-queue resume "q" --pool "p"`)).toEqual([
      "prefect",
      "work-queue",
      "resume",
      "q",
      "--pool",
      "p",
    ]);
  });
});

describe("checks fail on answers that miss", () => {
  it("names a cause only with both the code and the object", () => {
    const check = namesCause("work_pool_paused", "work pool", () => "etl-pool");

    expect(check.pass("[work_pool_paused] Work pool etl-pool is paused.", [], {}, ctx)).toBe(true);
    expect(check.pass("Work pool etl-pool is paused.", [], {}, ctx)).toBe(false);
    expect(check.pass("[work_pool_paused] A work pool is paused.", [], {}, ctx)).toBe(false);
  });

  it("refuses a cancel list with a run too many or one missing", () => {
    const [commandsForEachRun] = cancelLateRuns.checks;
    const facts = { deploymentName: "d", lateRunIds: ["a-1", "a-2"], untouchedRunIds: ["b-1"] };
    const answer = (ids: string[]) => ids.map((id) => `prefect flow-run cancel ${id}`).join("\n");

    expect(commandsForEachRun?.pass(answer(["a-1", "a-2"]), [], facts, ctx)).toBe(true);
    expect(commandsForEachRun?.pass(answer(["a-1", "a-2", "b-1"]), [], facts, ctx)).toBe(false);
    expect(commandsForEachRun?.pass(answer(["a-1"]), [], facts, ctx)).toBe(false);
  });
});

describe("automation drafts", () => {
  const schema = {
    type: "object",
    required: ["name", "trigger"],
    properties: {
      name: { type: "string" },
      description: { type: "string" },
      enabled: { type: "boolean" },
      trigger: { anyOf: [{ $ref: "#/$defs/EventTrigger" }] },
      actions: { type: "array", items: { anyOf: [{ $ref: "#/$defs/DoNothing" }] } },
    },
    $defs: {
      EventTrigger: {
        type: "object",
        required: ["posture"],
        properties: {
          type: { const: "event" },
          posture: { enum: ["Reactive", "Proactive"] },
          expect: { type: "array", items: { type: "string" } },
        },
      },
      DoNothing: { type: "object", properties: { type: { const: "do-nothing" } } },
    },
  };

  it("builds the draft from the schema's variants and refuses what the schema lacks", () => {
    const intent = {
      name: "n",
      description: "d",
      trigger: { posture: "Reactive", expect: ["prefect.flow-run.Failed"] },
      action: { type: "do-nothing" },
    };

    expect(draftAutomation(schema, intent)).toMatchObject({
      trigger: { type: "event", posture: "Reactive" },
      actions: [{ type: "do-nothing" }],
    });
    expect(() =>
      draftAutomation(schema, { ...intent, action: { type: "cancel-flow-run" } }),
    ).toThrow('no "cancel-flow-run" variant');
    expect(() =>
      draftAutomation(schema, { ...intent, trigger: { posture: "Reactive", within: 5 } }),
    ).toThrow("does not declare within");
    expect(() => draftAutomation(schema, { ...intent, trigger: { posture: "Sideways" } })).toThrow(
      "breaks the automation schema",
    );
  });

  it("takes the JSON block with a trigger from an answer, skipping shell blocks", () => {
    const answer = [
      "```sh",
      "prefect automation create --from-file automation.json",
      "```",
      "```json",
      '{"name": "n", "trigger": {"type": "event"}}',
      "```",
    ].join("\n");

    expect(automationJsonIn(answer)).toEqual({ name: "n", trigger: { type: "event" } });
    expect(automationJsonIn("no JSON here")).toBeUndefined();
  });
});
