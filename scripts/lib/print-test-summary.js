// Prints jest's totals as the plain closing line CI reads: "tests: N passed, N failed, N skipped".
// Takes one or more jest JSON reports (the test command runs the adversity suite on its own) and sums them.
const { readFileSync } = require('node:fs');

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.error(`jest wrote no results to ${file} — it failed before running tests (see above)`);
    totals.failed += 1;
    continue;
  }
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  totals.skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
