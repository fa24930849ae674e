import type { Schema } from "@prefect-mcp/client";
import { uniqueName } from "./names.js";
import type { SeedClient } from "./seed-client.js";

export type Flow = Schema<"Flow">;

export interface CreateFlowOptions {
  /** Default: a unique name starting with `flow`. */
  name?: string;
  tags?: string[];
}

/** Registers a flow. Prefect returns the existing flow when the name is taken. */
export async function createFlow(
  client: SeedClient,
  options: CreateFlowOptions = {},
): Promise<Flow> {
  return client.POST("/flows/", {
    body: { name: options.name ?? uniqueName("flow"), tags: options.tags ?? [] },
  });
}
