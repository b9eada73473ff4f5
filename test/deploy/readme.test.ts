/**
 * deploy/README.md's walk-through of a cluster install, checked against the chart it installs:
 * its values file lints and renders with the real Helm, and what its commands create or name (the
 * Secrets and their keys, the test-event pod's labels, the resources it looks at) is what the
 * rendered manifests reference.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '../../functions/kit/config';
import { CLUSTER_FUNCTION_NAMES } from '../../functions/catalog';
import { REPO_ROOT } from '../../scripts/local-env';
import { lintChart, renderChart, type Manifest } from './chart';
import { schemaErrors } from './kubernetes';

const README = readFileSync(join(REPO_ROOT, 'deploy', 'README.md'), 'utf8');
/** The shell lines of the README's code blocks, continuation lines joined, indentation dropped. */
const shell = README.match(/```sh\n[\s\S]*?```/g)!.join('\n').replace(/\\\n\s*/g, ' ').split('\n').map((line) => line.trim());
const commands = (pattern: RegExp) => shell.filter((line) => pattern.test(line));

const valuesBlock = README.match(/cat > \.local\/cluster\/values\.yaml <<'EOF'\n([\s\S]*?)\n\s*EOF\n/);
const indent = valuesBlock?.[1].match(/^ */)?.[0].length ?? 0;
const values = parse(valuesBlock?.[1].split('\n').map((line) => line.slice(indent)).join('\n') ?? '') as Record<string, unknown>;
const rendered = renderChart(values, { name: 'ecommerce', namespace: 'ecommerce' });
const manifests = rendered.manifests;
const named = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);

test("the walk-through's values file lints, renders and validates", async () => {
  assert.ok(valuesBlock, 'the values file of step 11');
  assert.equal(lintChart(values).split('\n').filter((line) => /^\[(INFO|WARNING|ERROR)\]/.test(line)), ['[INFO] Chart.yaml: icon is recommended']);
  for (const manifest of manifests) assert.equal(await schemaErrors(manifest), [], `${manifest.kind} ${manifest.metadata.name}`);
});

test('the Secrets the walk-through creates are those the chart references, with every key', () => {
  // Every function with a database: the services and the dead-letter keeper.
  const databases = [...SERVICE_NAMES, ...CLUSTER_FUNCTION_NAMES].sort();
  const created = new Map<string, Set<string>>();
  for (const line of commands(/kubectl -n ecommerce create secret generic /)) {
    const name = line.match(/create secret generic (\S+)/)![1];
    const keys = [
      ...[...line.matchAll(/--from-literal=([\w.-]+)=/g)].map((m) => m[1]),
      ...[...line.matchAll(/--from-file=\S*?([^/\s]+)(?=\s|$)/g)].map((m) => m[1]),
      ...(line.includes('--from-env-file=') ? databases.map((s) => `DATABASE_URL_${s.toUpperCase()}`) : []),
    ];
    created.set(name, new Set(keys));
  }
  // The database URLs: one per function with a database, from the loop over their names.
  const loop = shell.find((line) => line.startsWith('for s in '))!;
  assert.equal(loop.replace(/^for s in /, '').replace(/; do.*$/, '').split(' ').sort(), databases);

  const referenced = new Map<string, Set<string>>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const ref = (node as { secretKeyRef?: { name: string; key: string } }).secretKeyRef;
    if (ref) referenced.set(ref.name, (referenced.get(ref.name) ?? new Set()).add(ref.key));
    Object.values(node).forEach(visit);
  };
  manifests.forEach(visit);
  const chartOwn = manifests.filter((m) => m.kind === 'Secret').map((m) => m.metadata.name);
  // rabbitmq-default-user is the Cluster Operator's Secret of the RabbitmqCluster `rabbitmq` (step 6).
  assert.equal([...referenced.get('rabbitmq-default-user')!], ['connection_string']);
  for (const [name, keys] of referenced) {
    if (chartOwn.includes(name) || name === 'rabbitmq-default-user') continue;
    assert.ok(created.has(name), `the README creates no Secret ${name}`);
    for (const key of keys) assert.ok(created.get(name)!.has(key), `Secret ${name} lacks the key ${key}`);
  }
});

