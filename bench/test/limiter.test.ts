import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { limiter } from "../src/limiter.js";

describe("limiter", () => {
  it("never runs more than its slots at once, and runs every task in order of arrival", async () => {
    const limit = limiter(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        limit(async () => {
          started.push(index);
          running++;
          most = Math.max(most, running);
          await sleep(5);
          running--;
          return index * 2;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 12 }, (_, index) => index));
    expect(results).toEqual(Array.from({ length: 12 }, (_, index) => index * 2));
  });

  it("frees the slot of a task that fails", async () => {
    const limit = limiter(1);
    await expect(limit(() => Promise.reject(new Error("no")))).rejects.toThrow("no");
    await expect(limit(async () => "next")).resolves.toBe("next");
  });
});
