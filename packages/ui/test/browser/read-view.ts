import type { Frame } from "playwright-core";

// What a user sees in a view, read through the views' data-testid hooks, in the shape of the tool
// results it must equal.

/** The number in a text such as "1,234 runs"; null when there is none. */
function numberIn(text: string | null | undefined): number | null {
  const digits = (text ?? "").replace(/[^\d]/g, "");
  return digits ? Number(digits) : null;
}

export interface ShownLimit {
  kind: string;
  name: string;
  activeSlots: number | null;
  limit: number | null;
}

export async function readDashboard(view: Frame) {
  const attributes = (selector: string, attribute: string) =>
    view
      .locator(selector)
      .evaluateAll(
        (elements, name) => elements.map((element) => element.getAttribute(name) ?? ""),
        attribute,
      );
  const stateCounts = await view
    .locator('[data-testid="state-count"]')
    .evaluateAll((elements) =>
      elements.map((element) => [
        (element as HTMLElement).dataset.stateName ?? "",
        element.textContent ?? "",
      ]),
    );
  const pools = await view.locator('[data-testid="work-pool"]').evaluateAll((elements) =>
    elements.map((element) => ({
      name: (element as HTMLElement).dataset.poolName ?? "",
      online: element.querySelector('[data-testid="online-workers"]')?.textContent ?? null,
      freshness: element.querySelector('[data-testid="worker-freshness"]')?.textContent ?? null,
    })),
  );
  const limits = await view.locator('[data-testid="limit"]').evaluateAll((elements) =>
    elements.map((element) => {
      const meter = element.querySelector("meter");
      return {
        kind: (element as HTMLElement).dataset.kind ?? "",
        name: (element as HTMLElement).dataset.name ?? "",
        value: meter?.getAttribute("value") ?? null,
        max: meter?.getAttribute("max") ?? null,
      };
    }),
  );
  return {
    total: numberIn(await view.locator('[data-testid="runs-total"]').textContent()),
    stateCounts: Object.fromEntries(stateCounts.map(([name, text]) => [name, numberIn(text)])),
    problemRuns: {
      late: await attributes('[data-testid="late-run"]', "data-run-id"),
      failed: await attributes('[data-testid="failed-run"]', "data-run-id"),
      crashed: await attributes('[data-testid="crashed-run"]', "data-run-id"),
    },
    pools: pools.map((pool) => ({
      name: pool.name,
      onlineWorkers: numberIn(pool.online),
      freshness: pool.freshness?.trim() ?? null,
    })),
    limits: sortLimits(
      limits.map((limit) => ({
        kind: limit.kind,
        name: limit.name,
        activeSlots: limit.value === null ? null : Number(limit.value),
        limit: limit.max === null ? null : Number(limit.max),
      })),
    ),
    notes: (await view.locator('[data-testid="notes"]').allTextContents()).join("\n"),
  };
}

export function sortLimits(limits: ShownLimit[]): ShownLimit[] {
  const key = (limit: ShownLimit) =>
    `${limit.kind}\u0000${limit.name}\u0000${limit.activeSlots}\u0000${limit.limit}`;
  return [...limits].sort((a, b) => key(a).localeCompare(key(b)));
}

/** The verdict and causes shown inside `scope` (the dashboard's diagnosis panel, or a view). */
export async function readDiagnosis(view: Frame, scope = "body") {
  const root = view.locator(scope);
  return {
    verdict: ((await root.locator('[data-testid="verdict"]').textContent()) ?? "").trim(),
    causes: await root.locator('[data-testid="cause"]').evaluateAll((elements) =>
      elements.map((element) => ({
        code: (element as HTMLElement).dataset.code ?? "",
        text: element.textContent ?? "",
      })),
    ),
  };
}

export async function readFlowRun(view: Frame) {
  const text = async (testId: string) =>
    ((await view.locator(`[data-testid="${testId}"]`).first().textContent()) ?? "").trim();
  return {
    name: await text("run-name"),
    state: await text("run-state"),
    taskRuns: await view.locator('[data-testid="task-run"]').evaluateAll((elements) =>
      elements.map((element) => ({
        id: (element as HTMLElement).dataset.taskRunId ?? "",
        stateName: (element as HTMLElement).dataset.stateName ?? "",
      })),
    ),
    stateEvents: await view
      .locator('[data-testid="state-event"]')
      .evaluateAll((elements) =>
        elements.map((element) => (element as HTMLElement).dataset.stateName ?? ""),
      ),
  };
}

/** The levels of the log lines a user can see now (a filter hides the others). */
export async function visibleLogLevels(view: Frame): Promise<string[]> {
  return view
    .locator('[data-testid="log-line"]')
    .evaluateAll((elements) =>
      elements
        .filter((element) => (element as HTMLElement).checkVisibility())
        .map((element) => (element as HTMLElement).dataset.level ?? ""),
    );
}

/** The computed background colour of the view: its body's, else its root element's. */
export function viewBackground(view: Frame): Promise<string> {
  return view.evaluate(() => {
    const transparent = (colour: string) =>
      colour === "transparent" || colour === "rgba(0, 0, 0, 0)";
    const body = getComputedStyle(document.body).backgroundColor;
    return transparent(body) ? getComputedStyle(document.documentElement).backgroundColor : body;
  });
}
