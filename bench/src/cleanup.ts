import { say } from "./progress.js";

/**
 * Undo steps for everything the bench starts (servers, proxies, temp folders), run last-first on
 * success, failure and Ctrl-C alike.
 */
export class Cleanup {
  private readonly steps: Array<{ name: string; undo: () => Promise<unknown> }> = [];
  private running: Promise<void> | undefined;

  add(name: string, undo: () => Promise<unknown>): void {
    this.steps.push({ name, undo });
  }

  /** Runs every step once, even if some fail; later calls wait for the first. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.undo();
        } catch (error) {
          say(`cleanup: ${step.name} failed: ${String(error)}`);
        }
      }
    })();
    return this.running;
  }

  /** On SIGINT or SIGTERM: clean up, then exit 130 (or 143). */
  onSignals(): void {
    const stop = (signal: NodeJS.Signals, code: number) => {
      say(`${signal}: stopping servers and removing temporary files …`);
      void this.run().finally(() => process.exit(code));
    };
    process.once("SIGINT", () => stop("SIGINT", 130));
    process.once("SIGTERM", () => stop("SIGTERM", 143));
  }
}
