import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  type CallToolResult,
  CallToolResultSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { prefectOpenApiSpec } from "@prefect-mcp/client";
import {
  createAutomation,
  createDeployment,
  createFlow,
  createFlowRun,
  createGlobalConcurrencyLimit,
  createLogs,
  createSeedClient,
  createTagConcurrencyLimit,
  createTaskRun,
  createWorkPool,
  emitEvents,
  type LoopbackProxy,
  type McpConnection,
  type PrefectServer,
  type SeedClient,
  startLoopbackProxy,
  startPrefectServer,
} from "@prefect-mcp/testing";
import { allTools } from "@prefect-mcp/tools";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_AUTH_STRING, LeakScan } from "../src/fake-secrets.js";
import { notARead, type PrefectSnapshot, snapshotPrefect } from "../src/read-only-oracle.js";
import { MAX_ANSWER_CHARS, stackTraceIn, unactionable } from "../src/result-checks.js";
import { connectStdioWithFakeCredentials } from "../src/stdio-under-test.js";
import {
  type FuzzCall,
  hostileCall,
  type ListedTool,
  preview,
  refusedCall,
  type SeededData,
  toolStrategies,
  validCall,
} from "../src/tool-arbitraries.js";

const FULL = process.env.RELIABILITY_SCALE === "full";
const BUILD_HINT =
  "run `pnpm turbo run build --filter=@prefect-mcp/stdio...` (pnpm test builds first)";
/** Calls per property: a few hundred in all for `pnpm test`, over 10 000 at full scale. */
const CALLS = FULL
  ? { valid: 4_000, refused: 3_500, hostile: 3_000 }
  : { valid: 80, refused: 120, hostile: 80 };
/** Calls in flight at once: enough to keep Prefect busy on two cores without queueing behind it. */
const BATCH = 4;
const FUZZ_TIMEOUT_MS = FULL ? 40 * 60_000 : 60_000;
/** Replays a run: a failing property prints the seed it used. */
const SEED = process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : undefined;

/** `arguments` values that are not an object at all. */
const NOT_OBJECTS = [[], null, "flow_run_id", 42];
/** Over the 10 MiB the SDK's stdio transport buffers for one message. */
const OVERSIZED_CHARS = 12 * 1024 * 1024;

/** What came back for one call: a result, or a JSON-RPC/transport error. */
type Outcome = { result: CallToolResult; text: string } | { error: Error };

const tally = { calls: 0, ok: 0, errors: 0, rpcErrors: 0, startedAt: performance.now() };
const scan = new LeakScan();
const outputValidators = new Map<string, (data: unknown) => string | undefined>();

let prefect: PrefectServer;
let proxy: LoopbackProxy;
let seed: SeedClient;
let mcp: McpConnection & { stderr(): string };
let listed: Tool[];
let data: SeededData;
let before: PrefectSnapshot;

beforeAll(async () => {
  prefect = await startPrefectServer({
    authString: FAKE_AUTH_STRING,
    // Services that change objects on their own (scheduling runs, marking them late, flipping
    // work pool status) would blur the before/after comparison that proves nothing was written.
    env: {
      PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED: "false",
      PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED: "false",
      PREFECT_SERVER_SERVICES_FOREMAN_ENABLED: "false",
    },
  });
  proxy = await startLoopbackProxy(prefect.apiUrl);
  seed = createSeedClient({ apiUrl: prefect.apiUrl, authString: FAKE_AUTH_STRING });
  [data, mcp] = await Promise.all([seedPrefect(seed), connectStdioWithFakeCredentials(proxy.url)]);
  listed = (await mcp.client.listTools()).tools;
  const validator = new AjvJsonSchemaValidator();
  for (const tool of listed) {
    if (!tool.outputSchema) continue;
    const validate = validator.getValidator(tool.outputSchema as never);
    outputValidators.set(tool.name, (output) => validate(output).errorMessage);
  }
  before = await snapshotPrefect(seed);
  proxy.reset();
});

afterAll(async () => {
  const seconds = ((performance.now() - tally.startedAt) / 1000).toFixed(1);
  const statuses: Record<string, number> = {};
  for (const { status } of proxy?.requests ?? []) statuses[status] = (statuses[status] ?? 0) + 1;
  console.log(
    `fuzz (${FULL ? "full" : "fast"}): ${tally.calls} tools/call in ${seconds} s (Prefect start-up and seeding included): ${tally.ok} ok, ${tally.errors} error results, ${tally.rpcErrors} JSON-RPC errors (the non-object arguments test expects ${NOT_OBJECTS.length} per tool); Prefect answered ${JSON.stringify(statuses)}`,
  );
  await mcp?.close();
  await proxy?.close();
  await prefect?.stop();
});

