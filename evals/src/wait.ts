import { setTimeout as sleep } from "node:timers/promises";
import type { SeedClient } from "@prefect-mcp/testing";

/** Reads until `read` gives something other than undefined, or `timeoutMs` passes (undefined). */
export async function poll<T>(
  read: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined || Date.now() > deadline) return value;
    await sleep(250);
  }
}

export interface EventQuery {
  /** e.g. `prefect.flow-run.Failed` */
  event: string;
  /** The `prefect.resource.id` it is about, e.g. `prefect.flow-run.<id>`. */
  resourceId: string;
  /** Default: 2 minutes ago. */
  since?: Date;
}

/**
 * Waits until Prefect has written an event it emitted itself (a state change, an automation
 * firing): its event persister writes in batches, so a fresh event is not readable at once.
 */
export async function waitForEvent(
  seed: SeedClient,
  query: EventQuery,
  timeoutMs = 30_000,
): Promise<boolean> {
  const found = await poll(async () => {
    const page = await seed.POST("/events/filter", {
      body: {
        filter: {
          event: { name: [query.event] },
          resource: { id: [query.resourceId] },
          occurred: {
            since: (query.since ?? new Date(Date.now() - 120_000)).toISOString(),
            until: new Date(Date.now() + 60_000).toISOString(),
          },
        },
        limit: 1,
      },
    });
    return page.total > 0 ? true : undefined;
  }, timeoutMs);
  return found === true;
}
