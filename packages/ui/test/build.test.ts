import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { readViewHtml, UI_VIEWS } from "../src/index.js";
import { BUILD_COMMAND, readBuiltView, viewFileUrl } from "../src/view-files.js";

// The built package: each view is one self-contained HTML file that loads nothing at run time
// (hosts render it in a sandbox without network), within the size budget, served by readViewHtml.

const VIEWS_DIR = new URL("../dist/views/", import.meta.url);
const DIST_ENTRY = new URL("../dist/index.js", import.meta.url);
const MAX_GZIPPED_BYTES = 150 * 1024;

/**
 * The only URLs in the built views. Each is a string inside bundled JavaScript that nothing
 * fetches; a new one fails this test until someone checks it and adds it here with its reason.
 * Template placeholders read as `<expr>`, whatever name the minifier gave their variable.
 */
const URLS_NOT_FETCHED = new Map([
  // zod's toJSONSchema and fromJSONSchema: `$schema` identifiers compared and written, not loaded.
  ["https://json-schema.org/draft/2020-12/schema", "zod JSON Schema dialect identifier"],
  ["http://json-schema.org/draft-07/schema#", "zod JSON Schema dialect identifier"],
  ["http://json-schema.org/draft-04/schema#", "zod JSON Schema dialect identifier"],
  // zod's IPv6 check parses `http://[<address>]` with the URL constructor; no request is made.
  ["http://[<expr>]", "zod IPv6 validation, parsed with new URL()"],
  // ext-apps' schema description of CSP domains (documentation text inside a zod .describe()).
  ["https://*.example.com", "ext-apps CSP documentation example"],
  // The bundler's error message for a `require` call, which the views never make.
  ["https://rolldown.rs/in-depth/bundling-cjs#require-external-modules", "rolldown error text"],
]);

function viewHtml(name: string): string {
  return readFileSync(new URL(`${name}.html`, VIEWS_DIR), "utf8");
}

/** The markup with every inline script's and style's content removed. */
function markupOnly(html: string): string {
  return html
    .replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, "$1</script>")
    .replace(/(<style\b[^>]*>)[\s\S]*?<\/style>/gi, "$1</style>");
}

beforeAll(() => {
  if (!existsSync(VIEWS_DIR)) {
    throw new Error(`${fileURLToPath(VIEWS_DIR)} is missing: run \`${BUILD_COMMAND}\` first.`);
  }
});

describe.each(UI_VIEWS.map((view) => [view.name, view] as const))("the built %s view", (name) => {
  it("is one HTML document with its script and style inline", () => {
    const html = viewHtml(name);
    expect(html.trimStart().toLowerCase().startsWith("<!doctype html>")).toBe(true);
    expect(html.match(/<html\b/gi)).toHaveLength(1);
    expect(html.match(/<\/html>/gi)).toHaveLength(1);
    expect(html.match(/<script\b/gi)).toHaveLength(1);
    expect(html).toMatch(/<script type="module"[^>]*>\S/);
    expect(html.match(/<style\b/gi)).toHaveLength(1);
  });

  it("loads nothing: no src or href attributes, @import or remote url()", () => {
    const html = viewHtml(name);
    const markup = markupOnly(html);
    expect(markup).not.toMatch(/\ssrc\s*=/i);
    expect(markup).not.toMatch(/\shref\s*=/i);
    expect(markup).not.toMatch(/\ssrcset\s*=/i);
    expect(html).not.toMatch(/@import\b/i);
    expect(html).not.toMatch(/url\(\s*['"]?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
  });

  it("names no URL except known strings that nothing fetches", () => {
    const urls = new Set(
      (viewHtml(name).match(/https?:\/\/[^\s"'`)\\<>]*/g) ?? []).map((url) =>
        url.replace(/\$\{[^}]*\}/g, "<expr>"),
      ),
    );
    expect([...urls].filter((url) => !URLS_NOT_FETCHED.has(url))).toEqual([]);
    expect(markupOnly(viewHtml(name))).not.toMatch(/https?:\/\//);
  });

  it("is at most 150 kB gzipped", () => {
    const gzipped = gzipSync(readFileSync(new URL(`${name}.html`, VIEWS_DIR))).length;
    expect(gzipped).toBeLessThanOrEqual(MAX_GZIPPED_BYTES);
  });
});

describe("readViewHtml", () => {
  it("returns each view's built file, read once", async () => {
    for (const view of UI_VIEWS) {
      expect(await readViewHtml(view)).toBe(viewHtml(view.name));
      expect(readViewHtml(view)).toBe(readViewHtml(view));
    }
  });

  it("works from the built entry too (dist/index.js finds dist/views)", async () => {
    const built = (await import(DIST_ENTRY.href)) as typeof import("../src/index.js");
    for (const view of built.UI_VIEWS) {
      expect(await built.readViewHtml(view)).toBe(viewHtml(view.name));
    }
  });

  it("looks in the same folder from src/ and from dist/", () => {
    const fromSource = viewFileUrl("dashboard", new URL("../src/view-files.ts", import.meta.url));
    const fromDist = viewFileUrl("dashboard", DIST_ENTRY);
    expect(fromSource.href).toBe(fromDist.href);
    expect(fromSource.href).toBe(new URL("dashboard.html", VIEWS_DIR).href);
  });

  it("says the UI is not built, and how to build it, when a view file is missing", async () => {
    const missing = new URL("../dist/no-such-dir/dashboard.html", import.meta.url);
    await expect(readBuiltView(missing)).rejects.toThrow(/not built/);
    await expect(readBuiltView(missing)).rejects.toThrow(
      "Run `pnpm --filter @prefect-mcp/ui build`",
    );
  });
});
