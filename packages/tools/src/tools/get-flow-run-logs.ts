import { z } from "zod";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { InputError } from "../errors.js";
import { fetchPage, listOutput } from "../list-page.js";
import { limitParam, offsetParam, uuidParam } from "../params.js";
import { clip } from "../tool-support.js";

const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;
const LEVEL_NAMES = new Map<number, string>(
  Object.entries(LEVELS).map(([name, level]) => [level, name]),
);
/** One message longer than this keeps its head and tail (where a traceback names the error). */
const MAX_MESSAGE_CHARS = 2_000;
/** Logs stop here, well under the answer limit, and the rest is one offset away. */
const MAX_LOG_CHARS = 60_000;

const logEntry = z.object({
  timestamp: z.string(),
  level: z.string(),
  logger: z.string(),
  message: z.string(),
});

export const getFlowRunLogs = defineTool({
  name: "get_flow_run_logs",
  title: "Flow run logs",
  description: `Logs of one flow run and its tasks: time, level, logger, message; oldest first. Get ids from get_flow_runs.

min_level="ERROR" keeps errors and tracebacks; order="desc" starts at the end of the run. Messages over ${MAX_MESSAGE_CHARS} characters keep their start and end (truncated_messages counts them). E.g.
- get_flow_run_logs(flow_run_id="<id>", min_level="ERROR")
- get_flow_run_logs(flow_run_id="<id>", order="desc", limit=50)
Pages: has_more, next_offset.`,
  inputSchema: z.object({
    flow_run_id: uuidParam("flow run"),
    limit: limitParam(100, 1_000),
    min_level: z
      .enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
      .optional()
      .describe("Only logs at this level or above"),
    order: z.enum(["asc", "desc"]).default("asc"),
    offset: offsetParam,
  }),
  outputSchema: listOutput("logs", logEntry).extend({
    flow_run: z.object({
      id: z.string(),
      name: z.string().optional(),
      state: z.string().optional(),
    }),
    truncated_messages: z.number().optional(),
    note: z.string().optional(),
  }),
  annotations: READ_ONLY,
  async handler({ flow_run_id, limit, min_level, order, offset }, { client }) {
    const logs = {
      flow_run_id: { any_: [flow_run_id] },
      ...(min_level ? { level: { ge_: LEVELS[min_level] } } : {}),
    };
    const [runs, page] = await Promise.all([
      client.POST("/flow_runs/filter", {
        body: { flow_runs: { id: { any_: [flow_run_id] } }, limit: 1 },
      }),
      fetchPage(limit, offset, (pageLimit, pageOffset) =>
        client.POST("/logs/filter", {
          body: {
            logs,
            sort: order === "asc" ? "TIMESTAMP_ASC" : "TIMESTAMP_DESC",
            limit: pageLimit,
            offset: pageOffset,
          },
        }),
      ),
    ]);
    const run = runs[0];
    if (!run) {
      throw new InputError(
        `flow_run_id: there is no flow run ${flow_run_id}. Find flow run ids with get_flow_runs.`,
      );
    }

    const entries: z.input<typeof logEntry>[] = [];
    let chars = 0;
    let truncated = 0;
    for (const log of page.items) {
      const message = clip(log.message, MAX_MESSAGE_CHARS);
      const entry = {
        timestamp: log.timestamp,
        level: LEVEL_NAMES.get(log.level) ?? `LEVEL_${log.level}`,
        logger: log.name,
        message,
      };
      chars += JSON.stringify(entry).length;
      if (chars > MAX_LOG_CHARS && entries.length > 0) break;
      if (message !== log.message) truncated++;
      entries.push(entry);
    }
    const cut = entries.length < page.items.length;
    const has_more = cut || page.has_more;
    return {
      flow_run: { id: run.id, name: run.name, state: run.state_name ?? undefined },
      count: entries.length,
      has_more,
      ...(has_more ? { next_offset: offset + entries.length } : {}),
      ...(truncated ? { truncated_messages: truncated } : {}),
      ...(cut
        ? {
            note: `Stopped after ${entries.length} logs to keep the answer under ${MAX_LOG_CHARS} characters; ask again with offset=${offset + entries.length}, or narrow with min_level.`,
          }
        : {}),
      logs: entries,
    };
  },
  render(output) {
    const state = output.flow_run.state ? ` (${output.flow_run.state})` : "";
    const more = output.has_more ? `; more with offset=${output.next_offset}` : "";
    const cut = output.truncated_messages
      ? `; ${output.truncated_messages} long messages cut in the middle`
      : "";
    const lines = [
      `${output.count} logs of flow run ${output.flow_run.name ?? output.flow_run.id}${state}${more}${cut}`,
      ...(output.note ? [output.note] : []),
      ...output.logs.map(
        (log) =>
          `${log.timestamp} ${log.level} ${log.logger}: ${log.message.replaceAll("\n", "\n  ")}`,
      ),
    ];
    return lines.join("\n");
  },
});
