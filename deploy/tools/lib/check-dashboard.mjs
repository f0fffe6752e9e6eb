// Static checks of a Grafana dashboard JSON, and an export of its PromQL for promtool:
//   - valid JSON, schemaVersion >= 39, uid and title set, Prometheus datasource as the `datasource` variable
//   - panel ids unique, gridPos inside the 24-column grid and no two panels overlapping
//   - every query uses the datasource variable, has a refId and an expression; every $variable is defined
//   - writes every expression (variables replaced by sample values) as a recording rule to <rules-out>, so
//     `promtool check rules <rules-out>` proves each one parses.
//
//   node check-dashboard.mjs <dashboard.json> <rules-out.yml>
// No dependencies: runs with any Node >= 18.
import { readFileSync, writeFileSync } from 'node:fs';

const [dashboardPath, rulesOut] = process.argv.slice(2);
if (!dashboardPath || !rulesOut) {
  console.error('usage: check-dashboard.mjs <dashboard.json> <rules-out.yml>');
  process.exit(2);
}

const problems = [];
const expect = (condition, message) => {
  if (!condition) problems.push(message);
};

let dashboard;
try {
  dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8'));
} catch (error) {
  console.error(`not valid JSON: ${error.message}`);
  process.exit(1);
}

expect(
  Number.isInteger(dashboard.schemaVersion) && dashboard.schemaVersion >= 39,
  `schemaVersion must be >= 39 (is ${dashboard.schemaVersion})`,
);
expect(
  typeof dashboard.uid === 'string' && /^[a-zA-Z0-9_-]{1,40}$/.test(dashboard.uid),
  'uid must be set (<= 40 chars)',
);
expect(typeof dashboard.title === 'string' && dashboard.title.length > 0, 'title must be set');
expect(dashboard.id === null || dashboard.id === undefined, 'id must be null so imports do not clash');

const variables = dashboard.templating?.list ?? [];
const datasourceVariable = variables.find((v) => v.type === 'datasource');
expect(
  datasourceVariable?.name === 'datasource' && datasourceVariable.query === 'prometheus',
  'a `datasource` variable of type datasource (prometheus) is required',
);
const defined = new Set(variables.map((v) => v.name));
// Sample values used to turn the templated queries into plain PromQL for promtool.
const builtins = { __rate_interval: '5m', __interval: '1m', __range: '1h' };
const sampleValue = (name) =>
  builtins[name] ?? variables.find((v) => v.name === name)?.allValue ?? 'vault-backup';

const flat = [];
for (const panel of dashboard.panels ?? []) {
  flat.push(panel);
  for (const nested of panel.panels ?? []) flat.push(nested);
}
const ids = new Set();
const rules = [];
for (const panel of flat) {
  const label = `panel ${panel.id} "${panel.title}"`;
  expect(Number.isInteger(panel.id) && !ids.has(panel.id), `${label}: id must be a unique integer`);
  ids.add(panel.id);
  const g = panel.gridPos ?? {};
  expect(
    [g.x, g.y, g.w, g.h].every(Number.isInteger) && g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0,
    `${label}: gridPos outside the 24-column grid`,
  );
  if (panel.type === 'row') continue;
  expect(
    panel.datasource?.uid === '${datasource}',
    `${label}: datasource must be the \${datasource} variable`,
  );
  expect((panel.targets ?? []).length > 0, `${label}: has no queries`);
  for (const target of panel.targets ?? []) {
    expect(
      target.datasource?.uid === '${datasource}',
      `${label} ${target.refId}: query datasource must be \${datasource}`,
    );
    expect(/^[A-Z]$/.test(target.refId ?? ''), `${label}: refId missing`);
    expect(
      typeof target.expr === 'string' && target.expr.trim() !== '',
      `${label} ${target.refId}: empty expression`,
    );
    for (const [, name] of (target.expr ?? '').matchAll(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)/g)) {
      expect(defined.has(name) || name in builtins, `${label} ${target.refId}: unknown variable $${name}`);
    }
    const concrete = (target.expr ?? '').replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (_, name) =>
      sampleValue(name),
    );
    rules.push({ record: `dashboard:panel_${panel.id}:${target.refId}`, expr: concrete });
  }
}
for (const annotation of dashboard.annotations?.list ?? []) {
  if (annotation.expr) {
    const concrete = annotation.expr.replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (_, name) =>
      sampleValue(name),
    );
    rules.push({ record: `dashboard:annotation:${rules.length}`, expr: concrete });
  }
}

// Overlap: two non-row panels may not share a grid cell.
const cells = new Map();
for (const panel of flat) {
  const { x, y, w, h } = panel.gridPos ?? {};
  for (let row = y; row < y + h; row += 1) {
    for (let col = x; col < x + w; col += 1) {
      const key = `${row}:${col}`;
      if (cells.has(key))
        problems.push(`panel ${panel.id} overlaps panel ${cells.get(key)} at row ${row}, column ${col}`);
      cells.set(key, panel.id);
    }
  }
}

// JSON strings are valid YAML scalars.
const yamlText = ['groups:', '  - name: dashboard-queries', '    rules:']
  .concat(
    rules.flatMap((rule) => [
      `      - record: ${JSON.stringify(rule.record)}`,
      `        expr: ${JSON.stringify(rule.expr)}`,
    ]),
  )
  .join('\n');
writeFileSync(rulesOut, `${yamlText}\n`);

if (problems.length > 0) {
  for (const problem of [...new Set(problems)]) console.error(`DASHBOARD  ${problem}`);
  process.exit(1);
}
console.log(`dashboard ok: ${flat.length} panels, ${rules.length} queries exported for promtool`);
