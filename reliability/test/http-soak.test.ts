import { readFileSync } from "node:fs";
import {
  builtBin,
  connectHttpMcp,
  createFlow,
  createFlowRun,
  createSeedClient,
  createWorkPool,
  isolatedEnv,
  type McpConnection,
  type PrefectServer,
  ServerProcess,
  startPrefectServer,
  type ToolCallResult,
  uniqueName,
} from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_API_KEY, FAKE_AUTH_STRING, LeakScan } from "../src/fake-secrets.js";

// The requirement is 1 000 calls per tenant; `pnpm test` runs a tenth of that to stay fast.
const FULL = process.env.RELIABILITY_SCALE === "full";
const CALLS_PER_TENANT = FULL ? 1_000 : 100;
/** The first calls of each tenant, after which memory is sampled: V8 and the JIT settle first. */
const WARM_UP_PER_TENANT = CALLS_PER_TENANT / 5;
const SESSIONS_PER_TENANT = 4;
const IN_FLIGHT = 16;
/**
 * The app runs with its V8 old space capped near what a container limit would allow. Uncapped, V8
 * grows its heap lazily: RSS climbs from ~140 MB to a ~230 MB plateau over the first ~2 500 calls
 * while the live heap after each full GC stays flat at ~30 MB, so growth over the run would say
 * more about V8's heap sizing than about leaks. Capped, a stateless server's RSS is flat within a
 * few MB after warm-up, and a leak either shows as growth or runs the app out of heap (failed calls,
 * a non-zero exit).
 */
const HEAP_LIMIT_MB = 64;
/**
 * Allowed RSS growth from the end of warm-up to the end of the run. Capped, RSS moved by under
 * 10 MB over 4 000 calls; 40 MB is a leak of 25 kB per call over the full run's 1 600 measured
 * calls, including Buffers and native memory, which the heap cap does not bound.
 */
const RSS_GROWTH_LIMIT_MB = 40;

/** Tools an assistant calls first; each answer names the tenant's own seeded objects or URL. */
const TOOLS = ["get_flows", "get_flow_runs", "get_dashboard", "get_work_pools", "get_identity"];

interface Tenant {
  label: "A" | "B";
  server: PrefectServer;
  /** The prefix of every object seeded in this tenant's Prefect, e.g. `soak-a-1f2e3d4c`. */
  tag: string;
  headers: Record<string, string>;
  sessions: McpConnection[];
}

interface Answer {
  tenant: Tenant;
  tool: string;
  result?: ToolCallResult;
  error?: string;
}

const scan = new LeakScan();
const answers: Answer[] = [];
let tenants: [Tenant, Tenant];
let app: ServerProcess;
let appStdout = "";

beforeAll(async () => {
  const [a, b] = await Promise.all([seededTenant("A"), seededTenant("B")]);
  tenants = [a, b];
  app = await ServerProcess.start({
    name: "prefect-mcp-http",
    bin: builtBin("prefect-mcp-http"),
    args: ["--port", "0", "--no-docs"],
    env: isolatedEnv({
      PREFECT_MCP_ALLOWED_API_URLS: `${a.server.apiUrl},${b.server.apiUrl}`,
      NODE_OPTIONS: `--max-old-space-size=${HEAP_LIMIT_MB}`,
    }),
  });
  app.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    appStdout += chunk;
  });
  for (const tenant of tenants) {
    for (let i = 0; i < SESSIONS_PER_TENANT; i++) {
      tenant.sessions.push(await connectHttpMcp(`${app.url}/mcp`, tenant.headers));
    }
  }
});

afterAll(async () => {
  for (const tenant of tenants ?? []) {
    await Promise.all(tenant.sessions.map((session) => session.close().catch(() => {})));
  }
  await app?.stop();
  await Promise.all((tenants ?? []).map((tenant) => tenant.server.stop()));
});

/** A Prefect that asks for the fake auth string, seeded with objects named after the tenant. */
async function seededTenant(label: "A" | "B"): Promise<Tenant> {
  const server = await startPrefectServer({ authString: FAKE_AUTH_STRING });
  const tag = uniqueName(`soak-${label.toLowerCase()}`);
  const seed = createSeedClient({ apiUrl: server.apiUrl, authString: FAKE_AUTH_STRING });
  const { workPool } = await createWorkPool(seed, { name: `${tag}-pool` });
  const flow = await createFlow(seed, { name: `${tag}-flow` });
  for (const state of ["Completed", "Failed"] as const) {
    await createFlowRun(seed, {
      flowId: flow.id,
      name: `${tag}-${state.toLowerCase()}`,
      state,
      workPoolName: workPool.name,
    });
  }
  const headers: Record<string, string> = {
    "X-Prefect-Api-Url": server.apiUrl,
    "X-Prefect-Api-Auth-String": FAKE_AUTH_STRING,
  };
  // B also sends a key, which must neither win over the auth string (Prefect OSS wants Basic) nor
  // show up anywhere.
  if (label === "B") headers["X-Prefect-Api-Key"] = FAKE_API_KEY;
  return { label, server, tag, headers, sessions: [] };
}

