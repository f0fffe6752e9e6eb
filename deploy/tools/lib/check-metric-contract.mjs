// The metric contract lives in one place: the table in deploy/prometheus/README.md. This script reads it and
//
//   --uses <file>...    fails when a file (alert rules, dashboard) uses a metric of the service (vault_backup_*, or
//                       one of prom-client's default process_* / nodejs_* metrics, which keep their standard
//                       names) that the README does not name (its table rows, or a mention in its text);
//   --scrape <file>     checks a /metrics scrape (Prometheus text format): every table metric present, with its
//                       type and at least its labels. Counters that have no sample yet are reported, not failed.
//
//   node check-metric-contract.mjs <README.md> --uses deploy/prometheus/alerts.yml deploy/grafana/x.json
//   node check-metric-contract.mjs <README.md> --scrape /tmp/metrics.txt
// No dependencies: runs with any Node >= 18.
import { readFileSync } from 'node:fs';

// The service's metrics: its own (one prefix) and prom-client's default metrics under their standard names. Not
// preceded by a name character, so `vault_backup:events_processed:rate5m` or `subprocess_x` do not match.
const SERVICE_METRIC = /(?<![a-zA-Z0-9_:])(?:vault_backup|process|nodejs)_[a-z0-9_]+/g;

const [readmePath, mode, ...files] = process.argv.slice(2);
if (!readmePath || !['--uses', '--scrape'].includes(mode) || files.length === 0) {
  console.error('usage: check-metric-contract.mjs <README.md> --uses <file>... | --scrape <metrics.txt>');
  process.exit(2);
}

/** Splits a markdown table cell at commas outside parentheses. */
function topLevelSegments(cell) {
  const segments = [];
  let depth = 0;
  let current = '';
  for (const char of cell) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments;
}

function readContract(path) {
  const text = readFileSync(path, 'utf8');
  const contract = new Map();
  for (const line of text.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    // | `name` | type | labels | meaning | used by |
    const name = /^`((?:vault_backup|process|nodejs)_[a-z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    const type = cells[2];
    const labels = topLevelSegments(cells[3] ?? '')
      .map((segment) => /^\s*`([a-z_][a-z0-9_]*)`/.exec(segment)?.[1])
      .filter(Boolean);
    contract.set(name, { type, labels });
  }
  const mentioned = new Set(text.match(SERVICE_METRIC) ?? []);
  return { contract, mentioned };
}

const { contract, mentioned } = readContract(readmePath);
if (contract.size === 0) {
  console.error(`no contract table found in ${readmePath}`);
  process.exit(2);
}

function baseName(metric) {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (metric.endsWith(suffix)) {
      const base = metric.slice(0, -suffix.length);
      if (contract.get(base)?.type === 'histogram' || mentioned.has(base)) return base;
    }
  }
  return metric;
}

if (mode === '--uses') {
  let unknown = 0;
  for (const file of files) {
    const used = new Set((readFileSync(file, 'utf8').match(SERVICE_METRIC) ?? []).map(baseName));
    for (const metric of [...used].sort()) {
      if (!contract.has(metric) && !mentioned.has(metric)) {
        console.error(`NOT IN CONTRACT  ${metric} (used in ${file}); add it to the table in ${readmePath}`);
        unknown += 1;
      }
    }
    console.log(
      `${file}: ${used.size} service metric(s) (vault_backup_*, process_*, nodejs_*), all in the contract${unknown ? ' EXCEPT the above' : ''}`,
    );
  }
  process.exit(unknown > 0 ? 1 : 0);
}

// --scrape
const scrape = readFileSync(files[0], 'utf8');
const types = new Map();
const labelSets = new Map();
for (const line of scrape.split('\n')) {
  const typeLine = /^# TYPE (\S+) (\S+)/.exec(line);
  if (typeLine) {
    types.set(typeLine[1], typeLine[2]);
    continue;
  }
  if (line.startsWith('#') || line.trim() === '') continue;
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s/.exec(line);
  if (!sample) continue;
  const labels = new Set(
    [...(sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((match) => match[1]),
  );
  const name = baseName(sample[1]);
  if (!labelSets.has(name)) labelSets.set(name, []);
  labelSets.get(name).push(labels);
}

let problems = 0;
for (const [name, { type, labels }] of contract) {
  const actualType = types.get(name);
  if (!actualType) {
    console.error(`MISSING   ${name} (${type})`);
    problems += 1;
    continue;
  }
  if (actualType !== type) {
    console.error(`TYPE      ${name}: contract says ${type}, scrape says ${actualType}`);
    problems += 1;
  }
  const samples = labelSets.get(name) ?? [];
  if (samples.length === 0) {
    console.log(`no sample ${name}: declared but no series yet (pre-initialise known label values)`);
    continue;
  }
  const missing = labels.filter((label) => !samples.every((set) => set.has(label)));
  if (missing.length > 0) {
    console.error(`LABELS    ${name}: series without label(s) ${missing.join(', ')}`);
    problems += 1;
  } else {
    console.log(`ok        ${name}`);
  }
}
console.log(`${contract.size} contract metric(s) checked, ${problems} problem(s)`);
process.exit(problems > 0 ? 1 : 0);
