import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/main.ts", "src/index.ts"],
  format: ["esm"],
  target: "node20",
  // main.js is the `prefect-mcp-cloud` bin, run directly by npx or a process manager.
  banner: { js: "#!/usr/bin/env node" },
  dts: { entry: "src/index.ts" },
  sourcemap: true,
  clean: true,
});
