import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./repo-root.js";

/** A file of this repo by its path from the root, e.g. `apps/stdio/README.md`. */
export function readmePath(relative: string): string {
  return path.join(repoRoot(), relative);
}

/**
 * Generated parts of a README sit between `<!-- NAME:start -->` and `<!-- NAME:end -->`, so a
 * script can rewrite them and a test can tell when they are stale; the prose around them is
 * written by hand. Returns the file split around the section's content.
 */
function splitAtSection(file: string, name: string) {
  const text = readFileSync(file, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} section`);
  return {
    text,
    before: `${text.slice(0, from + start.length)}\n`,
    content: text
      .slice(from + start.length, to)
      .replace(/^\n/, "")
      .replace(/\n$/, ""),
    after: `\n${text.slice(to)}`,
  };
}

/** What the README at `file` holds between the markers of `name`, without the markers. */
export function readMarkedSection(file: string, name: string): string {
  return splitAtSection(file, name).content;
}

/** Rewrites the section `name` of the README at `file`; true when that changed the file. */
export function writeMarkedSection(file: string, name: string, content: string): boolean {
  const { text, before, after } = splitAtSection(file, name);
  const updated = `${before}${content}${after}`;
  if (updated === text) return false;
  writeFileSync(file, updated);
  return true;
}
