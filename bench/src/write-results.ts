import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchResults } from "./bench-results.js";

/** bench/results/, next to this package's src/. */
export function resultsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "results");
}

/** Writes `<date>.json` (everything), `<date>.md` and `latest.md` (the report). */
export async function writeResults(results: BenchResults, report: string): Promise<string[]> {
  const dir = resultsDir();
  await mkdir(dir, { recursive: true });
  const files = {
    json: path.join(dir, `${results.date}.json`),
    markdown: path.join(dir, `${results.date}.md`),
    latest: path.join(dir, "latest.md"),
  };
  await writeFile(files.json, `${JSON.stringify(results, toTenths, 2)}\n`);
  await writeFile(files.markdown, report);
  await writeFile(files.latest, report);
  return Object.values(files);
}

/** Timer noise below 0.1 ms (361.6501930000013) says nothing and bloats the file. */
function toTenths(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isInteger(value)
    ? Math.round(value * 10) / 10
    : value;
}
