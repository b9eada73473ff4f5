/**
 * The Helm chart, checked without a cluster: values.yaml against values.schema.json, `helm lint
 * --strict`, the templates rendered by the real `helm template` (test/deploy/helm-template.ts),
 * every manifest against its kind's schema and fields, and the chart against the code (functions,
 * Triggers, ports, Nginx).
 */
import '../helpers/env';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Ajv from 'ajv';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { CLUSTER_FUNCTION_NAMES, FUNCTION_NAMES } from '../../functions/catalog';
import { PING_EVENT_TYPE, EVENTS_PATH } from '../../functions/kit/events/declarations';
import { platformTriggers } from '../../eventing/triggers';
import { CHART_DIR, chartValues, lintChart, renderChart, type Manifest, type Rendered } from './chart';
import { schemaErrors, unknownFieldErrors } from './kubernetes';
import { mergeValues } from './helm-template';
import { NGINX_TEMPLATE, nginxTemplateVariables, resolvesUpstreamNames } from './nginx';

/** What the chart deploys as Knative Services: every function, and those only a cluster runs (the dead-letter keeper). */
const CHART_FUNCTIONS = [...FUNCTION_NAMES, ...CLUSTER_FUNCTION_NAMES].sort();

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8'));
const validateValues = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);
const valuesErrors = (values: unknown) => (validateValues(values) ? [] : (validateValues.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

/** An platform secret given at install (`--set platform.secret=...`). */
const GIVEN_SECRET = 'a-given-events-secret-of-40-characters-x';

/** Values other than the defaults, so that every branch of the templates is rendered and checked. */
const VARIANTS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'ingress, connection secret, optional secrets, overrides': {
    image: { tag: 'abc@sha256:0123' },
    imagePullSecrets: [{ name: 'registry' }],
    serviceAccountName: 'ecommerce',
    broker: { name: 'events', connectionSecret: 'rabbitmq-admin', delivery: { retry: 3, backoffPolicy: 'linear', backoffDelay: 'PT1S' } },
    platform: { secret: GIVEN_SECRET },
    networkPolicy: { allowNamespaces: ['knative-eventing', 'eventing-extra'], extraFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
    functionDefaults: { minScale: 1, scaleDownDelay: '5m', annotations: { 'autoscaling.knative.dev/initial-scale': '0', 'autoscaling.knative.dev/window': '120s' } },
    functions: {
      gateway: { minScale: 2, maxScale: 20, clusterLocal: false },
      orders: { minScale: 0, env: { FEATURE_X: true } },
      newsletters: { annotations: { 'autoscaling.knative.dev/window': '60s', 'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '10m', 'autoscaling.knative.dev/metric': 'rps' } },
    },
    config: { redisKeyPrefix: 'shop:', site: { name: 'Boutique', domain: 'shop.example.com' }, extra: { SOME_FLAG: 'on' } },
    secrets: { rabbitmq: { existingSecret: 'ecommerce-rabbitmq' }, redis: { existingSecret: 'ecommerce-redis' }, admin: { existingSecret: 'ecommerce-admin' } },
    nginx: { resolver: '10.96.0.10:53', ingress: { enabled: true, className: 'nginx', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' }, tls: [{ secretName: 'shop-tls', hosts: ['shop.example.com'] }] } },
  },
  'everything optional off': {
    broker: { create: false, name: 'default' },
    ping: { enabled: false },
    sinkBinding: { enabled: false },
    networkPolicy: { enabled: false, allowNamespaces: [] },
    migrations: { enabled: false },
    nginx: { enabled: false },
    functions: { questions: { enabled: false } },
  },
};

const rendered: Record<string, Rendered> = Object.fromEntries(Object.entries(VARIANTS).map(([name, overrides]) => [name, renderChart(overrides)]));
const defaults = rendered.defaults;
const byKind = (r: Rendered, apiVersion: string, kind: string) => r.manifests.filter((m) => m.apiVersion === apiVersion && m.kind === kind);
const knativeServices = (r: Rendered) => byKind(r, 'serving.knative.dev/v1', 'Service');
const one = (r: Rendered, apiVersion: string, kind: string): Manifest => {
  const found = byKind(r, apiVersion, kind);
  assert.is(found.length, 1, `one ${kind}`);
  return found[0];
};
const containerOf = (service: Manifest) => service.spec.template.spec.containers[0];
const appConfig = (r: Rendered) => r.manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'ecommerce-config')!;
const envNames = (container: { env?: Array<{ name: string }> }) => (container.env ?? []).map((e) => e.name);

test('values.yaml validates against values.schema.json, and the schema refuses what it should', () => {
  assert.equal(valuesErrors(chartValues()), []);
  for (const [name, overrides] of Object.entries(VARIANTS)) assert.equal(valuesErrors(mergeValues(chartValues(), overrides)), [], name);
  const refused: Array<[string, Record<string, unknown>]> = [
    ['an unknown function', { functions: { payments: {} } }],
    ['a misspelt setting', { functionDefaults: { minscale: 1 } }],
    ['a negative min-scale', { functions: { auth: { minScale: -1 } } }],
    ['a string timeout', { functionDefaults: { timeoutSeconds: '60' } }],
    ['a queue type RabbitMQ lacks', { broker: { queueType: 'stream' } }],
    ['a broker name that is not a DNS label', { broker: { name: 'Default_Broker' } }],
    ['no broker name with create: false', { broker: { create: false } }],
    ['an annotation value that is not a string', { functions: { auth: { annotations: { 'autoscaling.knative.dev/initial-scale': 0 } } } }],
    ['min-scale as an annotation (it is minScale)', { functionDefaults: { annotations: { 'autoscaling.knative.dev/min-scale': '1' } } }],
    ["min-scale's older spelling", { functions: { auth: { annotations: { 'autoscaling.knative.dev/minScale': '1' } } } }],
    ['a checksum as an annotation', { functions: { auth: { annotations: { 'checksum/config': 'x' } } } }],
    ['an annotation key that is not a qualified name', { functions: { auth: { annotations: { 'autoscaling.knative.dev/a/b': '1' } } } }],
    ['a Redis URL with a password', { config: { redisUrl: 'redis://:secret@redis:6379' } }],
    ['a site domain that is a URL', { config: { site: { domain: 'https://shop.example.com' } } }],
    ['a blank site name', { config: { site: { name: ' ' } } }],
    ['no database Secret', { secrets: { database: { existingSecret: '' } } }],
    ['a bad schedule', { ping: { schedule: 'every minute' } }],
    ['a short platform secret', { platform: { secret: 'guessable' } }],
    ['an platform secret with a space', { platform: { secret: 'x'.repeat(20) + ' ' + 'y'.repeat(20) } }],
    ['a NetworkPolicy peer with an unknown field', { networkPolicy: { extraFrom: [{ podSelecter: {} }] } }],
    ['an unknown top-level key', { replicas: 3 }],
    ['Nginx parameters in the resolver', { nginx: { resolver: '10.96.0.10 valid=1h' } }],
  ];
  for (const [what, overrides] of refused) assert.ok(valuesErrors(mergeValues(chartValues(), overrides)).length > 0, `accepted ${what}`);
});

test('helm lint --strict finds nothing to say but the missing icon, with every variant of the values', () => {
  for (const [name, overrides] of Object.entries(VARIANTS)) {
    const findings = lintChart(overrides).split('\n').filter((line) => /^\[(INFO|WARNING|ERROR)\]/.test(line));
    assert.equal(findings, ['[INFO] Chart.yaml: icon is recommended'], name);
  }
});

test('every rendered manifest validates against the JSON Schema of its kind', async () => {
  for (const [variant, r] of Object.entries(rendered)) {
    for (const [index, manifest] of r.manifests.entries()) {
      assert.equal(await schemaErrors(manifest), [], `${variant}: ${r.sources[index]} ${manifest.kind} ${manifest.metadata?.name}`);
    }
  }
});

test('no rendered manifest has a field its kind does not have (the models\' TypeScript types)', () => {
  const all = Object.values(rendered).flatMap((r) => r.manifests);
  // One compilation for everything (it is the slow part), with one misspelt field added last to
  // show the check catches it.
  const misspelt = structuredClone(knativeServices(defaults)[0]);
  misspelt.spec.template.spec.containerConcurency = 10;
  const errors = unknownFieldErrors([...all, misspelt]);
  assert.equal(errors.filter((e) => !e.startsWith(`${all.length}:`)), []);
  assert.ok(errors.some((e) => e.startsWith(`${all.length}:`) && e.includes('containerConcurency')), 'the misspelt field is caught');
});

test('manifest names are unique per kind and every manifest is in the release namespace', () => {
  for (const [variant, r] of Object.entries(rendered)) {
    const keys = r.manifests.map((m) => `${m.apiVersion} ${m.kind} ${m.metadata.name}`);
    assert.equal(keys.length, new Set(keys).size, variant);
    for (const m of r.manifests) {
      assert.match(m.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      // The generated Triggers carry no namespace: helm installs them in the release's.
      if (m.kind !== 'Trigger') assert.is(m.metadata.namespace, 'shop', `${m.kind} ${m.metadata.name}`);
    }
  }
});

test("the chart's functions are the code's (FUNCTION_NAMES, CLUSTER_FUNCTION_NAMES), one Knative Service each, from the one image", () => {
  const values = chartValues() as { functions: Record<string, unknown> };
  assert.equal(Object.keys(values.functions).sort(), CHART_FUNCTIONS);
  assert.equal(schema.properties.functions.propertyNames.enum.slice().sort(), CHART_FUNCTIONS);
  const services = knativeServices(defaults);
  assert.equal(services.map((s) => s.metadata.name).sort(), CHART_FUNCTIONS);
  for (const service of services) {
    const container = containerOf(service);
    assert.is(container.image, 'ghcr.io/example/ecommerce-functions:0.1.0');
    assert.equal(container.env.find((e: { name: string }) => e.name === 'FUNCTION_TARGET'), { name: 'FUNCTION_TARGET', value: service.metadata.name });
    assert.equal(container.ports, [{ name: 'http1', containerPort: 8080 }]);
    assert.equal(container.envFrom, [{ configMapRef: { name: 'ecommerce-config' } }]);
  }
  // A disabled function is left out.
  assert.not.ok(knativeServices(rendered['everything optional off']).some((s) => s.metadata.name === 'questions'));
});

test('scale to zero by default, with max-scale, target concurrency, timeout, resources and /health probes', () => {
  for (const service of knativeServices(defaults)) {
    const { metadata, spec } = service.spec.template;
    assert.is(metadata.annotations['autoscaling.knative.dev/min-scale'], '0');
    assert.is(metadata.annotations['autoscaling.knative.dev/max-scale'], '10');
    assert.is(metadata.annotations['autoscaling.knative.dev/target'], '100');
    assert.is(metadata.annotations['autoscaling.knative.dev/metric'], 'concurrency');
    assert.equal(Object.keys(metadata.annotations).sort(), [
      'autoscaling.knative.dev/max-scale', 'autoscaling.knative.dev/metric', 'autoscaling.knative.dev/min-scale', 'autoscaling.knative.dev/target',
      'checksum/config', 'checksum/platform-secret',
    ]);
    assert.is(spec.timeoutSeconds, service.metadata.name === 'newsletters' ? 300 : 60);
    const container = spec.containers[0];
    assert.equal(container.readinessProbe.httpGet, { path: '/health', port: 8080 });
    assert.equal(container.livenessProbe.httpGet, { path: '/live', port: 8080 }, 'liveness does not depend on the database');
    assert.ok(container.resources.requests.memory && container.resources.limits.memory);
    assert.is(container.securityContext.allowPrivilegeEscalation, false);
    assert.is(container.securityContext.runAsNonRoot, true);
    // Knative refuses a pod-level securityContext unless a feature flag is on: container level only.
    assert.is(spec.securityContext, undefined);
    assert.is(service.metadata.labels?.['networking.knative.dev/visibility'], 'cluster-local');
  }
});

test('per-function overrides win key by key, including 0 and false over a non-zero default', () => {
  const r = rendered['ingress, connection secret, optional secrets, overrides'];
  const annotations = (name: string) => knativeServices(r).find((s) => s.metadata.name === name)!.spec.template.metadata.annotations;
  assert.is(annotations('auth')['autoscaling.knative.dev/min-scale'], '1'); // the new default
  assert.is(annotations('orders')['autoscaling.knative.dev/min-scale'], '0'); // 0 over a default of 1
  assert.is(annotations('gateway')['autoscaling.knative.dev/min-scale'], '2');
  assert.is(annotations('gateway')['autoscaling.knative.dev/max-scale'], '20');
  assert.is(annotations('auth')['autoscaling.knative.dev/scale-down-delay'], '5m');
  // annotations: functionDefaults' merged with the function's, the function's winning key by key.
  assert.is(annotations('auth')['autoscaling.knative.dev/initial-scale'], '0');
  assert.is(annotations('auth')['autoscaling.knative.dev/window'], '120s');
  assert.is(annotations('auth')['autoscaling.knative.dev/metric'], 'concurrency');
  assert.is(annotations('newsletters')['autoscaling.knative.dev/initial-scale'], '0');
  assert.is(annotations('newsletters')['autoscaling.knative.dev/window'], '60s');
  assert.is(annotations('newsletters')['autoscaling.knative.dev/scale-to-zero-pod-retention-period'], '10m');
  assert.is(annotations('newsletters')['autoscaling.knative.dev/metric'], 'rps');
  assert.is(annotations('newsletters')['autoscaling.knative.dev/min-scale'], '1');
  for (const service of knativeServices(r)) assert.type(service.spec.template.metadata.annotations['checksum/config'], 'string', service.metadata.name);
  const gateway = knativeServices(r).find((s) => s.metadata.name === 'gateway')!;
  assert.is(gateway.metadata.labels?.['networking.knative.dev/visibility'], undefined); // clusterLocal: false
  const orders = containerOf(knativeServices(r).find((s) => s.metadata.name === 'orders')!);
  assert.equal(orders.env.find((e: { name: string }) => e.name === 'FEATURE_X'), { name: 'FEATURE_X', value: 'true' });
  assert.is(containerOf(gateway).image, 'ghcr.io/example/ecommerce-functions:abc@sha256:0123');
});

test('secrets are referenced, never embedded: each function gets only its own database URL; only auth the private key', () => {
  for (const r of Object.values(rendered)) assert.equal(byKind(r, 'v1', 'Secret').map((m) => m.metadata.name), ['ecommerce-platform'], 'the chart creates only the platform Secret');
  for (const service of knativeServices(defaults)) {
    const name = service.metadata.name;
    const env = containerOf(service).env as Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
    const databaseUrls = env.filter((e) => e.name.startsWith('DATABASE_URL'));
    if (name === 'gateway') assert.equal(databaseUrls, []);
    else assert.equal(databaseUrls, [{ name: `DATABASE_URL_${name.toUpperCase()}`, valueFrom: { secretKeyRef: { name: 'ecommerce-databases', key: `DATABASE_URL_${name.toUpperCase()}` } } }]);
    assert.ok(env.some((e) => e.name === 'JWT_PUBLIC_KEY' && e.valueFrom?.secretKeyRef.name === 'ecommerce-jwt'));
    assert.is(env.some((e) => e.name === 'JWT_PRIVATE_KEY'), name === 'auth', `${name}: JWT_PRIVATE_KEY`);
    assert.is(env.some((e) => e.name === 'S3_SECRET_KEY'), ['products', 'sav', 'newsletters'].includes(name), `${name}: S3 keys`);
    assert.is(env.some((e) => e.name === 'SMTP_PASSWORD'), name === 'newsletters', `${name}: SMTP`);
    assert.is(env.some((e) => e.name === 'EMAIL_WEBHOOK_SECRET' && e.valueFrom?.secretKeyRef.name === 'ecommerce-smtp'), name === 'newsletters', `${name}: webhook secret`);
    for (const e of env) assert.ok(e.valueFrom || !/PASSWORD|SECRET|PRIVATE|DATABASE_URL/.test(e.name), `${name}: ${e.name} as a plain value`);
  }
  const config = appConfig(defaults);
  for (const [key, value] of Object.entries(config.data!)) assert.not.match(`${key}=${value}`, /PASSWORD|SECRET|:[^/@]+@/, key);
  assert.is(config.data!.SERVICE_NAMESPACE, 'shop');
  assert.is(config.data!.NODE_ENV, 'production');
});

test("the chart's Triggers are the code's subscriptions (platformTriggers), and each reaches a rendered function", () => {
  const triggers = byKind(defaults, 'eventing.knative.dev/v1', 'Trigger');
  const local = platformTriggers();
  assert.ok(local.length > 0);
  const key = (name: string, type: unknown, service: string, path: string) => `${name} ${type} → ${service}${path}`;
  const secret = platformSecret(defaults);
  // Named <release>-<broker hash>-<trigger>: by default the Broker's name, then the trigger's.
  const broker = one(defaults, 'eventing.knative.dev/v1', 'Broker');
  assert.equal(
    triggers.map((t) => key(t.metadata.name, t.spec.filter.attributes.type, t.spec.subscriber.ref.name, t.spec.subscriber.uri)).sort(),
    local.map((t) => key(`${broker.metadata.name}-${t.name}`, t.filter.type, t.subscriber.service, `${t.subscriber.path}/${deliveryCredential(secret, t.subscriber.service)}`)).sort(),
  );
  const functions = new Set(knativeServices(defaults).map((s) => s.metadata.name));
  for (const trigger of triggers) {
    assert.is(trigger.spec.broker, broker.metadata.name);
    assert.equal(trigger.spec.subscriber.ref, { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: trigger.spec.subscriber.ref.name });
    assert.ok(functions.has(trigger.spec.subscriber.ref.name), `${trigger.metadata.name}: no function ${trigger.spec.subscriber.ref.name}`);
    assert.ok(trigger.spec.subscriber.uri.startsWith(`${EVENTS_PATH}/`));
  }
});

/** The platform secret a render holds in its Secret. */
function platformSecret(r: Rendered): string {
  const secret = r.manifests.find((m) => m.apiVersion === 'v1' && m.kind === 'Secret' && m.metadata.name === 'ecommerce-platform')!;
  return Buffer.from(secret.data!.secret, 'base64').toString('utf8');
}

/** What a function accepts at POST /events/<credential>: hex SHA-256 of "<secret>:deliver:<service>". */
const deliveryCredential = (secret: string, service: string) => createHash('sha256').update(`${secret}:deliver:${service}`).digest('hex');

test('proof of origin: one platform secret per release, PLATFORM_SECRET of every function, and each Trigger delivers with its subscriber\'s credential', () => {
  const given = rendered['ingress, connection secret, optional secrets, overrides'];
  assert.is(platformSecret(given), GIVEN_SECRET);
  // Without platform.secret: 48 random characters, a new value at each install (lookup finds no Secret)...
  assert.match(platformSecret(defaults), /^[A-Za-z0-9]{48}$/);
  assert.is.not(platformSecret(renderChart()), platformSecret(defaults));
  for (const [variant, r] of Object.entries(rendered)) {
    // ...but one value within a render, though Helm evaluates randAlphaNum at every call: the
    // Secret, every function's checksum annotation and every Trigger's credential agree.
    const secret = platformSecret(r);
    const checksum = createHash('sha256').update(secret).digest('hex');
    for (const service of knativeServices(r)) {
      const env = containerOf(service).env as Array<{ name: string; valueFrom?: unknown }>;
      assert.equal(env.find((e) => e.name === 'PLATFORM_SECRET'), { name: 'PLATFORM_SECRET', valueFrom: { secretKeyRef: { name: 'ecommerce-platform', key: 'secret' } } }, `${variant}: ${service.metadata.name}`);
      assert.is(service.spec.template.metadata.annotations['checksum/platform-secret'], checksum, `${variant}: ${service.metadata.name} restarts when the secret changes`);
    }
    const triggers = byKind(r, 'eventing.knative.dev/v1', 'Trigger');
    assert.ok(triggers.length > 0);
    for (const trigger of triggers) {
      const service = trigger.spec.subscriber.ref.name;
      assert.is(trigger.spec.subscriber.uri, `${EVENTS_PATH}/${deliveryCredential(secret, service)}`, `${variant}: ${trigger.metadata.name}`);
    }
  }
  // A credential is per function: one service's Trigger URI opens no other service's /events.
  const uris = byKind(defaults, 'eventing.knative.dev/v1', 'Trigger').map((t) => [t.spec.subscriber.ref.name, t.spec.subscriber.uri]);
  assert.is(new Set(uris.map(([, uri]) => uri)).size, new Set(uris.map(([service]) => service)).size);
  // The secret itself appears in the Secret only, never in a manifest anyone reading Triggers or Services sees.
  for (const [index, manifest] of given.manifests.entries()) {
    if (manifest.kind !== 'Secret') assert.not.ok(JSON.stringify(manifest).includes(GIVEN_SECRET), `${given.sources[index]}`);
  }
});

/**
 * A stand-in for the Kubernetes API server, answering the two requests helm's `lookup` makes (the
 * core group's discovery, then GET of one object) from `objects` (by path), 404 otherwise. In a
 * worker thread: helm runs synchronously in this one. `run` gets a kubeconfig that points at it.
 */
async function withKubernetesApi<T>(objects: Record<string, unknown>, run: (kubeconfig: string) => T): Promise<T> {
  const server = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    const server = require('node:http').createServer((req, res) => {
      const path = req.url.split('?')[0];
      const reply = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (path === '/api/v1') return reply(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [{ name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: ['get'] }] });
      if (workerData[path]) return reply(200, workerData[path]);
      reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
    { eval: true, workerData: objects },
  );
  const dir = mkdtempSync(join(tmpdir(), 'ecommerce-kube-'));
  try {
    const port = await new Promise<number>((resolve, reject) => server.once('message', resolve).once('error', reject));
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
      clusters: [{ name: 'test', cluster: { server: `http://127.0.0.1:${port}` } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
      users: [{ name: 'test', user: {} }],
    }));
    return run(kubeconfig);
  } finally {
    await server.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an upgrade keeps the platform secret already in the cluster (helm lookup), unless platform.secret is given', async () => {
  const kept = 'the-secret-of-the-installed-release-0123456789';
  const installed = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ecommerce-platform', namespace: 'shop' }, data: { secret: Buffer.from(kept).toString('base64') } };
  await withKubernetesApi({ '/api/v1/namespaces/shop/secrets/ecommerce-platform': installed }, (kubeconfig) => {
    const upgrade = renderChart({}, {}, ['--dry-run=server', '--kubeconfig', kubeconfig]);
    assert.is(platformSecret(upgrade), kept);
    for (const trigger of byKind(upgrade, 'eventing.knative.dev/v1', 'Trigger')) {
      assert.is(trigger.spec.subscriber.uri, `${EVENTS_PATH}/${deliveryCredential(kept, trigger.spec.subscriber.ref.name)}`, trigger.metadata.name);
    }
    assert.is(platformSecret(renderChart({ platform: { secret: GIVEN_SECRET } }, {}, ['--dry-run=server', '--kubeconfig', kubeconfig])), GIVEN_SECRET);
  });
  // Another release's namespace has no such Secret: a new one is made.
  await withKubernetesApi({}, (kubeconfig) => assert.match(platformSecret(renderChart({}, {}, ['--dry-run=server', '--kubeconfig', kubeconfig])), /^[A-Za-z0-9]{48}$/));
});

test('only the platform publishes to the broker: a NetworkPolicy admits to its ingress pods the functions, its dispatchers and knative-eventing', () => {
  const matches = (selector: { matchLabels: Record<string, string> }, labels: Record<string, string> = {}) =>
    Object.entries(selector.matchLabels).every(([key, value]) => labels[key] === value);
  for (const [variant, base] of [['defaults', 'ecommerce'], ['ingress, connection secret, optional secrets, overrides', 'events']]) {
    const r = rendered[variant];
    const brokerName = one(r, 'eventing.knative.dev/v1', 'Broker').metadata.name;
    assert.match(brokerName, new RegExp(`^${base}-[0-9a-f]{8}$`));
    const policy = one(r, 'networking.k8s.io/v1', 'NetworkPolicy');
    // eventing-rabbitmq's <broker>-broker-ingress pods carry these labels (IngressLabels).
    assert.equal(policy.spec.podSelector, { matchLabels: { 'eventing.knative.dev/broker': brokerName, 'eventing.knative.dev/brokerRole': 'ingress' } }, variant);
    assert.equal(policy.spec.policyTypes, ['Ingress']);
    assert.is(policy.spec.ingress.length, 1);
    const peers = policy.spec.ingress[0].from as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const podPeers = peers.filter((p) => p.podSelector && !p.namespaceSelector);
    // Every function's pods are admitted, by the labels of its pod template...
    for (const service of knativeServices(r)) {
      assert.ok(podPeers.some((p) => matches(p.podSelector, service.spec.template.metadata.labels)), `${variant}: ${service.metadata.name} may publish`);
    }
    // ...and the broker's dispatchers (reply events), but not Nginx or the migration Job.
    assert.ok(podPeers.some((p) => matches(p.podSelector, { 'eventing.knative.dev/broker': brokerName, 'eventing.knative.dev/brokerRole': 'dispatcher' })));
    assert.not.ok(podPeers.some((p) => matches(p.podSelector, { 'eventing.knative.dev/broker': brokerName, 'eventing.knative.dev/brokerRole': 'ingress' })));
    for (const m of r.manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job')) {
      assert.not.ok(podPeers.some((p) => matches(p.podSelector, m.spec.template.metadata.labels)), `${variant}: ${m.kind} ${m.metadata.name} may not publish`);
    }
    const namespaces = peers.filter((p) => p.namespaceSelector?.matchExpressions);
    assert.equal(namespaces, [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: variant === 'defaults' ? ['knative-eventing'] : ['knative-eventing', 'eventing-extra'] }] } }]);
    assert.is(peers.length, variant === 'defaults' ? 4 : 5, 'nothing else is admitted (the dead-letter replay Jobs: dead-letters.test.ts)');
  }
  assert.equal(byKind(rendered['everything optional off'], 'networking.k8s.io/v1', 'NetworkPolicy'), []);
});

test('the RabbitMQ broker: class RabbitMQBroker, its RabbitmqBrokerConfig with quorum queues and a cluster reference', () => {
  const broker = one(defaults, 'eventing.knative.dev/v1', 'Broker');
  assert.match(broker.metadata.name, /^ecommerce-[0-9a-f]{8}$/);
  assert.is(broker.metadata.annotations!['eventing.knative.dev/broker.class'], 'RabbitMQBroker');
  const config = one(defaults, 'eventing.knative.dev/v1alpha1', 'RabbitmqBrokerConfig');
  assert.equal(broker.spec.config, { apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'RabbitmqBrokerConfig', name: config.metadata.name });
  assert.is(config.spec.queueType, 'quorum');
  assert.equal(config.spec.rabbitmqClusterReference, { name: 'rabbitmq', namespace: 'shop' });
  const other = one(rendered['ingress, connection secret, optional secrets, overrides'], 'eventing.knative.dev/v1alpha1', 'RabbitmqBrokerConfig');
  assert.equal(other.spec.rabbitmqClusterReference, { connectionSecret: { name: 'rabbitmq-admin' } });
  assert.equal(byKind(rendered['everything optional off'], 'eventing.knative.dev/v1', 'Broker'), []);
});

/** The names of a render's Broker and RabbitmqBrokerConfig, and every reference to the Broker. */
function brokerReferences(r: Rendered) {
  const broker = one(r, 'eventing.knative.dev/v1', 'Broker');
  const policy = one(r, 'networking.k8s.io/v1', 'NetworkPolicy');
  const peers = policy.spec.ingress[0].from as Array<{ podSelector?: { matchLabels: Record<string, string> } }>;
  return {
    broker: broker.metadata.name,
    config: one(r, 'eventing.knative.dev/v1alpha1', 'RabbitmqBrokerConfig').metadata.name,
    brokerConfigRef: broker.spec.config.name,
    triggers: byKind(r, 'eventing.knative.dev/v1', 'Trigger').map((t) => ({ name: t.metadata.name, broker: t.spec.broker })),
    references: [
      one(r, 'sources.knative.dev/v1', 'SinkBinding').spec.sink.ref.name,
      one(r, 'sources.knative.dev/v1', 'PingSource').spec.sink.ref.name,
      policy.spec.podSelector.matchLabels['eventing.knative.dev/broker'],
      ...peers.filter((p) => p.podSelector?.matchLabels['eventing.knative.dev/broker']).map((p) => p.podSelector!.matchLabels['eventing.knative.dev/broker']),
    ],
  };
}

test('immutable broker settings: a change makes a new RabbitmqBrokerConfig, Broker and Triggers, and every reference follows', () => {
  // A kept platform secret, as `lookup` keeps it in a cluster: the dead-letter sink's credential is
  // part of the Broker's spec, so a new secret (a `helm template` without a cluster) is a new Broker.
  const keptSecret = { platform: { secret: GIVEN_SECRET } };
  const before = brokerReferences(renderChart(keptSecret));
  const check = (refs: ReturnType<typeof brokerReferences>, what: string) => {
    assert.is(refs.brokerConfigRef, refs.config, what);
    assert.equal(refs.references, Array(4).fill(refs.broker), `${what}: SinkBinding, PingSource, NetworkPolicy (ingress, dispatchers)`);
    assert.ok(refs.triggers.length > 0);
    for (const trigger of refs.triggers) {
      assert.is(trigger.broker, refs.broker, `${what}: ${trigger.name}`);
      // <release>-<the broker's hash>-<trigger>
      assert.ok(trigger.name.startsWith(`ecommerce-${refs.broker.slice(-8)}-`), `${what}: ${trigger.name} is named after its broker`);
    }
  };
  check(before, 'defaults');
  // The same settings give the same names, render after render.
  assert.equal(brokerReferences(renderChart(keptSecret)), before);
  assert.is.not(brokerReferences(renderChart({ platform: { secret: `${GIVEN_SECRET}-rotated` } })).broker, before.broker, 'a rotated secret: a new Broker');
  const changes: Array<[string, Record<string, unknown>, boolean]> = [
    ['queueType', { broker: { queueType: 'classic' } }, true],
    ['rabbitmqCluster', { broker: { rabbitmqCluster: { name: 'rabbitmq-2' } } }, true],
    ["rabbitmqCluster's namespace", { broker: { rabbitmqCluster: { namespace: 'rabbitmq-system' } } }, true],
    ['connectionSecret', { broker: { connectionSecret: 'rabbitmq-admin' } }, true],
    // The Broker's whole spec is immutable in eventing-rabbitmq, delivery included.
    ['delivery', { broker: { delivery: { retry: 3 } } }, false],
    ['the name', { broker: { name: 'events' } }, true],
  ];
  for (const [what, overrides, configChanges] of changes) {
    const after = brokerReferences(renderChart({ ...keptSecret, ...overrides }));
    check(after, what);
    assert.is(after.config !== before.config, configChanges, `${what}: a new RabbitmqBrokerConfig`);
    assert.is.not(after.broker, before.broker, `${what}: a new Broker`);
    // No Trigger is updated to another broker (its spec.broker cannot change): all are new.
    const kept = after.triggers.filter((t) => before.triggers.some((b) => b.name === t.name));
    assert.equal(kept, [], `${what}: new Triggers`);
  }
  // An existing Broker (create: false) is used by its name as given; another name renames the Triggers too.
  const existing = (name: string) => {
    const r = renderChart({ broker: { create: false, name } });
    assert.equal(byKind(r, 'eventing.knative.dev/v1', 'Broker'), []);
    assert.equal(byKind(r, 'eventing.knative.dev/v1alpha1', 'RabbitmqBrokerConfig'), []);
    assert.is(one(r, 'sources.knative.dev/v1', 'SinkBinding').spec.sink.ref.name, name);
    assert.is(one(r, 'sources.knative.dev/v1', 'PingSource').spec.sink.ref.name, name);
    assert.is(one(r, 'networking.k8s.io/v1', 'NetworkPolicy').spec.podSelector.matchLabels['eventing.knative.dev/broker'], name);
    const triggers = byKind(r, 'eventing.knative.dev/v1', 'Trigger');
    for (const t of triggers) assert.is(t.spec.broker, name, t.metadata.name);
    return triggers.map((t) => t.metadata.name);
  };
  const onDefault = existing('default');
  assert.ok(onDefault.every((name) => /^ecommerce-[0-9a-f]{8}-/.test(name)), onDefault[0]);
  const onShared = existing('shared');
  assert.equal(onShared.filter((name) => onDefault.includes(name)), []);
});

test('config changes roll: every Knative Service has a checksum of the ConfigMap it reads, which changes with it', () => {
  const checksums = (r: Rendered) => knativeServices(r).map((s) => s.spec.template.metadata.annotations['checksum/config']);
  for (const [variant, r] of Object.entries(rendered)) {
    const all = checksums(r);
    assert.ok(all.length > 0 && all.every((c) => /^[0-9a-f]{64}$/.test(c)), `${variant}: on every Knative Service`);
    assert.is(new Set(all).size, 1, `${variant}: the one ConfigMap`);
  }
  const before = checksums(defaults)[0];
  for (const overrides of [{ config: { logLevel: 'debug' } }, { config: { smtp: { port: 2525 } } }, { config: { extra: { SOME_FLAG: 'on' } } }]) {
    const after = renderChart(overrides);
    assert.is.not(appConfig(after).data, appConfig(defaults).data);
    assert.ok(checksums(after).every((c) => c !== before), JSON.stringify(overrides));
  }
  // What the ConfigMap does not hold leaves it alone.
  assert.ok(checksums(renderChart({ functions: { auth: { minScale: 1 } } })).every((c) => c === before));
});

test('Trigger names carry the release: two releases in one namespace share no object name but the functions\'', () => {
  const a = renderChart({}, { name: 'shop-a' });
  const b = renderChart({}, { name: 'shop-b' });
  const key = (m: Manifest) => `${m.apiVersion} ${m.kind} ${m.metadata.name}`;
  const names = new Set(a.manifests.map(key));
  // The functions' Knative Services are named after the function, as the gateway and the
  // functions address each other (http://<function>.<namespace>.svc): one release per namespace.
  const shared = b.manifests.filter((m) => names.has(key(m))).map((m) => m.metadata.name);
  assert.equal(shared.sort(), CHART_FUNCTIONS);
  for (const trigger of byKind(a, 'eventing.knative.dev/v1', 'Trigger')) assert.match(trigger.metadata.name, /^shop-a-ecommerce-[0-9a-f]{8}-[a-z]/);
  for (const trigger of byKind(b, 'eventing.knative.dev/v1', 'Trigger')) assert.match(trigger.metadata.name, /^shop-b-ecommerce-[0-9a-f]{8}-[a-z]/);
});

test('a long release name: the Broker stays short enough for its ingress Service, every Trigger name fits a label', () => {
  const release = 'a-rather-long-release-name-for-the-staging-shop';
  const r = renderChart({}, { name: release });
  const broker = one(r, 'eventing.knative.dev/v1', 'Broker').metadata.name;
  // eventing-rabbitmq names a Service <broker>-broker-ingress: a DNS label of at most 63 characters.
  assert.ok(`${broker}-broker-ingress`.length <= 63, broker);
  const triggers = byKind(r, 'eventing.knative.dev/v1', 'Trigger').map((t) => t.metadata.name);
  assert.is(new Set(triggers).size, platformTriggers().length);
  for (const name of [broker, ...triggers]) {
    assert.ok(name.length <= 63, name);
    assert.match(name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  }
  for (const trigger of platformTriggers()) assert.ok(triggers.some((name) => name.startsWith(release.slice(0, 10)) && name.endsWith(`-${trigger.name}`)), trigger.name);
});

test('helm test: a test hook Pod asks Nginx (else the gateway) for /api/health and every enabled function\'s status', () => {
  const pod = one(defaults, 'v1', 'Pod');
  assert.is(pod.metadata.annotations!['helm.sh/hook'], 'test');
  assert.is(pod.spec.restartPolicy, 'Never');
  const container = pod.spec.containers[0];
  assert.is(container.image, 'ghcr.io/example/ecommerce-functions:0.1.0');
  assert.equal(container.command.slice(0, 2), ['node', '-e']);
  assert.is(container.command[2].trim(), readFileSync(join(CHART_DIR, 'files', 'helm-test.js'), 'utf8').trim());
  const env = (r: Rendered) => Object.fromEntries(one(r, 'v1', 'Pod').spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
  const nginx = defaults.manifests.find((m) => m.apiVersion === 'v1' && m.kind === 'Service')!;
  assert.is(env(defaults).BASE_URL, `http://${nginx.metadata.name}.shop.svc.cluster.local:${nginx.spec.ports[0].port}`);
  assert.equal(env(defaults).EXPECT_UP.split(',').sort(), FUNCTION_NAMES.filter((n) => n !== 'gateway').sort());
  const off = rendered['everything optional off'];
  assert.is(env(off).BASE_URL, 'http://gateway.shop.svc.cluster.local');
  assert.not.ok(env(off).EXPECT_UP.split(',').includes('questions'), 'a disabled function is not expected up');
});

/** The manifests a SinkBinding's subject selects, among `manifests`. */
const bound = (binding: Manifest, manifests: Manifest[]) => {
  const { subject } = binding.spec;
  return manifests.filter(
    (m) => m.apiVersion === subject.apiVersion && m.kind === subject.kind && Object.entries(subject.selector.matchLabels as Record<string, string>).every(([k, v]) => m.metadata.labels?.[k] === v),
  );
};

test('K_SINK: the SinkBinding selects exactly the functions, labelled for inclusion mode, and points at the broker', () => {
  const binding = one(defaults, 'sources.knative.dev/v1', 'SinkBinding');
  assert.equal(binding.spec.sink.ref, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: one(defaults, 'eventing.knative.dev/v1', 'Broker').metadata.name });
  const { subject } = binding.spec;
  assert.is(subject.apiVersion, 'serving.knative.dev/v1');
  assert.is(subject.kind, 'Service');
  assert.equal(bound(binding, defaults.manifests).map((m) => m.metadata.name).sort(), CHART_FUNCTIONS);
  // In inclusion mode Knative's SinkBinding webhook only sees objects (and namespaces) labelled
  // bindings.knative.dev/include=true; Knative labels the namespace, not the object. Every
  // Service the binding selects carries it, because the selector requires it.
  assert.is(subject.selector.matchLabels['bindings.knative.dev/include'], 'true');
  for (const service of knativeServices(defaults)) assert.is(service.metadata.labels?.['bindings.knative.dev/include'], 'true', service.metadata.name);
  // Only this release's functions: not another release's in the same namespace, nor anything else.
  const other = renderChart({}, { name: 'other' });
  assert.equal(bound(binding, other.manifests), []);
  assert.equal(bound(one(other, 'sources.knative.dev/v1', 'SinkBinding'), other.manifests).length, CHART_FUNCTIONS.length);
  // The chart itself never sets K_SINK: two sources would disagree.
  for (const service of knativeServices(defaults)) assert.not.ok(envNames(containerOf(service)).includes('K_SINK'));
});

test('the PingSource ticks every minute into the broker, with the type the tick Triggers filter on', () => {
  const ping = one(defaults, 'sources.knative.dev/v1', 'PingSource');
  assert.is(ping.spec.schedule, '* * * * *');
  assert.equal(ping.spec.sink.ref, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: one(defaults, 'eventing.knative.dev/v1', 'Broker').metadata.name });
  // A v1 PingSource's events have the type dev.knative.sources.ping: the code's tick type.
  assert.is(PING_EVENT_TYPE, 'dev.knative.sources.ping');
  const ticks = byKind(defaults, 'eventing.knative.dev/v1', 'Trigger').filter((t) => t.spec.filter.attributes.type === PING_EVENT_TYPE);
  assert.ok(ticks.length > 0);
});

test('the migration Job is a pre-install/pre-upgrade hook running migrate.js with every service database URL', () => {
  const job = one(defaults, 'batch/v1', 'Job');
  assert.is(job.metadata.annotations!['helm.sh/hook'], 'pre-install,pre-upgrade');
  assert.ok(job.metadata.annotations!['helm.sh/hook-delete-policy'].includes('before-hook-creation'));
  const container = job.spec.template.spec.containers[0];
  assert.equal(container.command, ['node', 'dist/scripts/migrate.js']);
  assert.is(job.spec.template.spec.restartPolicy, 'Never');
  const names = envNames(container);
  for (const name of CHART_FUNCTIONS.filter((n) => n !== 'gateway')) assert.ok(names.includes(`DATABASE_URL_${name.toUpperCase()}`), name);
  // A hook runs before the ConfigMap exists: its configuration is inline, the same as the ConfigMap's.
  assert.not.ok(container.envFrom);
  const config = appConfig(defaults).data!;
  for (const [key, value] of Object.entries(config)) assert.ok(container.env.some((e: { name: string; value?: string }) => e.name === key && e.value === value), key);
});

test("a session's maximum length reaches auth (JWT_MAX_SESSION_SECONDS, 7 days by default)", () => {
  assert.is(appConfig(defaults).data!.JWT_MAX_SESSION_SECONDS, '604800');
  assert.is(appConfig(renderChart({ config: { jwtMaxSessionSeconds: 86400 } })).data!.JWT_MAX_SESSION_SECONDS, '86400');
});

test('the site a fresh installation gets: SITE_NAME and SITE_DOMAIN from config.site, for the migrations that seed it', () => {
  const site = (r: Rendered) => [appConfig(r).data!.SITE_NAME, appConfig(r).data!.SITE_DOMAIN];
  assert.equal(site(defaults), ['Shop', 'localhost']);
  assert.equal(site(rendered['ingress, connection secret, optional secrets, overrides']), ['Boutique', 'shop.example.com']);
  const job = one(rendered['ingress, connection secret, optional secrets, overrides'], 'batch/v1', 'Job').spec.template.spec.containers[0];
  assert.ok(job.env.some((e: { name: string; value?: string }) => e.name === 'SITE_DOMAIN' && e.value === 'shop.example.com'));
});

test("Nginx: the chart's copy of the configuration is gateway/nginx's, with Knative's Host, behind a Service", () => {
  const original = NGINX_TEMPLATE;
  const copy = readFileSync(join(CHART_DIR, 'files', 'default.conf.template'), 'utf8');
  assert.ok(copy === original, 'charts/ecommerce/files/default.conf.template differs from gateway/nginx/default.conf.template: copy it again');
  const configMap = defaults.manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'ecommerce-nginx')!;
  const conf = configMap.data!['default.conf.template'];
  assert.is(conf.trimEnd(), original.trimEnd().replace('proxy_set_header Host $host;', 'proxy_set_header Host gateway.shop.svc.cluster.local;\n    proxy_set_header X-Forwarded-Host $host;'));
  const deployment = one(defaults, 'apps/v1', 'Deployment');
  const container = deployment.spec.template.spec.containers[0];
  const env = Object.fromEntries(container.env.map((e: { name: string; value?: string; valueFrom?: object }) => [e.name, e.value ?? e.valueFrom]));
  // Every ${VAR} of the template has a value, and the filter lets exactly those through.
  const variables = nginxTemplateVariables;
  assert.equal(variables, ['GATEWAY_UPSTREAM', 'NGINX_ACCESS_LOG', 'NGINX_MAX_BODY', 'NGINX_PORT', 'NGINX_PROXY_TOKEN', 'NGINX_RESOLVER', 'NGINX_UPSTREAM_RESOLVE']);
  // Nginx vouches for X-Real-IP with what the gateway derives from PLATFORM_SECRET.
  assert.equal(env.NGINX_PROXY_TOKEN, { secretKeyRef: { name: 'ecommerce-platform', key: 'nginx-proxy-token' } });
  const secret = defaults.manifests.find((m) => m.kind === 'Secret' && m.metadata.name === 'ecommerce-platform')!;
  const proxyToken = createHash('sha256').update(`${platformSecret(defaults)}:proxy`).digest('hex');
  assert.is(Buffer.from(secret.data!['nginx-proxy-token'], 'base64').toString('utf8'), proxyToken);
  for (const variable of variables) {
    assert.ok(env[variable], variable);
    assert.match(variable, new RegExp(env.NGINX_ENVSUBST_FILTER));
  }
  assert.is(env.GATEWAY_UPSTREAM, 'gateway.shop.svc.cluster.local:80');
  // The gateway's name is asked of the cluster's DNS while Nginx runs (it may start first, and
  // the Service's address may change), by an Nginx that can.
  assert.is(env.NGINX_UPSTREAM_RESOLVE, 'resolve');
  assert.is(env.NGINX_RESOLVER, 'kube-dns.kube-system.svc.cluster.local');
  assert.ok(resolvesUpstreamNames(container.image), `${container.image} cannot resolve upstream names at run time`);
  assert.is(env.NGINX_PORT, String(container.ports[0].containerPort));
  assert.ok(container.volumeMounts.some((v: { mountPath: string }) => v.mountPath === '/etc/nginx/templates'));
  const service = defaults.manifests.find((m) => m.apiVersion === 'v1' && m.kind === 'Service')!;
  assert.is(service.metadata.name, 'ecommerce-nginx');
  assert.equal(service.spec.selector, deployment.spec.selector.matchLabels);
  assert.equal(byKind(defaults, 'networking.k8s.io/v1', 'Ingress'), [], 'no Ingress by default');
  const overridden = one(rendered['ingress, connection secret, optional secrets, overrides'], 'apps/v1', 'Deployment').spec.template.spec.containers[0];
  assert.ok(overridden.env.some((e: { name: string; value?: string }) => e.name === 'NGINX_RESOLVER' && e.value === '10.96.0.10:53'), 'nginx.resolver');
  const ingress = one(rendered['ingress, connection secret, optional secrets, overrides'], 'networking.k8s.io/v1', 'Ingress');
  assert.is(ingress.spec.rules[0].http.paths[0].backend.service.name, 'ecommerce-nginx');
});

