// Prints jest's totals as the plain closing line CI reads: "tests: N passed, N failed, N skipped".
const { readFileSync } = require('node:fs');

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('tests: 0 passed, 1 failed');
  console.error('jest wrote no results — it failed before running tests (see above)');
  process.exit(0);
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests + report.numRuntimeErrorTestSuites} failed, ${skipped} skipped`,
);
