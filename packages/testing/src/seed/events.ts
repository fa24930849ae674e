import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Schema } from "@prefect-mcp/client";
import type { SeedClient } from "./seed-client.js";
import { iso } from "./states.js";

export type PrefectEvent = Schema<"Event">;

export interface EventSeed {
  /** e.g. `prefect.flow-run.Failed` or `acme.invoice.overdue` */
  event: string;
  /** The `prefect.resource.id` of the resource it is about, e.g. `prefect.flow-run.<id>`. */
  resourceId: string;
  /** More labels of that resource, e.g. `{ "prefect.resource.name": "nightly" }`. */
  resourceLabels?: Record<string, string>;
  /** Related resources, each with `prefect.resource.id` and `prefect.resource.role`. */
  related?: Record<string, string>[];
  payload?: Record<string, unknown>;
  /** Default: now. */
  occurred?: Date | string;
  /** Default: a random UUID. */
  id?: string;
}

export interface EmitEventsOptions {
  /**
   * Wait until `/events/filter` returns every event (default true). Prefect accepts events at once
   * but writes them in batches, every 5 seconds by default.
   */
  waitUntilVisible?: boolean;
  /** Default 20 000. */
  timeoutMs?: number;
}

/** Records events, as Prefect's clients and integrations send them. */
export async function emitEvents(
  client: SeedClient,
  seeds: EventSeed[],
  options: EmitEventsOptions = {},
): Promise<PrefectEvent[]> {
  const events: PrefectEvent[] = seeds.map((seed) => ({
    id: seed.id ?? randomUUID(),
    event: seed.event,
    occurred: iso(seed.occurred ?? new Date()),
    resource: { ...seed.resourceLabels, "prefect.resource.id": seed.resourceId },
    related: seed.related ?? [],
    payload: seed.payload ?? {},
  }));
  await client.POST("/events", { body: events });
  if (options.waitUntilVisible ?? true) await waitForEvents(client, events, options.timeoutMs);
  return events;
}

async function waitForEvents(client: SeedClient, events: PrefectEvent[], timeoutMs = 20_000) {
  if (events.length === 0) return;
  const times = events.map((event) => Date.parse(event.occurred));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await client.POST("/events/filter", {
      body: {
        filter: {
          id: { id: events.map((event) => event.id) },
          // The default window is the last day; seeded events may lie outside it.
          occurred: {
            since: new Date(Math.min(...times) - 1_000).toISOString(),
            until: new Date(Math.max(...times) + 1_000).toISOString(),
          },
        },
        limit: events.length,
      },
    });
    if (page.total >= events.length) return;
    if (Date.now() > deadline) {
      throw new Error(
        `only ${page.total} of ${events.length} seeded events became visible within ${timeoutMs} ms`,
      );
    }
    await sleep(250);
  }
}
