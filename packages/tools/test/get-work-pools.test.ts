import { createWorkPool, sendWorkerHeartbeat, uniqueName } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

describe("get_work_pools", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  const pausedPool = uniqueName("paused-pool");
  const busyPool = uniqueName("busy-pool");
  const workerName = uniqueName("worker");
  beforeAll(async () => {
    tools = await connectTools();
    await createWorkPool(seed, {
      name: pausedPool,
      paused: true,
      concurrencyLimit: 4,
      queues: [
        { name: "critical", concurrencyLimit: 2, priority: 1 },
        { name: "batch", paused: true },
      ],
    });
    await createWorkPool(seed, { name: busyPool, type: "kubernetes" });
    await sendWorkerHeartbeat(seed, { workPoolName: busyPool, workerName });
  });
  afterAll(() => tools.close());

  const byName = async (names: string[]) => {
    const result = await tools.call("get_work_pools", { filter: { name: { any_: names } } });
    expect(result.isError).toBeFalsy();
    return result;
  };

  it("names a paused pool with status PAUSED, its limit and its queues by priority", async () => {
    const result = await byName([pausedPool]);
    expect(result.data.count).toBe(1);
    const pool = result.data.work_pools[0];
    expect(pool).toMatchObject({
      name: pausedPool,
      type: "process",
      status: "PAUSED",
      paused: true,
      concurrency_limit: 4,
      active_slots: 0,
    });
    expect(pool.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(pool.queues.map((queue: { name: string }) => queue.name)).toEqual([
      "critical",
      "default",
      "batch",
    ]);
    expect(pool.queues[0]).toMatchObject({
      name: "critical",
      priority: 1,
      concurrency_limit: 2,
      active_slots: 0,
      paused: false,
    });
    expect(pool.queues[2]).toMatchObject({ name: "batch", paused: true, status: "PAUSED" });
    expect(pool.online_workers).toBe(0);
  });

  it("shows an online worker with its last heartbeat", async () => {
    const result = await byName([busyPool]);
    const pool = result.data.work_pools[0];
    expect(pool).toMatchObject({ name: busyPool, type: "kubernetes", paused: false });
    expect(pool.online_workers).toBe(1);
    expect(pool.workers).toEqual([
      { name: workerName, status: "ONLINE", last_heartbeat: expect.any(String) },
    ]);
    expect(Date.now() - Date.parse(pool.workers[0].last_heartbeat)).toBeLessThan(5 * 60_000);
  });

  it("pages with limit and offset", async () => {
    const filter = { name: { any_: [pausedPool, busyPool] } };
    const first = await tools.call("get_work_pools", { filter, limit: 1 });
    expect(first.data).toMatchObject({ count: 1, has_more: true, next_offset: 1 });
    const second = await tools.call("get_work_pools", { filter, limit: 1, offset: 1 });
    expect(second.data).toMatchObject({ count: 1, has_more: false });
    expect([first.data.work_pools[0].name, second.data.work_pools[0].name].sort()).toEqual(
      [pausedPool, busyPool].sort(),
    );
  });

  it("selects fields with jmespath", async () => {
    const result = await tools.call("get_work_pools", {
      filter: { name: { any_: [pausedPool] } },
      jmespath: "work_pools[].queues[?paused].name[]",
    });
    expect(result.data.result).toEqual(["batch"]);
  });

  it("says that work pool names take any_ only when given like_", async () => {
    const result = await tools.call("get_work_pools", { filter: { name: { like_: "prod-%" } } });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/filter\.name has an unknown key "like_"; allowed keys: any_/);
  });

  it("rejects an out-of-range limit naming the bound", async () => {
    const result = await tools.call("get_work_pools", { limit: 201 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit must be at most 200/);
  });
});
