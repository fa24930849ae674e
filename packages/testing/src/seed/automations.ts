import type { Schema } from "@prefect-mcp/client";
import { uniqueName } from "./names.js";
import type { SeedClient } from "./seed-client.js";

export type Automation = Schema<"Automation">;
export type AutomationAction = Schema<"AutomationCreate">["actions"][number];
type ResourceSpecification = Record<string, string | string[]>;

export interface EventTriggerSeed {
  /** Reactive fires on events that happen; Proactive on expected events that do not (default
   * Reactive). */
  posture?: "Reactive" | "Proactive";
  /** Event names that count, e.g. `prefect.flow-run.Failed` (default: that one). */
  expect?: string[];
  /** Proactive: events that start the clock, e.g. `prefect.flow-run.Running`. */
  after?: string[];
  /** Labels the event's resource must have (default: any flow run). */
  match?: ResourceSpecification;
  matchRelated?: ResourceSpecification;
  /** Labels that split counting, e.g. one count per flow run (default `prefect.resource.id`). */
  forEach?: string[];
  /** Events needed (Reactive) or expected (Proactive) within the window (default 1). */
  threshold?: number;
  /** The window in seconds (default: 0 for Reactive, 1 hour for Proactive; Prefect's floor for
   * Proactive is 10 s). */
  withinSeconds?: number;
}

export interface CreateAutomationOptions {
  /** Default: a unique name starting with `automation`. */
  name?: string;
  description?: string;
  /** Default true. */
  enabled?: boolean;
  trigger?: EventTriggerSeed;
  /** Default: one `do-nothing` action, so a seeded automation can fire without side effects. */
  actions?: AutomationAction[];
  tags?: string[];
}

/** Creates an automation with an event trigger, e.g. "when a flow run fails, do nothing". */
export async function createAutomation(
  client: SeedClient,
  options: CreateAutomationOptions = {},
): Promise<Automation> {
  const trigger = options.trigger ?? {};
  const posture = trigger.posture ?? "Reactive";
  return client.POST("/automations/", {
    body: {
      name: options.name ?? uniqueName("automation"),
      description: options.description ?? "",
      enabled: options.enabled ?? true,
      tags: options.tags ?? [],
      trigger: {
        type: "event",
        posture,
        expect: trigger.expect ?? ["prefect.flow-run.Failed"],
        after: trigger.after ?? [],
        match: trigger.match ?? { "prefect.resource.id": "prefect.flow-run.*" },
        match_related: trigger.matchRelated ?? {},
        for_each: trigger.forEach ?? ["prefect.resource.id"],
        threshold: trigger.threshold ?? 1,
        within: trigger.withinSeconds ?? (posture === "Proactive" ? 3600 : 0),
      },
      actions: options.actions ?? [{ type: "do-nothing" }],
    },
  });
}
