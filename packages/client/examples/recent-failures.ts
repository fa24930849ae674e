/**
 * Lists the ten most recent failed flow runs with their state messages.
 * Run against your Prefect: `PREFECT_API_URL=http://127.0.0.1:4200/api npx tsx examples/recent-failures.ts`
 * (from packages/client, after `pnpm build`), or with no variables to use your active profile.
 */
import { createPrefectClient, PrefectApiError, resolvePrefectSettings } from "@prefect-mcp/client";

const client = createPrefectClient(resolvePrefectSettings());
try {
  const failed = await client.POST("/flow_runs/filter", {
    body: {
      flow_runs: { state: { type: { any_: ["FAILED", "CRASHED"] } } },
      sort: "START_TIME_DESC",
      limit: 10,
    },
  });
  if (failed.length === 0) console.log("No failed flow runs.");
  for (const run of failed) {
    console.log(`${run.id}  ${run.name}  ${run.state?.name}: ${run.state?.message ?? ""}`);
  }
} catch (error) {
  // Every API failure is a PrefectApiError whose message says what to check.
  if (error instanceof PrefectApiError) console.error(error.message);
  else throw error;
  process.exitCode = 1;
}