/** A little of everything the tools read, so valid calls answer with content. */
async function seedPrefect(client: SeedClient): Promise<SeededData> {
  const tag = "fuzz-tag";
  // Events first and in parallel: Prefect makes them readable only after its next flush.
  const emitted = emitEvents(
    client,
    [0, 1, 2].map((index) => ({
      event: "fuzz.happened",
      resourceId: `fuzz.resource.${index}`,
      payload: { index },
    })),
  );
  const [{ workPool }, flow, otherFlow] = await Promise.all([
    createWorkPool(client, { name: "fuzz-pool", queues: [{ name: "fuzz-queue" }] }),
    createFlow(client, { name: "fuzz-etl", tags: [tag] }),
    createFlow(client, { name: "fuzz-report" }),
  ]);
  const deployment = await createDeployment(client, {
    flowId: flow.id,
    name: "fuzz-nightly",
    workPoolName: workPool.name,
    tags: [tag],
  });
  const runs = await Promise.all([
    createFlowRun(client, {
      deploymentId: deployment.id,
      state: { name: "Failed", message: "Flow run encountered an exception: KeyError('region')" },
    }),
    createFlowRun(client, { deploymentId: deployment.id, state: "Completed" }),
    createFlowRun(client, { flowId: otherFlow.id, state: "Crashed" }),
    createFlowRun(client, { flowId: otherFlow.id, state: "Running", tags: [tag] }),
    createFlowRun(client, { flowId: flow.id, state: "Cancelled" }),
  ]);
  const failed = runs[0];
  if (!failed) throw new Error("seeding made no flow run");
  const [taskRun, automation, events] = await Promise.all([
    createTaskRun(client, {
      flowRunId: failed.id,
      name: "load-region",
      state: { name: "Failed", message: "KeyError: 'region'" },
    }),
    createAutomation(client, { name: "fuzz-on-failure", tags: [tag] }),
    emitted,
    createTagConcurrencyLimit(client, { tag }),
    createGlobalConcurrencyLimit(client, { name: "fuzz-limit" }),
    createLogs(client, [
      { message: "Loading regions", flowRunId: failed.id },
      { message: "KeyError: 'region'", level: "ERROR", flowRunId: failed.id },
      { message: "Finished in state Failed", level: "WARNING", flowRunId: failed.id },
    ]),
  ]);
  // A real next_page, in the URL form Prefect gives and as the bare token the tool gives.
  const page = await client.POST("/events/filter", {
    body: {
      filter: { occurred: { since: new Date(Date.now() - 3_600_000).toISOString() } },
      limit: 1,
    },
  });
  const token = page.next_page && new URL(page.next_page).searchParams.get("page-token");
  return {
    ids: {
      flow: [flow.id, otherFlow.id],
      flow_run: runs.map((run) => run.id),
      task_run: [taskRun.id],
      deployment: [deployment.id],
      automation: [automation.id],
      work_pool: [workPool.id],
    },
    words: [flow.name, otherFlow.name, deployment.name, workPool.name, "fuzz-queue", tag, "Failed"],
    resourceIds: [
      ...events.map((event) => event.resource["prefect.resource.id"] as string),
      `prefect.flow-run.${failed.id}`,
    ],
    pageTokens: page.next_page && token ? [page.next_page, token] : [],
  };
}

/** One tools/call through the real MCP client; everything it returns goes to the leak scan. */
async function callTool(call: FuzzCall): Promise<Outcome> {
  tally.calls += 1;
  try {
    // client.request, not client.callTool: callTool throws on an answer that does not match the
    // output schema, and the answer is what this test wants to inspect.
    const result = (await mcp.client.request(
      { method: "tools/call", params: { name: call.tool, arguments: call.args } },
      CallToolResultSchema,
      { timeout: 60_000 },
    )) as CallToolResult;
    const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
    scan.add(`${call.tool} result`, text);
    if (result.structuredContent) {
      scan.add(`${call.tool} structuredContent`, JSON.stringify(result.structuredContent));
    }
    if (result.isError) tally.errors += 1;
    else tally.ok += 1;
    return { result, text };
  } catch (error) {
    tally.rpcErrors += 1;
    const failure = error instanceof Error ? error : new Error(String(error));
    scan.add(`${call.tool} JSON-RPC error`, failure.message);
    return { error: failure };
  }
}

