import { describe, expect, it } from "vitest";
import { Cleanup } from "../src/cleanup.js";

describe("Cleanup", () => {
  it("undoes in reverse order, goes on past a failing step, and only once", async () => {
    const cleanup = new Cleanup();
    const done: string[] = [];
    cleanup.add("first", async () => done.push("first"));
    cleanup.add("broken", async () => {
      throw new Error("cannot");
    });
    cleanup.add("last", async () => done.push("last"));
    await Promise.all([cleanup.run(), cleanup.run()]);
    await cleanup.run();
    expect(done).toEqual(["last", "first"]);
  });
});
