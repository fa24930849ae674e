import type { Schema } from "@prefect-mcp/client";
import { uniqueName } from "./names.js";
import type { SeedClient } from "./seed-client.js";

export type TagConcurrencyLimit = Schema<"ConcurrencyLimit">;
export type GlobalConcurrencyLimit = Schema<"GlobalConcurrencyLimitResponse">;

export interface CreateTagConcurrencyLimitOptions {
  /** Default: a unique tag starting with `tag`. */
  tag?: string;
  /** Task runs with this tag allowed at once (default 1). */
  limit?: number;
  /** Task run ids that hold a slot, one slot each, as if they were running now. */
  occupiedBy?: string[];
}

/**
 * Creates a tag-based (v1) task concurrency limit, optionally with occupied slots. Prefect 3.9
 * stores it as a global limit named `tag:<tag>`, which is also what /v2/concurrency_limits lists.
 */
export async function createTagConcurrencyLimit(
  client: SeedClient,
  options: CreateTagConcurrencyLimitOptions = {},
): Promise<TagConcurrencyLimit> {
  const tag = options.tag ?? uniqueName("tag");
  await client.POST("/concurrency_limits/", {
    body: { tag, concurrency_limit: options.limit ?? 1 },
  });
  for (const taskRunId of options.occupiedBy ?? []) {
    await client.POST("/concurrency_limits/increment", {
      body: { names: [tag], task_run_id: taskRunId },
    });
  }
  return client.GET("/concurrency_limits/tag/{tag}", { params: { path: { tag } } });
}

export interface CreateGlobalConcurrencyLimitOptions {
  /** Default: a unique name starting with `limit`. */
  name?: string;
  /** Slots in total (default 1). */
  limit?: number;
  /** Slots taken now (default 0). */
  activeSlots?: number;
  /** An inactive limit is not enforced (default true). */
  active?: boolean;
  /** Makes it a rate limit: slots free themselves at this rate (default 0: they never decay). */
  slotDecayPerSecond?: number;
  /** Requests already refused for lack of a slot. */
  deniedSlots?: number;
}

/** Creates a global (v2) concurrency limit, optionally with slots already taken. */
export async function createGlobalConcurrencyLimit(
  client: SeedClient,
  options: CreateGlobalConcurrencyLimitOptions = {},
): Promise<GlobalConcurrencyLimit> {
  const created = await client.POST("/v2/concurrency_limits/", {
    body: {
      name: options.name ?? uniqueName("limit"),
      limit: options.limit ?? 1,
      active_slots: options.activeSlots ?? 0,
      active: options.active ?? true,
      slot_decay_per_second: options.slotDecayPerSecond ?? 0,
      denied_slots: options.deniedSlots ?? 0,
    },
  });
  return client.GET("/v2/concurrency_limits/{id_or_name}", {
    params: { path: { id_or_name: created.id } },
  });
}
