import type { AnyTool } from "../define-tool.js";
import { getFlows } from "./get-flows.js";

/** The catalogue: every tool this package offers, in the order a newcomer should read them. */
export const allTools: readonly AnyTool[] = [getFlows];