/** What is wrong with a call's outcome, or undefined if nothing is. */
function problemWith(call: FuzzCall, outcome: Outcome): string | undefined {
  if ("error" in outcome) return `JSON-RPC/transport error: ${preview(outcome.error.message)}`;
  const { result, text } = outcome;
  if (result.isError) {
    if (call.expect.kind === "success")
      return `a valid call answered with an error: ${preview(text, 400)}`;
    const problem = unactionable(call, text);
    return problem && `${problem}: ${preview(text, 400)}`;
  }
  if (call.expect.kind === "refusal") {
    return `accepted a call that breaks its input contract: ${preview(text, 200)}`;
  }
  if (text.length === 0 || text.length > MAX_ANSWER_CHARS) {
    return `the answer's text is ${text.length} characters`;
  }
  const validate = outputValidators.get(call.tool);
  if (validate) {
    if (!result.structuredContent)
      return "no structuredContent, though the tool has an outputSchema";
    const mismatch = validate(result.structuredContent);
    if (mismatch) return `structuredContent does not match the outputSchema: ${preview(mismatch)}`;
  }
  return undefined;
}

/** One kind of problem the fuzzer found, with how often and where. */
interface Finding {
  count: number;
  tools: Set<string>;
  example: string;
}

/** Numbers and quoted parts vary between occurrences of one problem; the rest names it. */
function shapeOf(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|\d+/g, "…").slice(0, 120);
}

/**
 * Runs all `total` generated calls, concurrently in batches, and then fails listing every kind of
 * problem found, so that one run reports them all with their counts instead of stopping (and
 * shrinking) at the first. A fixed RELIABILITY_SEED replays a run.
 */
async function fuzz(calls: fc.Arbitrary<FuzzCall>, total: number): Promise<void> {
  const seed = SEED ?? Math.floor(Math.random() * 2 ** 31);
  const findings = new Map<string, Finding>();
  let gone: string | undefined;
  await fc.assert(
    fc.asyncProperty(fc.array(calls, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      if (gone) return;
      const outcomes = await Promise.all(batch.map(callTool));
      batch.forEach((call, index) => {
        const outcome = outcomes[index] as Outcome;
        const problem = problemWith(call, outcome);
        if (!problem) return;
        const example = `${call.tool}(${preview(call.args, 800)}) [${call.what}]: ${problem}`;
        if ("error" in outcome && /Not connected|Connection closed/.test(outcome.error.message)) {
          gone ??= example;
        }
        const key = `[${shapeOf(call.what)}] ${shapeOf(problem)}`;
        const finding = findings.get(key) ?? { count: 0, tools: new Set(), example };
        finding.count += 1;
        finding.tools.add(call.tool);
        findings.set(key, finding);
      });
    }),
    { numRuns: Math.ceil(total / BATCH), seed },
  );
  if (gone) throw new Error(`the server went away during the run (seed ${seed}): ${gone}`);
  if (findings.size === 0) return;
  const report = [...findings.values()]
    .sort((a, b) => b.count - a.count)
    .map(
      (finding) => `${finding.count}× in ${[...finding.tools].join(", ")}, e.g. ${finding.example}`,
    );
  throw new Error(
    `${findings.size} kinds of problem (replay with RELIABILITY_SEED=${seed}):\n${report.join("\n")}`,
  );
}

function strategies() {
  return toolStrategies(listed as unknown as ListedTool[], data).strategies;
}

describe("the read-only oracle (a second opinion, from Prefect's OpenAPI spec)", () => {
  const spec = prefectOpenApiSpec() as { paths: Record<string, Record<string, unknown>> };
  const posts = Object.entries(spec.paths)
    .filter(([, operations]) => "post" in operations)
    .map(([route]) => `/api${route}`);

  it("calls the query routes reads and every create, state change and poll a write", () => {
    const reads = posts.filter((route) => !notARead({ method: "POST", path: route }));
    expect(reads).toContain("/api/flow_runs/filter");
    expect(reads).toContain("/api/events/count-by/{countable}");
    for (const write of [
      "/api/flow_runs/",
      "/api/flows/",
      "/api/deployments/{id}/create_flow_run",
      "/api/flow_runs/{id}/set_state",
      "/api/flow_runs/bulk_delete",
      "/api/deployments/get_scheduled_flow_runs",
      "/api/work_queues/{id}/get_runs",
      "/api/work_pools/{work_pool_name}/workers/heartbeat",
      "/api/v2/concurrency_limits/increment",
      "/api/events",
      "/api/logs/",
    ]) {
      expect(posts).toContain(write);
      expect(notARead({ method: "POST", path: write }), write).toBeDefined();
    }
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect(notARead({ method, path: "/api/flow_runs/filter" })).toBeDefined();
    }
    expect(notARead({ method: "GET", path: "/api/events/filter/next" })).toBeUndefined();
  });
});

