/**
 * Dumps the pinned Prefect's REST API OpenAPI document into @prefect-mcp/client's `openapi/` folder as
 * `prefect-<version>.json`, replacing older dumps. Run `pnpm spec:update` from the root, which then
 * regenerates the client's types.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ensurePrefectEnv } from "../src/python-env.js";
import { testingPackageDir } from "../src/repo-root.js";

const prefect = await ensurePrefectEnv();
const clientDir = path.dirname(
  createRequire(import.meta.url).resolve("@prefect-mcp/client/package.json"),
);
const openapiDir = path.join(clientDir, "openapi");
const home = await mkdtemp(path.join(tmpdir(), "prefect-home-"));
try {
  const { stdout } = await promisify(execFile)(
    prefect.python,
    [path.join(testingPackageDir(), "python", "dump_openapi.py")],
    { env: { ...process.env, PREFECT_HOME: home }, maxBuffer: 64 * 1024 * 1024 },
  );
  for (const old of await readdir(openapiDir).catch(() => [])) {
    if (/^prefect-.*\.json$/.test(old)) await rm(path.join(openapiDir, old));
  }
  const target = path.join(openapiDir, `prefect-${prefect.version}.json`);
  await writeFile(target, stdout);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
} finally {
  await rm(home, { recursive: true, force: true });
}
