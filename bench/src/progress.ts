/** One progress line on stderr; stdout is left for the final table. */
export function say(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Seconds since `startedMs`, for "took 12.3 s" lines. */
export function secondsSince(startedMs: number): string {
  return `${((performance.now() - startedMs) / 1000).toFixed(1)} s`;
}
