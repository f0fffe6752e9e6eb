// Validates the prometheus-operator custom resources (ServiceMonitor, PrometheusRule) in a rendered,
// multi-document YAML file against the schemas shipped by @kubernetes-models/prometheus-operator.
// kubernetes-validate only knows built-in kinds, so validate-helm.sh runs this for the CRDs.
//
//   node validate-prometheus-operator-crs.mjs <models-dir> <rendered.yaml>
//
// <models-dir> is a folder where `npm install @kubernetes-models/prometheus-operator js-yaml` ran (outside the
// repository). Exit 0: all such resources valid (or none present); 1: a resource is invalid; 2: usage/setup.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modelsDir, renderedPath] = process.argv.slice(2);
if (!modelsDir || !renderedPath) {
  console.error('usage: validate-prometheus-operator-crs.mjs <models-dir> <rendered.yaml>');
  process.exit(2);
}
const load = (relative) => import(pathToFileURL(join(modelsDir, 'node_modules', relative)).href);

const yaml = await load('js-yaml/dist/js-yaml.mjs');
const kinds = {
  ServiceMonitor: 'ServiceMonitor.js',
  PrometheusRule: 'PrometheusRule.js',
  PodMonitor: 'PodMonitor.js',
};

let checked = 0;
let failed = 0;
for (const doc of yaml.loadAll(readFileSync(renderedPath, 'utf8'))) {
  if (!doc || doc.apiVersion !== 'monitoring.coreos.com/v1' || !(doc.kind in kinds)) continue;
  const module = await load(
    `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kinds[doc.kind]}`,
  );
  const Model = module[doc.kind];
  const name = `${doc.kind}/${doc.metadata?.name ?? '?'}`;
  checked += 1;
  try {
    new Model(doc).validate();
    console.log(`ok      ${name}`);
  } catch (error) {
    failed += 1;
    console.error(`INVALID ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
console.log(`${checked} prometheus-operator resource(s) checked, ${failed} invalid`);
process.exit(failed > 0 ? 1 : 0);
