import { createFlow, uniqueName } from "@prefect-mcp/testing";
import { mentions } from "../src/checks.js";
import { defineScenario } from "../src/scenario.js";

interface Facts {
  flowNames: string[];
}

/** "What flows are there?": the flows just registered are all in the answer. */
export default defineScenario<Facts>({
  name: "list-flows",
  async seed({ seed }) {
    const names = [
      uniqueName("ingest-orders"),
      uniqueName("score-leads"),
      uniqueName("send-invoices"),
    ];
    for (const name of names) await createFlow(seed, { name });
    return { flowNames: names };
  },
  question: () => "What flows are available in this workspace?",
  plan: () => [{ tool: "get_flows", args: {} }],
  answer([flows]) {
    const items: { name: string }[] = flows?.data?.flows ?? [];
    const more = flows?.data?.has_more ? " (there are more; I can page on)" : "";
    return [
      `This workspace has ${items.length} flows${more}:`,
      ...items.map((flow) => `- ${flow.name}`),
    ].join("\n");
  },
  checks: [mentions("names every registered flow", (facts) => facts.flowNames)],
});
