import { describe, expect, it } from "vitest";
import { eventWindow, stateTimeline } from "../src/views/flow-run/state-timeline.js";

const run = { id: "run-1" };

describe("stateTimeline", () => {
  it("lists the run's state-change events oldest first, named after the event", () => {
    const { entries, inferred } = stateTimeline(
      [
        { event: "prefect.flow-run.Failed", occurred: "2026-01-15T12:02:00Z" },
        { event: "prefect.flow-run.Running", occurred: "2026-01-15T12:00:05Z" },
        { event: "prefect.flow-run.Pending", occurred: "2026-01-15T12:00:00Z" },
      ],
      run,
    );
    expect(inferred).toBe(false);
    expect(entries).toEqual([
      { name: "Pending", type: "PENDING", at: "2026-01-15T12:00:00Z" },
      { name: "Running", type: "RUNNING", at: "2026-01-15T12:00:05Z" },
      { name: "Failed", type: "FAILED", at: "2026-01-15T12:02:00Z" },
    ]);
  });

  it("leaves out flow-run events that are not state changes, and events without a time", () => {
    const { entries } = stateTimeline(
      [
        { event: "prefect.flow-run.heartbeat", occurred: "2026-01-15T12:01:00Z" },
        { event: "prefect.deployment.triggered", occurred: "2026-01-15T12:01:00Z" },
        { event: "prefect.flow-run.Completed" },
        { event: "prefect.flow-run.Cached", occurred: "2026-01-15T12:03:00Z" },
      ],
      run,
    );
    expect(entries.map((entry) => entry.name)).toEqual(["Cached"]);
  });

  it("takes the state's type from the event payload when it has one", () => {
    const { entries } = stateTimeline(
      [
        {
          event: "prefect.flow-run.Skipped",
          occurred: "2026-01-15T12:00:00Z",
          payload: { validated_state: { type: "COMPLETED", name: "Skipped" } },
        },
      ],
      run,
    );
    expect(entries[0]?.type).toBe("COMPLETED");
  });

  it("infers the timeline from the run's own times when there are no events", () => {
    expect(
      stateTimeline([], {
        id: "r",
        state_type: "COMPLETED",
        state_name: "Completed",
        expected_start_time: "2026-01-15T11:59:00Z",
        start_time: "2026-01-15T12:00:00Z",
        end_time: "2026-01-15T12:05:00Z",
      }),
    ).toEqual({
      inferred: true,
      entries: [
        { name: "Scheduled", type: "SCHEDULED", at: "2026-01-15T11:59:00Z" },
        { name: "Running", type: "RUNNING", at: "2026-01-15T12:00:00Z" },
        { name: "Completed", type: "COMPLETED", at: "2026-01-15T12:05:00Z" },
      ],
    });
  });

  it("ends an inferred timeline with the current state, without a time when none is known", () => {
    const { entries } = stateTimeline([], {
      id: "r",
      state_type: "SCHEDULED",
      state_name: "Late",
      expected_start_time: "2026-01-15T11:00:00Z",
    });
    expect(entries).toEqual([
      { name: "Scheduled", type: "SCHEDULED", at: "2026-01-15T11:00:00Z" },
      { name: "Late", type: "SCHEDULED" },
    ]);
  });
});

describe("eventWindow", () => {
  const now = Date.parse("2026-01-15T18:00:00Z");

  it("runs from an hour before the expected start to a minute after the end", () => {
    expect(
      eventWindow(
        {
          id: "r",
          expected_start_time: "2026-01-15T12:00:00Z",
          start_time: "2026-01-15T12:00:30Z",
          end_time: "2026-01-15T12:10:00Z",
        },
        now,
      ),
    ).toEqual({
      occurred_after: "2026-01-15T11:00:00.000Z",
      occurred_before: "2026-01-15T12:11:00.000Z",
    });
  });

  it("starts from the start time when it comes before the expected one", () => {
    expect(
      eventWindow(
        {
          id: "r",
          expected_start_time: "2026-01-15T12:00:00Z",
          start_time: "2026-01-15T11:30:00Z",
        },
        now,
      ).occurred_after,
    ).toBe("2026-01-15T10:30:00.000Z");
  });

  it("runs until a minute past now for a run that has not ended", () => {
    expect(
      eventWindow({ id: "r", expected_start_time: "2026-01-15T17:00:00Z" }, now).occurred_before,
    ).toBe("2026-01-15T18:01:00.000Z");
  });

  it("covers the last day when the run has no times at all", () => {
    expect(eventWindow({ id: "r" }, now)).toEqual({
      occurred_after: "2026-01-14T18:01:00.000Z",
      occurred_before: "2026-01-15T18:01:00.000Z",
    });
  });
});
