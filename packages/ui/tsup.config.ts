import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  dts: true,
  sourcemap: true,
  // dist/views holds the HTML views built by scripts/build-views.ts: clean everything else.
  clean: ["!views/**"],
});
