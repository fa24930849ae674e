import { createPrefectClient, resolvePrefectSettings } from "@prefect-mcp/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createFlow,
  createSeedClient,
  type PrefectServer,
  startLoopbackProxy,
  startPrefectServer,
} from "../src/index.js";

let server: PrefectServer;
beforeAll(async () => {
  server = await startPrefectServer({ authString: "admin:s3cret", csrfProtection: true });
});
afterAll(() => server?.stop());

it("seeds a server that demands a password and CSRF tokens", async () => {
  const seed = createSeedClient({ apiUrl: server.apiUrl, authString: "admin:s3cret" });
  const flow = await createFlow(seed);

  const prefect = createPrefectClient(
    resolvePrefectSettings({
      env: {},
      overrides: { apiUrl: server.apiUrl, authString: "admin:s3cret" },
    }),
  );
  expect(await prefect.GET("/flows/{id}", { params: { path: { id: flow.id } } })).toMatchObject({
    name: flow.name,
  });
});

it("reports a wrong password as the refusal Prefect gives it", async () => {
  const seed = createSeedClient({ apiUrl: server.apiUrl, authString: "admin:wrong" });

  // Prefect checks CSRF before the password, so the refusal comes with the token request.
  await expect(createFlow(seed)).rejects.toThrow(
    "GET /csrf-token failed with HTTP 401: Unauthorized (fetching the CSRF token this server demands for writes)",
  );
});

it("resends a write whose socket was closed before the server read it, once, and then succeeds", async () => {
  const proxy = await startLoopbackProxy(server.apiUrl);
  try {
    proxy.setFaults([{ fault: { kind: "drop" }, pathIncludes: "/flows/", times: 1 }]);
    const flow = await createFlow(
      createSeedClient({ apiUrl: proxy.url, authString: "admin:s3cret" }),
    );
    const statuses = proxy.requests
      .filter((request) => request.method === "POST" && request.path === "/api/flows/")
      .map((request) => request.status);
    // Dropped, then resent; the 403 in between is this server asking for its CSRF token first.
    expect(statuses).toEqual([0, 403, 201]);
    expect(flow.id).toMatch(/^[0-9a-f-]{36}$/);
  } finally {
    await proxy.close();
  }
});