/** The `prefect-mcp-http` bin as `pnpm build` leaves it: the soak runs what ships. */
interface CallSpec {
  tenant: Tenant;
  tool: string;
  session: McpConnection;
}

/** `count` calls per tenant, alternating tenants and rotating tools and sessions. */
function interleaved(count: number): CallSpec[] {
  return Array.from({ length: 2 * count }, (_, i) => {
    const round = Math.floor(i / 2);
    const tenant = tenants[i % 2] as Tenant;
    return {
      tenant,
      tool: TOOLS[round % TOOLS.length] as string,
      session: tenant.sessions[round % SESSIONS_PER_TENANT] as McpConnection,
    };
  });
}

/** Makes the calls in order, `IN_FLIGHT` at a time, recording every answer and scanning it. */
async function call(specs: readonly CallSpec[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let spec = specs[next++]; spec; spec = specs[next++]) {
        const { tenant, tool, session } = spec;
        try {
          const result = await session.call(tool);
          answers.push({ tenant, tool, result });
          scan.add(`${tenant.label} ${tool}`, `${result.text}\n${JSON.stringify(result)}`);
        } catch (error) {
          answers.push({ tenant, tool, error: String(error) });
        }
      }
    }),
  );
}

/** The app's resident set size in MB, from the kernel's own accounting. */
function appRssMb(): number {
  const status = readFileSync(`/proc/${app.child.pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS in /proc/${app.child.pid}/status`);
  return kb / 1024;
}

/** Everything the model would see of an answer: its text and its structured content. */
function seen(answer: Answer): string {
  return `${answer.result?.text ?? ""}\n${JSON.stringify(answer.result?.structuredContent ?? {})}`;
}

describe(`HTTP soak: 2 tenants × ${CALLS_PER_TENANT} interleaved calls on one server`, () => {
  it("answers every call from the caller's own Prefect, without errors, in stable memory", async () => {
    const specs = interleaved(CALLS_PER_TENANT);
    const started = performance.now();
    await call(specs.slice(0, 2 * WARM_UP_PER_TENANT));
    const rssAfterWarmUp = appRssMb();
    let rssPeak = rssAfterWarmUp;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, appRssMb());
    }, 250);
    try {
      await call(specs.slice(2 * WARM_UP_PER_TENANT));
    } finally {
      clearInterval(sampler);
    }
    const rssAtEnd = appRssMb();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `http soak: ${answers.length} calls in ${seconds.toFixed(1)} s; app RSS ${rssAfterWarmUp.toFixed(1)} MB after warm-up, ${rssAtEnd.toFixed(1)} MB at the end, peak ${rssPeak.toFixed(1)} MB`,
    );

    expect(answers).toHaveLength(2 * CALLS_PER_TENANT);
    const failures = answers
      .filter((answer) => answer.error !== undefined || answer.result?.isError)
      .map(
        ({ tenant, tool, error, result }) => `${tenant.label} ${tool}: ${error ?? result?.text}`,
      );
    expect(failures).toEqual([]);

    const crossTenant = [];
    const notOwn = [];
    for (const answer of answers) {
      const own = answer.tenant;
      const other = tenants[own.label === "A" ? 1 : 0];
      const text = seen(answer);
      if (text.includes(other.tag) || text.includes(other.server.apiUrl)) {
        crossTenant.push(`${own.label} ${answer.tool}: ${text.slice(0, 300)}`);
      }
      if (!text.includes(own.tag) && !text.includes(own.server.apiUrl)) {
        notOwn.push(`${own.label} ${answer.tool}: ${text.slice(0, 300)}`);
      }
    }
    expect(crossTenant).toEqual([]);
    // Every answer names its own tenant, so the check above could have seen a mix-up.
    expect(notOwn).toEqual([]);
    // Each tenant's flow list is exactly its own flow, not a merge of both Prefects.
    for (const answer of answers.filter((a) => a.tool === "get_flows")) {
      const names = ((answer.result?.data.flows ?? []) as { name: string }[]).map(
        (flow) => flow.name,
      );
      expect(names).toEqual([`${answer.tenant.tag}-flow`]);
    }
    // Every call went through the one app process. A request's log line is written when its
    // response closes, which can be just after the client has read the answer.
    const logged = () => app.logs().filter((entry) => entry.rpc_method === "tools/call");
    for (let i = 0; i < 100 && logged().length < 2 * CALLS_PER_TENANT; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(logged()).toHaveLength(2 * CALLS_PER_TENANT);
    expect(logged().every((entry) => entry.status === 200)).toBe(true);

    expect(rssAtEnd - rssAfterWarmUp).toBeLessThan(RSS_GROWTH_LIMIT_MB);
  });

  it("never shows the fake key or auth string in the app's output or any answer", async () => {
    for (const tenant of tenants) {
      await Promise.all(tenant.sessions.map((session) => session.close()));
      tenant.sessions.length = 0;
    }
    expect((await app.stop()).code).toBe(0);
    scan.add("prefect-mcp-http stderr", app.stderr);
    scan.add("prefect-mcp-http stdout", appStdout);
    // Every answer and every request's log line were captured.
    expect(scan.size).toBeGreaterThan(2 * CALLS_PER_TENANT * 1_000);
    expect(scan.hits()).toEqual([]);
  });
});
