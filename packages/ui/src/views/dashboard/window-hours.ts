const MAX_WINDOW_HOURS = 720;

type Window = { start?: string; end?: string } | undefined;

/** How many hours a get_dashboard window spans; NaN when either end is missing or unreadable. */
export function windowSpanHours(window: Window): number {
  return (Date.parse(window?.end ?? "") - Date.parse(window?.start ?? "")) / 3_600_000;
}

/**
 * The window_hours to ask get_dashboard for again: the one the call that opened the view used, or
 * else the length of the window its answer covers, in whole hours within the tool's 1–720.
 */
export function windowHoursOf(asked: unknown, window: Window) {
  if (typeof asked === "number" && Number.isInteger(asked) && asked >= 1) {
    return Math.min(asked, MAX_WINDOW_HOURS);
  }
  const span = windowSpanHours(window);
  if (!Number.isFinite(span)) return 24;
  return Math.min(Math.max(Math.round(span), 1), MAX_WINDOW_HOURS);
}
