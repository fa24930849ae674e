import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { validatedFilter } from "../filter-validation.js";
import { fetchPage, listOutput, listResult } from "../list-page.js";
import { filterParam, jmespathParam, limitParam, offsetParam } from "../params.js";

const flow = z.object({
  id: z.string(),
  name: z.string(),
  tags: z.array(z.string()).optional(),
  created: z.string().optional(),
});

export const getFlows = defineTool({
  name: "get_flows",
  title: "Flows",
  description: `List flows (the Python functions Prefect runs), newest first: find a flow's id by name. Next: get_flow_runs or get_deployments filtered by it.

filter is a FlowFilter: id, name, tags, deployment; operators any_, not_any_, like_ (% wildcard), all_, is_null_. E.g.
- get_flows(filter={"name": {"like_": "etl-%"}})
- get_flows(filter={"tags": {"all_": ["production"]}})
Pages: has_more, next_offset.`,
  inputSchema: z.object({
    filter: filterParam("flow"),
    limit: limitParam(50, 200),
    offset: offsetParam,
    jmespath: jmespathParam,
  }),
  outputSchema: listOutput("flows", flow),
  annotations: READ_ONLY,
  async handler({ filter, limit, offset }, { client }) {
    const flows = validatedFilter("FlowFilter", filter);
    const page = await fetchPage(limit, offset, (pageLimit, pageOffset) =>
      client.POST("/flows/filter", {
        body: { flows, limit: pageLimit, offset: pageOffset, sort: "CREATED_DESC" },
      }),
    );
    return listResult("flows", {
      ...page,
      items: page.items.map(({ id, name, tags, created }) => compact({ id, name, tags, created })),
    });
  },
});