test("the test event's pod carries the functions' pod labels, which the broker ingress's NetworkPolicy admits", () => {
  const [run] = commands(/kubectl -n ecommerce run event-test /);
  const labels = Object.fromEntries(run.match(/--labels=(\S+)/)![1].split(',').map((pair) => pair.split('=')));
  const functions = manifests.filter((m) => m.kind === 'Service' && m.apiVersion === 'serving.knative.dev/v1');
  assert.ok(functions.length > 0);
  for (const service of functions) {
    const podLabels = service.spec.template.metadata.labels as Record<string, string>;
    for (const [key, value] of Object.entries(labels)) assert.is(podLabels[key], value, `${service.metadata.name}: ${key}`);
  }
  const policy = manifests.find((m) => m.kind === 'NetworkPolicy') as Manifest;
  const admitted = (policy.spec.ingress[0].from as Array<{ podSelector?: { matchLabels: Record<string, string> } }>)
    .some((peer) => peer.podSelector && Object.entries(peer.podSelector.matchLabels).every(([key, value]) => labels[key] === value));
  assert.ok(admitted, JSON.stringify(policy.spec.ingress[0].from));
  assert.match(run, /kn broker describe "\$BROKER" -n ecommerce -o url/);
  // BROKER comes from the release's label: exactly the chart's Broker carries it.
  const [lookup] = commands(/BROKER=\$\(kubectl -n ecommerce get brokers\.eventing\.knative\.dev -l /);
  const [key, value] = lookup.match(/ -l (\S+)=(\S+) /)!.slice(1);
  assert.equal(manifests.filter((m) => m.kind === 'Broker' && m.metadata.labels?.[key] === value).length, 1, lookup);
  const type = run.match(/-H 'ce-type: ([^']+)'/)![1];
  const triggers = manifests.filter((m) => m.kind === 'Trigger' && m.spec.filter?.attributes?.type === type);
  assert.equal(triggers.map((t) => t.spec.subscriber.ref.name).sort(), ['baskets', 'deliveries'], 'the services whose logs show it');
});

test('what the walk-through looks at exists under the names it uses', () => {
  assert.ok(named('Service', 'ecommerce-nginx'), 'svc/ecommerce-nginx');
  assert.ok(named('Job', 'ecommerce-migrations'), 'job/ecommerce-migrations');
  assert.ok(named('PingSource', 'ecommerce-tick'), 'kn source ping describe ecommerce-tick');
  assert.ok(named('SinkBinding', 'ecommerce-functions'), 'kn source binding describe ecommerce-functions');
  const brokerConfig = manifests.find((m) => m.kind === 'RabbitmqBrokerConfig')!;
  assert.equal(brokerConfig.spec.rabbitmqClusterReference, { name: 'rabbitmq', namespace: 'ecommerce' }, 'the RabbitmqCluster of step 6');
  for (const reference of ['svc/ecommerce-nginx', 'job/ecommerce-migrations', 'ecommerce-tick', 'ecommerce-functions', 'rabbitmqcluster/rabbitmq']) {
    assert.ok(README.includes(reference), reference);
  }
  const config = named('ConfigMap', 'ecommerce-config')!.data!;
  assert.equal([config.SITE_DOMAIN, config.SMTP_HOST, config.REDIS_URL, config.S3_ENDPOINT], ['shop.example.com', 'mailpit', 'redis://redis:6379', 'http://minio:9000']);
  for (const pod of ['mysql', 'redis', 'minio', 'mailpit']) assert.ok(commands(new RegExp(`kubectl -n ecommerce run ${pod} .*--expose`)).length, pod);
});

test.run();
