// Sums every vitest JSON report of this run and prints `N passed, N failed`; exits non-zero when
// anything failed, including a failure outside vitest (install, lint, typecheck) given as argv[2].
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const commandStatus = Number(process.argv[2] ?? 0);
const reports = ["packages", "apps"]
  .flatMap((group) =>
    existsSync(group) ? readdirSync(group).map((name) => path.join(group, name)) : [],
  )
  .concat("evals", "bench", "reliability")
  .map((dir) => path.join(dir, ".reports", "vitest.json"))
  .filter((file) => existsSync(file));

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A test file that could not even load (or whose hooks failed) has failed with no failed test.
  for (const file of report.testResults ?? []) {
    const anyTestFailed = file.assertionResults?.some((test) => test.status === "failed");
    if (file.status === "failed" && !anyTestFailed) failed += 1;
  }
  console.log(
    `${path.dirname(path.dirname(file))}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
  );
}
if (commandStatus !== 0 && failed === 0) {
  console.log(
    `the test command exited ${commandStatus} outside any test (install, lint or typecheck): counted as 1 failure`,
  );
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
