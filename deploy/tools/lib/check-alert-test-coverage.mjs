// Every alert in the rule file must have at least one promtool test case where it fires (exp_alerts with
// labels) and one where it stays silent (no exp_alerts) in the test file. Text-based on purpose (no YAML
// dependency): it relies on the `- alert:` / `- eval_time:` / `alertname:` layout promtool files use.
//
//   node check-alert-test-coverage.mjs <alerts.yml> <alerts.test.yml>
import { readFileSync } from 'node:fs';

const [rulesPath, testsPath] = process.argv.slice(2);
if (!rulesPath || !testsPath) {
  console.error('usage: check-alert-test-coverage.mjs <alerts.yml> <alerts.test.yml>');
  process.exit(2);
}
const alerts = [...readFileSync(rulesPath, 'utf8').matchAll(/^\s*- alert:\s*(\S+)/gm)].map((m) => m[1]);
const fires = new Set();
const silent = new Set();
for (const entry of readFileSync(testsPath, 'utf8')
  .split(/^\s*- eval_time:/m)
  .slice(1)) {
  const name = /^\s*alertname:\s*(\S+)/m.exec(entry)?.[1];
  if (!name) continue;
  // The entry ends where the next test group starts.
  const body = entry.split(/^\s{2}- name:/m)[0];
  (/^\s*- exp_labels:/m.test(body) ? fires : silent).add(name);
}
let missing = 0;
for (const alert of alerts) {
  const gaps = [!fires.has(alert) && 'a firing case', !silent.has(alert) && 'a silent case'].filter(Boolean);
  if (gaps.length > 0) {
    console.error(`UNTESTED  ${alert}: missing ${gaps.join(' and ')}`);
    missing += 1;
  }
}
console.log(`${alerts.length} alerts, ${alerts.length - missing} with both a firing and a silent test case`);
process.exit(missing > 0 ? 1 : 0);
