/**
 * skaffold.yaml, checked without skaffold: it names the image the Dockerfile builds (stages that
 * exist), deploys charts/ecommerce with values that pass the chart's schema, syncs files that
 * exist, and port-forwards to the Service the chart renders for Nginx.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Ajv from 'ajv';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../scripts/local-env';
import { CHART_DIR, chartValues, renderChart } from './chart';
import { dockerfileStages } from './dockerfile';
import { mergeValues } from './helm-template';

/* eslint-disable @typescript-eslint/no-explicit-any */
const skaffold = parse(readFileSync(join(REPO_ROOT, 'skaffold.yaml'), 'utf8'));
const stages = dockerfileStages(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')).map((s) => s.name);
const dev = skaffold.profiles.find((p: any) => p.name === 'dev');

/** `a.b.c` → { a: { b: { c: value } } } (skaffold's setValues keys). */
const nested = (path: string, value: unknown) => path.split('.').reverse().reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
const hasPath = (values: any, path: string) => path.split('.').every((key) => (values = values?.[key]) !== undefined);

/** Files of the repository matching a skaffold sync glob (`**` any folders, `*` within a name). */
function matching(glob: string): string[] {
  const pattern = new RegExp(`^${glob.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*/g, '[^/]*')}$`);
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      if (['node_modules', '.git', 'dist', '.local'].includes(name) || name.startsWith('.tmp')) return [];
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [relative(REPO_ROOT, path)];
    });
  return walk(REPO_ROOT).filter((file) => pattern.test(file));
}

test('skaffold.yaml: a v4beta config that builds the image from the Dockerfile', () => {
  assert.match(skaffold.apiVersion, /^skaffold\/v4beta\d+$/);
  assert.is(skaffold.kind, 'Config');
  const [artifact] = skaffold.build.artifacts;
  assert.is(artifact.image, 'ecommerce-functions');
  assert.ok(existsSync(join(REPO_ROOT, artifact.docker.dockerfile)));
  assert.is(artifact.docker.target, 'runtime');
  assert.ok(stages.includes(artifact.docker.target));
});

test('it deploys charts/ecommerce with helm, giving the chart the image it built', () => {
  const [release] = skaffold.deploy.helm.releases;
  assert.is(release.chartPath, 'charts/ecommerce');
  assert.is(join(REPO_ROOT, release.chartPath), CHART_DIR);
  assert.is(parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')).name, 'ecommerce');
  for (const file of release.valuesFiles) assert.ok(existsSync(join(REPO_ROOT, file)), file);
  // skaffold names its template values after the image, non-alphanumerics as _.
  const image = skaffold.build.artifacts[0].image.replace(/[^A-Za-z0-9]/g, '_');
  assert.is(release.setValueTemplates['image.repository'], `{{.IMAGE_REPO_${image}}}`);
  assert.ok(release.setValueTemplates['image.tag'].startsWith(`{{.IMAGE_TAG_${image}}}`));
  for (const key of Object.keys(release.setValueTemplates)) assert.ok(hasPath(chartValues(), key), `${key} is not a value of the chart`);
});

test('the dev profile syncs TypeScript sources into the tsx image, with values the chart accepts', () => {
  assert.ok(dev, 'a dev profile');
  assert.equal(dev.activation, [{ command: 'dev' }]);
  const [artifact] = dev.build.artifacts;
  assert.is(artifact.image, skaffold.build.artifacts[0].image);
  assert.is(artifact.docker.target, 'dev');
  assert.ok(stages.includes('dev'));
  const sources = artifact.sync.manual.map((rule: { src: string }) => rule.src);
  assert.ok(sources.includes('functions/**/*.ts'));
  for (const rule of artifact.sync.manual) {
    assert.ok(matching(rule.src).length > 0, `${rule.src} matches no file`);
    assert.is(rule.dest, '.', 'relative to the image WORKDIR, where the sources are');
  }
  const [release] = dev.deploy.helm.releases;
  assert.is(release.chartPath, 'charts/ecommerce');
  let values = chartValues();
  for (const [key, value] of Object.entries(release.setValues)) {
    assert.ok(hasPath(values, key), `${key} is not a value of the chart`);
    values = mergeValues(values, nested(key, value));
  }
  const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strictRequired: false }).compile(schema);
  assert.ok(validate(values), JSON.stringify(validate.errors));
});

test('port-forward reaches the Nginx Service the chart renders for that release', () => {
  const [forward] = dev.portForward;
  const [release] = dev.deploy.helm.releases;
  const { manifests } = renderChart({}, { name: release.name, namespace: release.namespace });
  const service = manifests.find((m) => m.apiVersion === 'v1' && m.kind === 'Service' && m.metadata.name === forward.resourceName);
  assert.ok(service, `no Service ${forward.resourceName} in the chart`);
  assert.is(forward.resourceType, 'service');
  assert.is(forward.namespace, release.namespace);
  assert.ok(service!.spec.ports.some((p: { port: number }) => p.port === forward.port));
  assert.is(forward.localPort, 8080);
});

test.run();
