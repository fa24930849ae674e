import { describe, expect, it } from "vitest";
import {
  describeArgsError,
  parseAppOptions,
  parseToolList,
  selectByName,
  UsageError,
} from "../src/app-options.js";

const TOOLS = ["get_flows", "get_flow_runs", "get_deployments"];

describe("the shared app options", () => {
  it("parses tool lists, docs, UI, profile and API URL", () => {
    expect(
      parseAppOptions(
        {
          enable: ["get_flows,get_flow_runs", "get_flows"],
          "no-docs": true,
          "no-ui": true,
          profile: "prod",
          "api-url": "http://127.0.0.1:4200/api",
        },
        TOOLS,
      ),
    ).toEqual({
      enable: ["get_flows", "get_flow_runs"],
      disable: [],
      docs: false,
      ui: false,
      profile: "prod",
      apiUrl: "http://127.0.0.1:4200/api",
    });
  });

  it.each([
    [
      { enable: ["get_everything"] },
      /Unknown tool name for --enable: get_everything\. Valid tools/,
    ],
    [{ disable: [" , "] }, /--disable needs tool names/],
    [{ profile: " " }, /--profile needs a profile name/],
    [{ "api-url": "localhost:4200" }, /--api-url must be an http/],
    [{ enable: ["get_flows"], disable: ["get_flows"] }, /nothing would be served/],
  ])("refuses %j", (values, message) => {
    expect(() => parseAppOptions(values, TOOLS)).toThrow(UsageError);
    expect(() => parseAppOptions(values, TOOLS)).toThrow(message);
  });

  it("selects tools by name", () => {
    const catalogue = TOOLS.map((name) => ({ name }));
    expect(selectByName(catalogue, [], ["get_flows"]).map((tool) => tool.name)).toEqual([
      "get_flow_runs",
      "get_deployments",
    ]);
    expect(parseToolList(undefined, "--enable", TOOLS)).toEqual([]);
  });

  it("names the valid options for an unknown one", () => {
    const error = Object.assign(new Error("Unknown option '--bogus'"), {
      code: "ERR_PARSE_ARGS_UNKNOWN_OPTION",
    });
    expect(describeArgsError(error, "x", ["--a", "--b"])).toBe(
      "Unknown option --bogus. Valid options: --a, --b.",
    );
  });
});
