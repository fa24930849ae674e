import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  createSeedClient,
  freePort,
  type LoopbackProxy,
  startLoopbackProxy,
  startPrefectServer,
} from "@prefect-mcp/testing";
import { z } from "zod";
import type { BenchResults, Phase, SizeResult } from "./bench-results.js";
import { Cleanup } from "./cleanup.js";
import { type HttpThroughput, measureHttpThroughput } from "./http-throughput.js";
import { describeMachine, loadAverage } from "./machine.js";
import {
  launch,
  ourSpec,
  type RunningServer,
  residentBytes,
  SERVER_KINDS,
  type ServerKind,
  type ServerSetting,
  upstreamSpec,
} from "./mcp-servers.js";
import { measureColdStart, measureQuestions, memoryAfterCalls } from "./measure.js";
import { measurePrefectCeiling, type PrefectCeiling } from "./prefect-ceiling.js";
import { say, secondsSince } from "./progress.js";
import { questions } from "./questions.js";
import type { RecordedRequest } from "./replay.js";
import { renderReport } from "./report.js";
import { emptyWorld, growTo } from "./scale-seed.js";
import { ensureUpstreamEnv, type UpstreamEnv } from "./upstream-env.js";
import { writeResults } from "./write-results.js";

const USAGE = `pnpm bench [--sizes 100,1000,10000] [--samples 20] [--cold-starts 7] [--calls 1000]
           [--http-seconds 10] [--http-concurrency 16,64]

Seeds one Prefect server to each size in turn and measures our stdio server against PrefectHQ's
prefect-mcp at each; then our HTTP app's throughput at the largest size. Writes
bench/results/<date>.json, <date>.md and latest.md, and prints the report.
`;

const list = z
  .string()
  .regex(/^\d+(,\d+)*$/, "a comma-separated list of whole numbers")
  .transform((value) => value.split(",").map(Number));
const count = z.coerce.number().int().positive();

const Options = z.object({
  sizes: list.default([100, 1_000, 10_000]),
  samples: count.default(20),
  "cold-starts": count.default(7),
  calls: count.default(1_000),
  "http-seconds": z.coerce.number().positive().default(10),
  "http-concurrency": list.default([16, 64]),
});
type Options = z.infer<typeof Options>;

/**
 * Prefect's services otherwise write to SQLite every few events (the task run recorder one event
 * per transaction, the event persister 20): batching them lets the seeding finish in minutes.
 * Both only write; the read paths the servers use are untouched.
 */
const PREFECT_SETTINGS = {
  PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE: "500",
  PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE: "500",
  PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL: "5",
};

async function main(): Promise<number> {
  let values: ReturnType<typeof parseCli>;
  try {
    values = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const parsed = Options.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`${z.prettifyError(parsed.error)}\n\n${USAGE}`);
    return 2;
  }
  const cleanup = new Cleanup();
  cleanup.onSignals();
  try {
    const results = await bench(parsed.data, cleanup);
    const report = renderReport(results);
    const files = await writeResults(results, report);
    say(`wrote ${files.map((file) => path.relative(process.cwd(), file)).join(", ")}`);
    process.stdout.write(report);
    return 0;
  } catch (error) {
    say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    await cleanup.run();
  }
}

function parseCli(argv: string[]) {
  return parseArgs({
    // `pnpm bench -- --sizes 100` hands the script its `--` too.
    args: argv.filter((arg) => arg !== "--"),
    options: {
      sizes: { type: "string" },
      samples: { type: "string" },
      "cold-starts": { type: "string" },
      calls: { type: "string" },
      "http-seconds": { type: "string" },
      "http-concurrency": { type: "string" },
      help: { type: "boolean" },
    },
  }).values;
}

