import { isRecord } from "../shared/evidence.js";
import { stateTypeOf } from "../shared/states.js";
import type { EventInfo, RunInfo } from "./flow-run-data.js";

const EVENT_PREFIX = "prefect.flow-run.";
const HOUR_MS = 3_600_000;

export interface TimelineEntry {
  name: string;
  type?: string;
  /** ISO time; absent when only the current state is known and not when it began. */
  at?: string;
}

/**
 * The run's state changes, oldest first, from its `prefect.flow-run.<State>` events. Without any,
 * they are inferred from the run's own times: scheduled, started, ended, and its current state.
 */
export function stateTimeline(
  events: EventInfo[],
  run: RunInfo,
): { entries: TimelineEntry[]; inferred: boolean } {
  const entries = events
    .flatMap((event) => {
      const name = event.event?.startsWith(EVENT_PREFIX)
        ? event.event.slice(EVENT_PREFIX.length)
        : "";
      // State names are capitalised; other flow-run events (e.g. `heartbeat`) are not states.
      if (!/^[A-Z]/.test(name) || !event.occurred || Number.isNaN(Date.parse(event.occurred))) {
        return [];
      }
      return [{ name, type: eventStateType(event) ?? stateTypeOf(name), at: event.occurred }];
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (entries.length) return { entries, inferred: false };
  return { entries: inferredTimeline(run), inferred: true };
}

function inferredTimeline(run: RunInfo): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  if (run.expected_start_time) {
    entries.push({ name: "Scheduled", type: "SCHEDULED", at: run.expected_start_time });
  }
  if (run.start_time) entries.push({ name: "Running", type: "RUNNING", at: run.start_time });
  const current = run.state_name;
  if (run.end_time) {
    entries.push({ name: current ?? "Ended", type: run.state_type, at: run.end_time });
  } else if (current && entries.at(-1)?.name !== current) {
    entries.push({ name: current, type: run.state_type ?? stateTypeOf(current) });
  }
  return entries;
}

/** The validated state's type, when the event's payload still carries it. */
function eventStateType(event: EventInfo): string | undefined {
  const state = isRecord(event.payload) ? event.payload.validated_state : undefined;
  return isRecord(state) && typeof state.type === "string" ? state.type : undefined;
}

/**
 * The read_events window for a run's state changes: from an hour before it was expected (or
 * started, whichever is first) until a minute after it ended (or `now`).
 */
export function eventWindow(
  run: RunInfo,
  now: number,
): { occurred_after: string; occurred_before: string } {
  const times = [run.expected_start_time, run.start_time]
    .map((iso) => (iso ? Date.parse(iso) : Number.NaN))
    .filter((ms) => !Number.isNaN(ms));
  const ended = run.end_time ? Date.parse(run.end_time) : Number.NaN;
  const before = (Number.isNaN(ended) ? now : ended) + 60_000;
  // A run with no times at all (none known yet): the last day.
  const after = times.length
    ? Math.min(Math.min(...times), before) - HOUR_MS
    : before - 24 * HOUR_MS;
  return {
    occurred_after: new Date(after).toISOString(),
    occurred_before: new Date(before).toISOString(),
  };
}
