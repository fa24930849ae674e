import { describe, expect, it } from "vitest";
import {
  GOALS,
  judge,
  judgeHttp,
  ratio,
  requestsGrow,
  sizeVerdicts,
  totalOutput,
} from "../src/goals.js";
import { size } from "./fixtures.js";

describe("ratio", () => {
  it("is ours divided by upstream's", () => {
    expect(ratio(30, 120)).toBe(0.25);
  });

  it("is undefined without both figures or with a zero upstream figure", () => {
    expect(ratio(undefined, 10)).toBeUndefined();
    expect(ratio(10, undefined)).toBeUndefined();
    expect(ratio(10, 0)).toBeUndefined();
  });
});

describe("judge", () => {
  it("meets an upper bound up to and including it", () => {
    const bound = GOALS.coldStart.max;
    expect(judge(GOALS.coldStart, bound)).toBe("met");
    expect(judge(GOALS.coldStart, bound / 2)).toBe("met");
    expect(judge(GOALS.coldStart, bound * 1.001)).toBe("not met");
  });

  it("meets a lower bound from it upwards", () => {
    const bound = GOALS.http.min;
    expect(judge(GOALS.http, bound)).toBe("met");
    expect(judge(GOALS.http, bound - 1)).toBe("not met");
  });

  it("has nothing to judge without a figure", () => {
    expect(judge(GOALS.memory, undefined)).toBe("n/a");
    expect(judge(GOALS.memory, Number.NaN)).toBe("n/a");
  });

  it("fails the HTTP goal on any error, however fast", () => {
    expect(judgeHttp(GOALS.http.min * 10, 1)).toBe("not met");
    expect(judgeHttp(GOALS.http.min * 10, 0)).toBe("met");
  });
});

describe("sizeVerdicts", () => {
  const measured = size({
    flowRuns: 100,
    coldStart: [150, 3000],
    memoryMb: [90, 120],
    questions: [
      {
        id: "a",
        ours: { latency: 20, overhead: 2, textChars: 300 },
        upstream: { latency: 40, overhead: 30, textChars: 1000 },
      },
      {
        id: "b",
        ours: { latency: 30, overhead: 7, textChars: 500 },
        upstream: { latency: 50, overhead: 20, textChars: 600 },
      },
    ],
  });
  const verdicts = Object.fromEntries(sizeVerdicts(measured).map((v) => [v.goal.id, v]));

  it("judges cold start and memory by the ratio of the medians", () => {
    expect(verdicts["cold-start"]?.value).toBeCloseTo(150 / 3000);
    expect(verdicts["cold-start"]?.status).toBe("met");
    expect(verdicts.memory?.value).toBeCloseTo(90 / 120);
    expect(verdicts.memory?.status).toBe("not met");
  });

  it("judges overhead by our worst tool", () => {
    expect(verdicts.overhead?.value).toBe(7);
    expect(verdicts.overhead?.status).toBe("not met");
  });

  it("judges output by all answers together, half counting as met", () => {
    expect(verdicts.output?.value).toBeCloseTo((300 + 500) / (1000 + 600));
    expect(verdicts.output?.status).toBe("met");
  });

  it("has no output total for a server that failed a question", () => {
    const failed = size({
      flowRuns: 100,
      coldStart: [1, 2],
      memoryMb: [1, 2],
      questions: [{ id: "a", ours: { latency: 1, textChars: 10 }, upstream: { latency: 1 } }],
    });
    expect(totalOutput(failed)).toEqual([10, undefined]);
    expect(sizeVerdicts(failed).find((v) => v.goal.id === "output")?.status).toBe("n/a");
  });
});

describe("requestsGrow", () => {
  const withRequests = (flowRuns: number, ours: number, upstream: number) =>
    size({
      flowRuns,
      coldStart: [1, 2],
      memoryMb: [1, 2],
      questions: [
        {
          id: "q",
          ours: { latency: 1, requests: ours },
          upstream: { latency: 1, requests: upstream },
        },
      ],
    });

  it("flags a count that is higher at the largest size than at the smallest", () => {
    const sizes = [withRequests(100, 3, 2), withRequests(1000, 3, 4), withRequests(10000, 3, 6)];
    expect(requestsGrow(sizes, "q", "ours")).toBe(false);
    expect(requestsGrow(sizes, "q", "upstream")).toBe(true);
  });

  it("does not flag an unknown question", () => {
    expect(requestsGrow([withRequests(100, 1, 1)], "nope", "ours")).toBe(false);
  });
});
