// @prefect-mcp/client against the real server: the guarantees a user relies on, proven on real data.
// (These live here, not in packages/client, because the seeders depend on the client's types.)
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import {
  createPrefectClient,
  NotAllowedError,
  PrefectApiError,
  resolvePrefectSettings,
} from "@prefect-mcp/client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  createFlow,
  createFlowRun,
  createSeedClient,
  type Flow,
  uniqueName,
} from "../src/index.js";

/** A loopback port that nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const apiUrl = inject("prefectApiUrl");
const seed = createSeedClient({ apiUrl });
const prefect = createPrefectClient(resolvePrefectSettings({ env: {}, overrides: { apiUrl } }));
/** The client as an untyped caller (or a confused model) would use it. */
const untypedPost = prefect.POST as unknown as (path: string, init?: object) => Promise<unknown>;

describe("the read-only client on a real server", () => {
  let flow: Flow;

  beforeAll(async () => {
    flow = await createFlow(seed, { name: uniqueName("payroll") });
  });

  it("refuses to delete a real flow, and the flow is still there afterwards", async () => {
    const attempt = untypedPost("/flows/bulk_delete", {
      body: { flows: { id: { any_: [flow.id] } } },
    });
    await expect(attempt).rejects.toBeInstanceOf(NotAllowedError);

    const stillThere = await prefect.GET("/flows/{id}", { params: { path: { id: flow.id } } });
    expect(stillThere.name).toBe(flow.name);
  });

  it("refuses to change a real run's state, which stays as it was", async () => {
    const run = await createFlowRun(seed, { flowId: flow.id, state: "Running" });
    const attempt = untypedPost(`/flow_runs/${run.id}/set_state`, {
      body: { state: { type: "CANCELLED" }, force: true },
    });
    await expect(attempt).rejects.toThrow(/Refused POST \/flow_runs\/.+\/set_state/);

    const reread = await prefect.GET("/flow_runs/{id}", { params: { path: { id: run.id } } });
    expect(reread.state?.type).toBe("RUNNING");
  });

  it("refuses a redirect that would carry a read to a deleting endpoint", async () => {
    // A server in front of Prefect answering every request with a 307 to bulk_delete, which keeps
    // the method and body: following it would delete the flow.
    const redirector = createHttpServer((_request, response) => {
      response.writeHead(307, { Location: `${apiUrl}/flows/bulk_delete` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    const { port } = redirector.address() as AddressInfo;
    try {
      const behindRedirect = createPrefectClient(
        resolvePrefectSettings({ env: {}, overrides: { apiUrl: `http://127.0.0.1:${port}/api` } }),
        { retries: 0 },
      );
      await expect(
        behindRedirect.POST("/flows/filter", { body: { flows: { id: { any_: [flow.id] } } } }),
      ).rejects.toBeInstanceOf(PrefectApiError);
      const stillThere = await prefect.GET("/flows/{id}", { params: { path: { id: flow.id } } });
      expect(stillThere.id).toBe(flow.id);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it("reads back what was seeded: the flow by name, its runs by state type, and their count", async () => {
    const byName = await prefect.GET("/flows/name/{name}", {
      params: { path: { name: flow.name } },
    });
    expect(byName.id).toBe(flow.id);

    const failed = await createFlowRun(seed, { flowId: flow.id, state: "Failed" });
    const filter = {
      flows: { id: { any_: [flow.id] } },
      flow_runs: { state: { type: { any_: ["FAILED" as const] } } },
    };
    const runs = await prefect.POST("/flow_runs/filter", { body: filter });
    expect(runs.map((run) => run.id)).toEqual([failed.id]);
    expect(await prefect.POST("/flow_runs/count", { body: filter })).toBe(1);
  });

  it("names the field Prefect rejects when a filter is invalid", async () => {
    const error = await untypedPost("/flow_runs/filter", {
      body: { flow_runs: { state: { type: { any_: ["SOMETIMES"] } } } },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrefectApiError);
    expect((error as PrefectApiError).status).toBe(422);
    expect((error as PrefectApiError).message).toMatch(/flow_runs\.state\.type\.any_\.0/);
  });

  it("reports an unknown flow run id as a 404 with Prefect's own words", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const error = await prefect
      .GET("/flow_runs/{id}", { params: { path: { id: missing } } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrefectApiError);
    expect((error as PrefectApiError).status).toBe(404);
    expect((error as PrefectApiError).message).toMatch(/GET \/flow_runs\/0{8}-.*404.*not found/i);
  });

  it("says the server cannot be reached, and where to look, when nothing listens", async () => {
    const offline = createPrefectClient(
      resolvePrefectSettings({
        env: { PREFECT_API_URL: `http://127.0.0.1:${await closedPort()}/api` },
      }),
      { retries: 1, retryBaseDelayMs: 1 },
    );
    await expect(offline.GET("/admin/version")).rejects.toThrow(
      /could not reach the server.*ECONNREFUSED.*PREFECT_API_URL/,
    );
  });
});