describe("prefect-mcp over stdio under property-based fuzzing", () => {
  it("fuzzes a bin built from the current tools", () => {
    expect(
      listed.map((tool) => tool.name),
      `dist/ is stale: ${BUILD_HINT}`,
    ).toEqual(allTools.map((tool) => tool.name));
  });

  it("has a fuzz strategy for every argument of every tool tools/list serves", () => {
    expect(listed.length).toBeGreaterThan(0);
    const { missing } = toolStrategies(listed as unknown as ListedTool[], data);
    expect(missing, "add a strategy in reliability/src/tool-arbitraries.ts").toEqual([]);
  });

  it(
    "answers valid calls on seeded data with isError false and structuredContent matching the outputSchema",
    async () => {
      await fuzz(fc.oneof(...strategies().map(validCall)), CALLS.valid);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "refuses every call that breaks the input contract with a short error naming the offending field",
    async () => {
      await fuzz(fc.oneof(...strategies().map(refusedCall)), CALLS.refused);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "answers hostile values the schema admits (unicode, injection, 1 MiB, unknown ids) well-formed",
    async () => {
      await fuzz(fc.oneof(...strategies().map(hostileCall)), CALLS.hostile);
    },
    FUZZ_TIMEOUT_MS,
  );

  it("leaves arguments that are not an object to the SDK's own request validation", async () => {
    for (const tool of listed) {
      for (const args of NOT_OBJECTS) {
        const call: FuzzCall = {
          tool: tool.name,
          args: args as never,
          what: "arguments not an object",
          expect: { kind: "refusal", names: [] },
        };
        const outcome = await callTool(call);
        if ("error" in outcome) {
          // The SDK validates tools/call's params before the server sees them.
          expect(outcome.error.message).toMatch(/"arguments"[\s\S]*expected record/);
          expect(stackTraceIn(outcome.error.message)).toBeUndefined();
        } else {
          expect(outcome.result.isError, `${tool.name}(${JSON.stringify(args)})`).toBe(true);
        }
      }
    }
  });

  it("is still alive afterwards: ping and tools/list answer, and no call polluted a prototype", async () => {
    const pid = (mcp.client.transport as StdioClientTransport | undefined)?.pid;
    expect(pid).toBeTypeOf("number");
    expect(() => process.kill(pid as number, 0)).not.toThrow();
    await expect(mcp.client.ping()).resolves.toBeDefined();
    const again = (await mcp.client.listTools()).tools.map((tool) => tool.name);
    expect(again).toEqual(listed.map((tool) => tool.name));
    // A polluted Object.prototype.jmespath would turn every answer into a jmespath selection.
    const canary = await callTool({
      tool: "get_flows",
      args: {},
      what: "canary",
      expect: { kind: "success" },
    });
    expect("error" in canary ? canary.error.message : canary.result.isError).toBeFalsy();
    const content = "result" in canary ? canary.result.structuredContent : undefined;
    expect(Object.keys(content ?? {})).toContain("flows");
    expect(Object.keys(content ?? {})).not.toContain("jmespath");
  });

  it("wrote nothing on stderr but its start-up line: no unhandled rejection, exception or stack", () => {
    // In this setup the server has nothing to warn about, so any other line is a failure it hit.
    const lines = mcp.stderr().split("\n").filter(Boolean);
    expect(lines[0]).toMatch(/^\[prefect-mcp\] serving over stdio/);
    expect(lines.slice(1)).toEqual([]);
  });

  it("answers one request over the 10 MiB it reads with a JSON-RPC error, and goes on serving", async () => {
    const tool = listed[0]?.name ?? "";
    const stderrBefore = mcp.stderr().length;
    const outcome = await callTool({
      tool,
      args: { padding: "x".repeat(OVERSIZED_CHARS) },
      what: "12 MiB request",
      expect: { kind: "refusal", names: [] },
    });
    expect("error" in outcome ? outcome.error.message : "a tool result").toMatch(
      /12\.0 MiB, over the 10 MiB/,
    );
    await expect(mcp.client.ping()).resolves.toBeDefined();
    const logged = mcp.stderr().slice(stderrBefore).trim().split("\n");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/larger than 10 MiB/);
  });

  it("sent Prefect only reads, and Prefect's objects are unchanged", async () => {
    expect(proxy.requests.length).toBeGreaterThan(tally.ok);
    const writes = proxy.requests.flatMap((request) => {
      const why = notARead(request);
      return why ? [why] : [];
    });
    // Soft: a write shows in both checks, and each is worth seeing.
    expect.soft(writes).toEqual([]);
    expect(await snapshotPrefect(seed)).toEqual(before);
  });

  // Last: it needs everything the other tests captured.
  it("echoed no secret in any result, error, log line or request path", () => {
    scan.add("server stderr", mcp.stderr());
    scan.add("request paths", proxy.requests.map((request) => request.path).join("\n"));
    expect(scan.hits()).toEqual([]);
    expect(scan.size).toBeGreaterThan(tally.calls * 20);
  });
});
