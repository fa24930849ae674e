import { describe, expect, it } from "vitest";
import { toolOutcome } from "../src/views/shared/tool-result.js";

describe("toolOutcome", () => {
  it("gives the structured content of a successful result", () => {
    expect(
      toolOutcome(
        { content: [{ type: "text", text: "3 runs" }], structuredContent: { count: 3 } },
        "get_flow_runs",
      ),
    ).toEqual({ ok: true, data: { count: 3 } });
  });

  it("gives the text of an error result as the message", () => {
    expect(
      toolOutcome(
        {
          isError: true,
          content: [
            { type: "text", text: "flow_run_id: there is no flow run 42." },
            { type: "text", text: "Find ids with get_flow_runs." },
          ],
          structuredContent: { stale: true },
        },
        "diagnose_flow_run",
      ),
    ).toEqual({
      ok: false,
      message: "flow_run_id: there is no flow run 42.\nFind ids with get_flow_runs.",
    });
  });

  it("shows the text when there is no structured content to render", () => {
    expect(toolOutcome({ content: [{ type: "text", text: "[1, 2]" }] }, "get_flow_runs")).toEqual({
      ok: false,
      message: "[1, 2]",
    });
  });

  it("never gives an empty message", () => {
    const failed = toolOutcome({ isError: true, content: [] }, "get_dashboard");
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.message).toContain("get_dashboard");
    const empty = toolOutcome({}, "get_dashboard");
    expect(!empty.ok && empty.message).toContain("get_dashboard");
  });
});
