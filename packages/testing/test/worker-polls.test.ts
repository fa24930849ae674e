import { createPrefectClient, resolvePrefectSettings } from "@prefect-mcp/client";
import { expect, inject, it } from "vitest";
import {
  createDeployment,
  createFlowRun,
  createSeedClient,
  createWorkPool,
  pollWorkQueues,
} from "../src/index.js";

const apiUrl = inject("prefectApiUrl");
const seed = createSeedClient({ apiUrl });
const prefect = createPrefectClient(resolvePrefectSettings({ env: {}, overrides: { apiUrl } }));

it("records a worker's poll of a queue and hands out its due runs up to the pool's limit", async () => {
  const { workPool } = await createWorkPool(seed, {
    concurrencyLimit: 1,
    queues: [{ name: "reports" }],
  });
  const deployment = await createDeployment(seed, {
    workPoolName: workPool.name,
    workQueueName: "reports",
  });
  await createFlowRun(seed, { deploymentId: deployment.id, state: "Late" });
  await createFlowRun(seed, { deploymentId: deployment.id, state: "Late" });

  const handedOut = await pollWorkQueues(seed, {
    workPoolName: workPool.name,
    workQueueNames: ["reports"],
  });

  expect(handedOut).toHaveLength(1);
  const queue = await prefect.GET("/work_pools/{work_pool_name}/queues/{name}", {
    params: { path: { work_pool_name: workPool.name, name: "reports" } },
  });
  expect(queue.status).toBe("READY");
  expect(Date.now() - Date.parse(queue.last_polled ?? "")).toBeLessThan(60_000);
});
