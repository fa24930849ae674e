import { createDeployment, uniqueName } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

// Arguments no model should send but a fuzzer did: each must be refused up front with a short
// error naming the field, never echoed in full, silently dropped or passed on to fail in Prefect.

const MIB = 1024 * 1024;
/** An error explains; it never carries a huge input back. */
const MAX_ERROR_CHARS = 4_000;

/** Arguments as JSON.parse gives them to the server: `__proto__` stays an own key. */
const parsed = (json: string) => JSON.parse(json) as Record<string, unknown>;

let tools: Awaited<ReturnType<typeof connectTools>>;
beforeAll(async () => {
  tools = await connectTools();
});
afterAll(() => tools.close());

describe("a huge name or value is never echoed in full", () => {
  it("cuts an unknown argument's name, saying how long it was", async () => {
    const result = await tools.call("get_identity", { ["u".repeat(MIB)]: 1 });
    expect(result.isError).toBe(true);
    expect(result.text.length).toBeLessThan(MAX_ERROR_CHARS);
    expect(result.text).toContain(`unknown argument "${"u".repeat(60)}… (${MIB} characters)"`);
  });

  it("lists only the first few of many unknown arguments", async () => {
    const args = Object.fromEntries(Array.from({ length: 10_000 }, (_, index) => [`a${index}`, 1]));
    const result = await tools.call("get_flows", args);
    expect(result.text.length).toBeLessThan(MAX_ERROR_CHARS);
    expect(result.text).toMatch(/unknown argument "a0", "a1", "a2", "a3", "a4" and 9995 more/);
  });

  it("cuts an unknown filter key, at the top of the filter and inside it", async () => {
    for (const filter of [{ ["k".repeat(MIB)]: 1 }, { name: { ["k".repeat(MIB)]: 1 } }]) {
      const result = await tools.call("get_flows", { filter });
      expect(result.isError).toBe(true);
      expect(result.text.length).toBeLessThan(MAX_ERROR_CHARS);
      expect(result.text).toMatch(
        /^filter(\.name)? has an unknown key "k{60}… \(1048576 characters\)"/,
      );
    }
  });

  it("cuts an unknown tool's name", async () => {
    const result = await tools.call("t".repeat(MIB));
    expect(result.isError).toBe(true);
    expect(result.text.length).toBeLessThan(MAX_ERROR_CHARS);
    expect(result.text).toContain(`Unknown tool "${"t".repeat(60)}… (${MIB} characters)"`);
  });
});

describe("keys that name an object's prototype", () => {
  it.each(["__proto__", "constructor", "prototype"])("refuses %s as an argument", async (key) => {
    const result = await tools.call("get_flows", parsed(`{"${key}": 1}`));
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      new RegExp(`^Invalid arguments for get_flows: unknown argument "${key}"; accepted: filter`),
    );
  });

  it("refuses __proto__ anywhere in a filter, naming where, instead of dropping it", async () => {
    const top = await tools.call("get_flow_runs", parsed('{"filter": {"__proto__": "text"}}'));
    expect(top.isError).toBe(true);
    expect(top.text).toContain('filter has an unknown key "__proto__"');
    const inner = await tools.call(
      "get_flow_runs",
      parsed('{"filter": {"name": {"__proto__": {"any_": ["x"]}}}}'),
    );
    expect(inner.isError).toBe(true);
    expect(inner.text).toContain('filter.name has an unknown key "__proto__"');
  });

  it("refuses constructor in a filter as the unknown key it is", async () => {
    const result = await tools.call("get_flow_runs", parsed('{"filter": {"constructor": {}}}'));
    expect(result.isError).toBe(true);
    expect(result.text).toContain('filter has an unknown key "constructor"');
  });
});

describe("values Prefect would fail on with a 500", () => {
  let deploymentName: string;
  beforeAll(async () => {
    deploymentName = uniqueName("long-like");
    await createDeployment(seed, { name: deploymentName });
  });

  it("refuses a string with an unpaired UTF-16 surrogate, naming the field", async () => {
    const prefix = await tools.call("read_events", { event_type_prefix: "prefect.\ud800" });
    expect(prefix.isError).toBe(true);
    expect(prefix.text).toBe(
      "Invalid arguments for read_events: event_type_prefix contains an unpaired UTF-16 surrogate; send valid Unicode.",
    );
    const inFilter = await tools.call("get_deployments", {
      filter: { name: { any_: ["ok", "\udc00x"] } },
    });
    expect(inFilter.isError).toBe(true);
    expect(inFilter.text).toContain("filter.name.any_.1 contains an unpaired UTF-16 surrogate");
    const key = await tools.call("get_deployments", { filter: { tags: { "\ud800": 1 } } });
    expect(key.text).toContain("filter.tags has a key that contains an unpaired UTF-16 surrogate");
  });

  it("keeps surrogate pairs (emoji) valid", async () => {
    const result = await tools.call("get_deployments", { filter: { name: { like_: "😀" } } });
    expect(result.isError).toBeFalsy();
  });

  it("refuses a filter string over 10 000 characters, and takes one of 10 000", async () => {
    const tooLong = await tools.call("get_deployments", {
      filter: { flow_or_deployment_name: { like_: "é".repeat(50_001) } },
    });
    expect(tooLong.isError).toBe(true);
    expect(tooLong.text).toBe(
      "filter.flow_or_deployment_name.like_ is 50001 characters long; a filter value may have at most 10000.",
    );
    const longest = await tools.call("get_deployments", {
      filter: { name: { like_: `${deploymentName}${"%".repeat(10_000 - deploymentName.length)}` } },
    });
    expect(longest.isError).toBeFalsy();
    expect(longest.data.deployments).toEqual([expect.objectContaining({ name: deploymentName })]);
  });
});
