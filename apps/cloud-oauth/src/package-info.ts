import { readFileSync } from "node:fs";

/** This package's name and version, read from its package.json (one folder up from src/ and dist/). */
export const packageInfo = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as { name: string; version: string };