test('NOTES.txt tells what was deployed and how to reach it', () => {
  for (const name of CHART_FUNCTIONS) assert.ok(defaults.notes.includes(`  ${name}: scale 0..10`), name);
  assert.ok(defaults.notes.includes('kubectl -n shop port-forward svc/ecommerce-nginx 8080:80'));
  assert.ok(defaults.notes.includes('kn trigger list -n shop'));
  assert.ok(defaults.notes.includes(`kn broker describe ${one(defaults, 'eventing.knative.dev/v1', 'Broker').metadata.name} -n shop`));
  assert.ok(rendered['everything optional off'].notes.includes('kn broker describe default -n shop'));
  assert.ok(defaults.notes.includes('helm test ecommerce -n shop'));
  // What must be installed first, eventing-rabbitmq's own prerequisites included.
  for (const prerequisite of ['Knative Serving', 'Knative Eventing', 'eventing-rabbitmq', 'RabbitMQ Cluster Operator', 'cert-manager', 'RabbitMQ Messaging Topology Operator']) {
    assert.ok(defaults.notes.replace(/\s+/g, ' ').includes(prerequisite), prerequisite);
  }
  assert.ok(rendered['ingress, connection secret, optional secrets, overrides'].notes.includes('https://shop.example.com/api/docs'));
  assert.ok(defaults.notes.includes('Secret ecommerce-platform'));
  assert.ok(defaults.notes.includes('NetworkPolicy ecommerce-broker-ingress: only the functions, the broker\'s dispatchers, the dead-letter replay Jobs and the namespace(s) knative-eventing may publish'));
  assert.ok(rendered['everything optional off'].notes.includes('No NetworkPolicy'));
  assert.not.match(defaults.notes, /<no value>|\{\{/);
});

test.run();
