import type { Schema } from "@prefect-mcp/client";
import type { SeedClient } from "@prefect-mcp/testing";
import { automationJsonIn } from "./automation-draft.js";

type Automation = Schema<"Automation">;
/** The event trigger's fields a check reads back. */
export type EventTrigger = Extract<Automation["trigger"], { type?: "event" }>;

/**
 * Creates the automation drafted in an answer, as `prefect automation create` would, through the
 * harness's seed client (the MCP server cannot write), hands the stored automation to `use`, and
 * deletes it afterwards so it cannot fire in later scenarios. `adjust` changes the draft first.
 */
export async function withAnswerAutomation<T>(
  seed: SeedClient,
  answer: string,
  use: (automation: Automation) => Promise<T>,
  adjust: (draft: Record<string, unknown>) => Record<string, unknown> = (draft) => draft,
): Promise<T> {
  const draft = automationJsonIn(answer);
  if (!draft)
    throw new Error("no automation JSON (a fenced code block with a trigger) in the answer");
  const created = await seed.POST("/automations/", { body: adjust(draft) as never });
  try {
    return await use(await seed.GET("/automations/{id}", { params: { path: { id: created.id } } }));
  } finally {
    await seed.DELETE("/automations/{id}", { params: { path: { id: created.id } } });
  }
}

/** The trigger of an automation, when it is a single event trigger. */
export function eventTrigger(automation: Automation): EventTrigger {
  const trigger = automation.trigger as { type?: string };
  if (trigger.type !== "event")
    throw new Error(`the trigger is ${trigger.type}, not an event trigger`);
  return automation.trigger as EventTrigger;
}
