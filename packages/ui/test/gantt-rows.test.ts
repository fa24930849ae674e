import { describe, expect, it } from "vitest";
import { ganttRows } from "../src/views/flow-run/gantt-rows.js";

const at = (second: number) => new Date(Date.UTC(2026, 0, 15, 12, 0, second)).toISOString();
const ms = (second: number) => Date.UTC(2026, 0, 15, 12, 0, second);
const now = ms(50);

describe("ganttRows", () => {
  it("orders task runs by start, with runs not started last by name", () => {
    const rows = ganttRows(
      [
        { id: "c", name: "load", state_name: "Pending", state_type: "PENDING" },
        {
          id: "b",
          name: "transform",
          state_type: "COMPLETED",
          start_time: at(10),
          end_time: at(20),
        },
        { id: "a", name: "extract", state_type: "COMPLETED", start_time: at(0), end_time: at(10) },
        { id: "d", name: "archive", state_name: "Scheduled" },
      ],
      now,
    );
    expect(rows.map((row) => row.id)).toEqual(["a", "b", "d", "c"]);
    expect(rows[0]).toMatchObject({
      start: ms(0),
      end: ms(10),
      durationSeconds: 10,
      running: false,
    });
    expect(rows[3]).toMatchObject({ start: undefined, end: undefined, running: false });
  });

  it("runs a started, unfinished task run until now", () => {
    const [row] = ganttRows(
      [{ id: "r", name: "crunch", state_name: "Running", start_time: at(30) }],
      now,
    );
    expect(row).toMatchObject({ start: ms(30), end: now, running: true, durationSeconds: 20 });
  });

  it("ends a finished task run without an end time after its duration", () => {
    const [row] = ganttRows(
      [{ id: "f", state_type: "FAILED", start_time: at(5), duration_seconds: 3 }],
      now,
    );
    expect(row).toMatchObject({ start: ms(5), end: ms(8), running: false });
  });

  it("names the state from its type when the name is missing, and the run from its id", () => {
    const [row] = ganttRows([{ id: "x", state_type: "COMPLETED" }], now);
    expect(row).toMatchObject({
      id: "x",
      name: "x",
      stateName: "Completed",
      stateType: "COMPLETED",
    });
  });

  it("types a known state name when the type is missing", () => {
    const [row] = ganttRows([{ id: "y", state_name: "Retrying", start_time: at(1) }], now);
    expect(row?.stateType).toBe("RUNNING");
  });

  it("never draws a bar that ends before it starts", () => {
    const [row] = ganttRows(
      [{ id: "z", state_type: "COMPLETED", start_time: at(9), end_time: at(4) }],
      now,
    );
    expect(row).toMatchObject({ start: ms(9), end: ms(9) });
  });
});