async function bench(options: Options, cleanup: Cleanup): Promise<BenchResults> {
  const startedAt = new Date();
  const phases: Phase[] = [];
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    say(`${name} …`);
    const started = performance.now();
    const value = await work();
    phases.push({ name, seconds: Math.round((performance.now() - started) / 100) / 10 });
    say(`${name}: done in ${secondsSince(started)}`);
    return value;
  };

  const { upstream, machine } = await phase("set-up (upstream venv, versions)", async () => {
    const upstream = await ensureUpstreamEnv();
    return { upstream, machine: await describeMachine(upstream) };
  });
  const { apiUrl, proxy, setting } = await phase("start Prefect", () => startPrefect(cleanup));
  const specs = { ours: ourSpec(setting), upstream: upstreamSpec(setting, upstream) };
  const docsOff = {
    ours: ourSpec(setting, { docs: false }),
    upstream: upstreamSpec(setting, upstream, { docs: false }),
  };

  const seedClient = createSeedClient({ apiUrl });
  const world = emptyWorld();
  const sizes: SizeResult[] = [];
  for (const size of options.sizes) {
    const seeding = performance.now();
    await phase(`seed to ${size} flow runs`, () => growTo(seedClient, world, size));
    const seedingSeconds = Math.round((performance.now() - seeding) / 100) / 10;
    const logsRunId = world.failedRunIds[world.failedRunIds.length - 1];
    if (!logsRunId) throw new Error(`no failed run was seeded at ${size} flow runs`);
    const measured = await phase(`measure at ${size} flow runs`, async () => {
      const { coldStart, tools } = await measureColdStart(specs, options["cold-starts"]);
      const { coldStart: coldStartDocsOff } = await measureColdStart(
        docsOff,
        options["cold-starts"],
        "cold start, docs proxy off,",
      );
      const asked = questions(logsRunId);
      for (const kind of SERVER_KINDS) {
        const missing = asked.filter((q) => !tools[kind].includes(q.calls[kind].tool));
        if (missing.length > 0) {
          throw new Error(
            `the ${kind} server lists no ${missing.map((q) => q.calls[kind].tool).join(", ")}; it lists ${tools[kind].join(", ")}`,
          );
        }
      }
      const servers = await launchBoth(specs, cleanup);
      try {
        const startBytes = {
          ours: await residentBytes(servers.ours.pid),
          upstream: await residentBytes(servers.upstream.pid),
        };
        const questionResults = await measureQuestions({
          servers,
          proxy,
          prefectApiUrl: apiUrl,
          questions: asked,
          samples: options.samples,
        });
        // The warm-up call and the timed ones, per question.
        const served = asked.length * (1 + options.samples);
        say(`  memory: calling both servers until each has served ${options.calls} calls …`);
        const memoryOf = (kind: ServerKind) =>
          memoryAfterCalls(servers[kind], asked, served, options.calls, startBytes[kind]);
        const [ours, theirs] = await Promise.all([memoryOf("ours"), memoryOf("upstream")]);
        proxy.reset();
        return {
          coldStart,
          coldStartDocsOff,
          tools,
          questions: questionResults,
          memory: { ours, upstream: theirs },
        };
      } finally {
        await Promise.all(SERVER_KINDS.map((kind) => servers[kind].close().catch(() => {})));
      }
    });
    sizes.push({
      flowRuns: world.flowRuns,
      taskRuns: world.taskRuns,
      logs: world.logs,
      seedingSeconds,
      ...measured,
    });
  }

  const http: HttpThroughput[] = [];
  const prefectCeiling: PrefectCeiling[] = [];
  await phase("HTTP throughput (ours)", async () => {
    const recorded = await recordCall(specs.ours, proxy, CEILING_CALL);
    for (const concurrency of options["http-concurrency"]) {
      const durationMs = options["http-seconds"] * 1000;
      const result = await measureHttpThroughput({
        prefectApiUrl: apiUrl,
        concurrency,
        durationMs,
      });
      const ceiling = await measurePrefectCeiling(recorded, apiUrl, concurrency, durationMs);
      say(
        `  ${concurrency} in flight: ${result.callsPerSecond} calls/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors; ` +
          `Prefect alone: ${ceiling.callsPerSecond} ${CEILING_CALL.tool} calls/s`,
      );
      http.push(result);
      prefectCeiling.push(ceiling);
    }
  });

  return {
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    // Other work on the machine skews every figure; the load average says how much there was.
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    settings: {
      ...options,
      prefectServerSettings: PREFECT_SETTINGS,
      docsUrl: `${setting.docsUrl} (a closed loopback port, for both servers)`,
      upstreamRequirements: upstreamRequirements(upstream),
    },
    phases,
    sizes,
    http,
    prefectCeiling,
  };
}

function upstreamRequirements(upstream: UpstreamEnv): string[] {
  return Object.entries(upstream.versions).map(([name, version]) => `${name}==${version}`);
}

async function startPrefect(cleanup: Cleanup) {
  const prefect = await startPrefectServer({ env: PREFECT_SETTINGS });
  cleanup.add("stop Prefect", () => prefect.stop());
  const proxy: LoopbackProxy = await startLoopbackProxy(prefect.apiUrl, { recordBodies: true });
  cleanup.add("close the proxy", () => proxy.close());
  const home = await mkdtemp(path.join(tmpdir(), "prefect-mcp-bench-"));
  cleanup.add("remove the servers' home", () => rm(home, { recursive: true, force: true }));
  const setting: ServerSetting = {
    apiUrl: proxy.url,
    docsUrl: `http://127.0.0.1:${await freePort()}/mcp`,
    home,
  };
  say(`Prefect at ${prefect.apiUrl}, proxied at ${proxy.url}`);
  return { apiUrl: prefect.apiUrl, proxy, setting };
}

async function launchBoth(
  specs: Record<ServerKind, ReturnType<typeof ourSpec>>,
  cleanup: Cleanup,
): Promise<Record<ServerKind, RunningServer>> {
  const ours = await launch(specs.ours);
  cleanup.add("stop our server", () => ours.close());
  const upstream = await launch(specs.upstream);
  cleanup.add("stop upstream's server", () => upstream.close());
  return { ours, upstream };
}

/** The call `measureHttpThroughput` makes, whose Prefect requests bound what it can reach. */
const CEILING_CALL = { tool: "get_flows", args: {} };

/** The Prefect requests one call of our server makes, as the proxy records them. */
async function recordCall(
  spec: ReturnType<typeof ourSpec>,
  proxy: LoopbackProxy,
  call: { tool: string; args: Record<string, unknown> },
): Promise<RecordedRequest[]> {
  const server = await launch(spec);
  try {
    await server.call(call.tool, call.args);
    proxy.reset();
    const outcome = await server.call(call.tool, call.args);
    if (outcome.error !== undefined) throw new Error(`${call.tool} failed: ${outcome.error}`);
    return [...proxy.requests];
  } finally {
    proxy.reset();
    await server.close();
  }
}

process.exit(await main());
