import { createFlow, uniqueName } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

describe("get_flows", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  const prefix = uniqueName("billing");
  beforeAll(async () => {
    tools = await connectTools();
    for (const suffix of ["a", "b", "c"]) await createFlow(seed, { name: `${prefix}-${suffix}` });
  });
  afterAll(() => tools.close());

  it("finds flows by a name pattern, with their ids", async () => {
    const result = await tools.call("get_flows", { filter: { name: { like_: `${prefix}-%` } } });
    expect(result.isError).toBeFalsy();
    expect(result.data.count).toBe(3);
    expect(result.data.flows.map((flow: { name: string }) => flow.name).sort()).toEqual([
      `${prefix}-a`,
      `${prefix}-b`,
      `${prefix}-c`,
    ]);
    expect(result.data.flows[0].id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("pages with limit and offset, saying whether more remain", async () => {
    const filter = { name: { like_: `${prefix}-%` } };
    const first = await tools.call("get_flows", { filter, limit: 2 });
    expect(first.data).toMatchObject({ count: 2, has_more: true, next_offset: 2 });
    const second = await tools.call("get_flows", { filter, limit: 2, offset: 2 });
    expect(second.data).toMatchObject({ count: 1, has_more: false });
    expect(second.data.next_offset).toBeUndefined();
  });

  it("names a misspelt filter key and lists the allowed ones", async () => {
    const result = await tools.call("get_flows", { filter: { nmae: { like_: "x%" } } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter has an unknown key "nmae".*allowed keys:.*name/);
  });

  it("applies a jmespath selection to the result", async () => {
    const result = await tools.call("get_flows", {
      filter: { name: { like_: `${prefix}-%` } },
      jmespath: "flows[].name | sort(@)",
    });
    expect(result.data.result).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
  });

  it("quotes the parse error of a bad jmespath expression", async () => {
    const result = await tools.call("get_flows", { jmespath: "flows[?" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^jmespath: .+ in "flows\[\?"/);
  });

  it("answers at the largest limit, although Prefect serves at most 200 per request", async () => {
    const result = await tools.call("get_flows", { limit: 200 });
    expect(result.isError).toBeFalsy();
    expect(result.data.count).toBeGreaterThanOrEqual(3);
  });

  it("rejects an out-of-range limit naming the bound", async () => {
    const result = await tools.call("get_flows", { limit: 5000 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit must be at most 200/);
  });
});
