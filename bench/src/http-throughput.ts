import {
  builtBin,
  connectHttpMcp,
  isolatedEnv,
  type McpConnection,
  ServerProcess,
} from "@prefect-mcp/testing";
import { percentile } from "./stats.js";

export interface HttpThroughputOptions {
  /** The Prefect every call reads from, sent as `X-Prefect-Api-Url` (and allow-listed). */
  prefectApiUrl: string;
  /** Tool calls kept in flight: one MCP client session per slot, each calling back to back. */
  concurrency: number;
  durationMs: number;
}

export interface HttpThroughput {
  concurrency: number;
  /** Measured wall time: the requested duration plus the tail of calls in flight at its end. */
  durationMs: number;
  calls: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Error results plus transport failures. */
  errors: number;
  /** The first error's message, to say what went wrong without rerunning. */
  firstError?: string;
}

/** The tool each call makes: one Prefect request, as an assistant's first look at a workspace. */
const TOOL = "get_flows";

/**
 * Starts the built `prefect-mcp-http` on a free loopback port and keeps `concurrency` get_flows
 * calls in flight against it for `durationMs`, through the MCP SDK's Streamable HTTP client as a
 * real assistant would call it. Session set-up (initialize) and one warm-up call per session
 * happen before the clock starts and are not counted.
 */
export async function measureHttpThroughput(
  options: HttpThroughputOptions,
): Promise<HttpThroughput> {
  const { prefectApiUrl, concurrency, durationMs } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1 || !(durationMs > 0)) {
    throw new RangeError(
      "measureHttpThroughput needs an integer concurrency ≥ 1 and durationMs > 0",
    );
  }
  const app = await ServerProcess.start({
    name: "prefect-mcp-http",
    bin: builtBin("prefect-mcp-http"),
    args: ["--port", "0", "--no-docs"],
    env: isolatedEnv({ PREFECT_MCP_ALLOWED_API_URLS: prefectApiUrl }),
  });
  let measured: HttpThroughput;
  try {
    measured = await callsAgainst(`${app.url}/mcp`, options);
  } catch (error) {
    await app.stop();
    throw error;
  }
  const exit = await app.stop();
  if (exit.code !== 0) {
    throw new Error(`prefect-mcp-http exited with ${JSON.stringify(exit)}:\n${app.stderr}`);
  }
  return measured;
}

/** Opens one session per slot, warms each up, then calls back to back until the deadline. */
async function callsAgainst(
  mcpUrl: string,
  { prefectApiUrl, concurrency, durationMs }: HttpThroughputOptions,
): Promise<HttpThroughput> {
  const sessions: McpConnection[] = [];
  try {
    const headers = { "X-Prefect-Api-Url": prefectApiUrl };
    for (let i = 0; i < concurrency; i++) sessions.push(await connectHttpMcp(mcpUrl, headers));
    for (const session of sessions) {
      const warmUp = await session.call(TOOL);
      if (warmUp.isError) throw new Error(`${TOOL} failed before the run: ${warmUp.text}`);
    }

    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const failed = (message: string) => {
      errors++;
      firstError ??= message;
    };
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      sessions.map(async (session) => {
        while (performance.now() < deadline) {
          const sent = performance.now();
          try {
            const result = await session.call(TOOL);
            if (result.isError) failed(result.text);
          } catch (error) {
            failed(error instanceof Error ? error.message : String(error));
          }
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    return {
      concurrency,
      durationMs: Math.round(elapsedMs),
      calls: latencies.length,
      callsPerSecond: round(latencies.length / (elapsedMs / 1000)),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      errors,
      ...(firstError === undefined ? {} : { firstError }),
    };
  } finally {
    await Promise.all(sessions.map((session) => session.close().catch(() => {})));
  }
}

/** `apps/http`'s bin as built by `pnpm build`: the bench measures what ships, not the sources. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}
