// Builds each view into one self-contained HTML file, dist/views/<name>.html: one Vite build per
// view, since inlining everything into one file needs a single entry.
import { readFile, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "vite";
import { viteSingleFile } from "vite-plugin-singlefile";
import { UI_VIEWS } from "../src/index.js";

const root = fileURLToPath(new URL("../src/views/", import.meta.url));
const outDir = fileURLToPath(new URL("../dist/views/", import.meta.url));

/**
 * zod (inside the MCP SDK that ext-apps uses) exports every locale on its namespace object, and
 * the SDK's `import * as z` keeps that object whole: about 35 kB gzipped of error messages in
 * 40 languages. zod itself only ever uses English (its default), so English is all that ships.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  enforce: "pre",
  load(id) {
    if (/[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/.test(id)) {
      return 'export { default as en } from "./en.js";';
    }
    return undefined;
  },
};

await rm(outDir, { recursive: true, force: true });
for (const view of UI_VIEWS) {
  await build({
    configFile: false,
    root,
    logLevel: "warn",
    // Every asset becomes inline code: the host's sandbox gives the view no network at all.
    plugins: [zodEnglishOnly, viteSingleFile()],
    build: {
      outDir,
      emptyOutDir: false,
      minify: true,
      cssMinify: true,
      sourcemap: false,
      reportCompressedSize: false,
      rolldownOptions: { input: `${root}${view.name}.html` },
    },
  });
  const html = await readFile(`${outDir}${view.name}.html`);
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(
    `dist/views/${view.name}.html  ${kB(html.length)}, ${kB(gzipSync(html).length)} gzipped`,
  );
}
