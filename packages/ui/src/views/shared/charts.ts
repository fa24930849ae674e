import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  LinearScale,
  Tooltip,
} from "chart.js";
import { type Child, h } from "./dom.js";
import { ink, onThemeChange } from "./theme.js";

// Only what the bar charts need, so the rest of Chart.js is left out of the bundle. No Legend
// plugin: it draws clickable canvas items no keyboard can reach; views draw an HTML legend.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export type Ink = ReturnType<typeof ink>;

export interface ChartFigureOptions {
  /** The summary a screen reader reads for the canvas. */
  label: string;
  /** Canvas height in CSS pixels; the width follows the container. */
  height: number;
  /** Shown under the chart, e.g. an HTML legend. */
  legend?: Child;
  /** The chart's data as tables, inside a <details> the reader can open. */
  tables: HTMLTableElement[];
  summary?: string;
}

/**
 * A chart with its text alternatives: a canvas with role="img" and a summary label, and its data
 * as tables in a <details> element (closed, but in the DOM for assistive technology and tests).
 */
export function chartFigure(options: ChartFigureOptions): {
  figure: HTMLElement;
  canvas: HTMLCanvasElement;
} {
  const canvas = h("canvas", { role: "img", "aria-label": options.label });
  const figure = h(
    "figure",
    { class: "chart" },
    h("div", { class: "chart-canvas", style: `height:${options.height}px` }, canvas),
    options.legend,
    h(
      "details",
      { class: "chart-data" },
      h("summary", {}, options.summary ?? "Chart data as a table"),
      ...options.tables.map((table) => h("div", { class: "table-scroll" }, table)),
    ),
  );
  return { figure, canvas };
}

/**
 * Draws a chart once its canvas is in the document, and redraws it with fresh colours on every
 * theme or host style change (rebuilding is simpler and safer than patching resolved options).
 */
export function drawChart(
  canvas: HTMLCanvasElement,
  configure: (ink: Ink) => ChartConfiguration<"bar">,
): void {
  let chart: Chart<"bar"> | undefined;
  const draw = () => {
    if (!canvas.isConnected) {
      unsubscribe();
      chart?.destroy();
      return;
    }
    chart?.destroy();
    const colors = ink();
    Chart.defaults.color = colors.muted;
    Chart.defaults.borderColor = colors.grid;
    Chart.defaults.font.family = colors.font;
    chart = new Chart(canvas, configure(colors));
  };
  const unsubscribe = onThemeChange(draw);
  // A figure is usually appended in the same task that builds it: draw right after that task.
  if (canvas.isConnected) draw();
  else queueMicrotask(draw);
}

/** Options every chart shares: no animation (instant, and stable for tests), container-sized. */
export const BASE_OPTIONS = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
} as const;

/** A data table with a caption, header row and body rows. */
export function dataTable(caption: string, head: string[], rows: HTMLTableRowElement[]) {
  return h(
    "table",
    {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...head.map((cell) => h("th", { scope: "col" }, cell)))),
    h("tbody", {}, ...rows),
  );
}

/** A legend entry: a colour swatch (from the theme's state colours) and its name. */
export function legend(items: { label: string; colorKey: string }[]): HTMLElement {
  return h(
    "ul",
    { class: "legend", "aria-label": "Legend" },
    ...items.map((item) =>
      h(
        "li",
        {},
        h("span", {
          class: "swatch",
          style: `--swatch: var(--state-${item.colorKey})`,
          "aria-hidden": "true",
        }),
        item.label,
      ),
    ),
  );
}
