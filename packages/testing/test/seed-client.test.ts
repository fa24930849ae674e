import { createPrefectClient, resolvePrefectSettings } from "@prefect-mcp/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createFlow,
  createSeedClient,
  type PrefectServer,
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
