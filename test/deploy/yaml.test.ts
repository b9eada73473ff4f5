/**
 * Every YAML file of the repository parses, without errors or warnings (duplicate keys, bad
 * indentation, tabs). Chart templates are Go templates, not YAML: chart.test.ts checks what they
 * render to. Also the chart's metadata.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../scripts/local-env';
import { CHART_DIR } from './chart';

const SKIPPED = new Set(['node_modules', '.git', 'dist', '.local']);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIPPED.has(name) || name.startsWith('.tmp')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === join(CHART_DIR, 'templates') ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

test('every YAML file parses, without warnings', () => {
  const files = yamlFiles(REPO_ROOT).map((f) => relative(REPO_ROOT, f));
  for (const expected of ['docker-compose.yml', 'skaffold.yaml', 'charts/ecommerce/Chart.yaml', 'charts/ecommerce/values.yaml']) {
    assert.ok(files.includes(expected), expected);
  }
  for (const file of files) {
    const documents = parseAllDocuments(readFileSync(join(REPO_ROOT, file), 'utf8'), { merge: true, uniqueKeys: true });
    for (const document of documents) {
      assert.equal(document.errors.map((e) => e.message), [], file);
      assert.equal(document.warnings.map((e) => e.message), [], file);
    }
  }
});

test('Chart.yaml: a v2 application chart named ecommerce with a semantic version', () => {
  const [chart] = parseAllDocuments(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')).map((d) => d.toJS());
  assert.is(chart.apiVersion, 'v2');
  assert.is(chart.name, 'ecommerce');
  assert.is(chart.type, 'application');
  assert.match(chart.version, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
  assert.type(chart.appVersion, 'string');
});

test.run();
