import type { Schema } from "@prefect-mcp/client";

type StateType = Schema<"StateType">;

/** The state of a run as Prefect's UI names it: a state type, or a named variant of one. */
export type RunStateName =
  | "Scheduled"
  | "Late"
  | "AwaitingConcurrencySlot"
  | "AwaitingRetry"
  | "Pending"
  | "Running"
  | "Paused"
  | "Completed"
  | "Failed"
  | "Crashed"
  | "Cancelling"
  | "Cancelled";

const STATE_TYPES: Record<RunStateName, StateType> = {
  Scheduled: "SCHEDULED",
  Late: "SCHEDULED",
  AwaitingConcurrencySlot: "SCHEDULED",
  AwaitingRetry: "SCHEDULED",
  Pending: "PENDING",
  Running: "RUNNING",
  Paused: "PAUSED",
  Completed: "COMPLETED",
  Failed: "FAILED",
  Crashed: "CRASHED",
  Cancelling: "CANCELLING",
  Cancelled: "CANCELLED",
};

export const RUN_STATE_NAMES = Object.keys(STATE_TYPES) as RunStateName[];

export interface RunStateSeed {
  name: RunStateName;
  message?: string;
  /**
   * When a SCHEDULED-type state is due. Defaults: Scheduled in 1 hour, Late 10 minutes ago,
   * AwaitingConcurrencySlot and AwaitingRetry now.
   */
  scheduledTime?: Date | string;
}

/** A state name, or a name with a message and (for SCHEDULED types) a due time. */
export type RunStateInput = RunStateName | RunStateSeed;

const MINUTE = 60_000;

export function stateTypeOf(name: RunStateName): StateType {
  return STATE_TYPES[name];
}

/** Builds the `StateCreate` body Prefect expects for a state, with its scheduled time. */
export function stateCreate(input: RunStateInput): Schema<"StateCreate"> {
  const seed = typeof input === "string" ? { name: input } : input;
  const type = STATE_TYPES[seed.name];
  const scheduledTime =
    type === "SCHEDULED" ? iso(seed.scheduledTime ?? defaultScheduledTime(seed.name)) : null;
  return {
    type,
    name: seed.name,
    message: seed.message ?? null,
    state_details: { scheduled_time: scheduledTime },
  };
}

/**
 * The states a run passes through on its way to `target` (default Pending), the last one carrying
 * its message, so seeded runs get the start time, end time and run count a real run would.
 * States a run sits in before it starts are set directly.
 */
export function stateSteps(target: RunStateInput = "Pending"): [RunStateInput, ...RunStateInput[]] {
  const name = typeof target === "string" ? target : target.name;
  switch (STATE_TYPES[name]) {
    case "SCHEDULED":
    case "PENDING":
      return [target];
    case "RUNNING":
      return ["Pending", target];
    case "CANCELLED":
      return ["Pending", "Running", "Cancelling", target];
    default:
      return ["Pending", "Running", target];
  }
}

function defaultScheduledTime(name: RunStateName): Date {
  if (name === "Scheduled") return new Date(Date.now() + 60 * MINUTE);
  if (name === "Late") return new Date(Date.now() - 10 * MINUTE);
  return new Date();
}

export function iso(time: Date | string): string {
  return typeof time === "string" ? time : time.toISOString();
}

/** set_state answers 2xx even when it refuses a state; the refusal is in `status`. */
export function assertAccepted(
  result: Schema<"OrchestrationResult">,
  what: string,
  state: RunStateInput,
): void {
  if (result.status === "ACCEPT") return;
  const name = typeof state === "string" ? state : state.name;
  const reason = "reason" in result.details ? result.details.reason : undefined;
  throw new Error(
    `Prefect answered ${result.status} to setting ${what} to ${name}${reason ? `: ${reason}` : ""}`,
  );
}
