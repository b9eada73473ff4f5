/**
 * Dead letters in the cluster, on the real `helm template` output: eventing-rabbitmq drops an event
 * whose retries are spent unless a dead-letter sink is set, and applies the Broker's delivery (and
 * sink) only to Triggers without one of their own. So: the Broker's delivery is the platform's
 * retry policy plus the keeper as sink, the generated Triggers carry none, and the keeper
 * (functions.deadletters) with its list / replay Jobs is deployed.
 */
import '../helpers/env';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_DELIVERY, platformTriggers } from '../../eventing/triggers';
import { triggersTemplate } from '../../scripts/generate';
import { CHART_DIR, lintChart, renderChart, type Manifest, type Rendered } from './chart';
import { helm, kubectlBinary } from './helm-template';
import { schemaErrors, unknownFieldErrors } from './kubernetes';

const SECRET = 'a-given-platform-secret-of-40-characters';
const keeperCredential = createHash('sha256').update(`${SECRET}:deliver:deadletters`).digest('hex');
const KEEPER_SINK = {
  ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'deadletters' },
  uri: `/dead-letters/${keeperCredential}`,
};

const VARIANTS: Record<string, Record<string, unknown>> = {
  defaults: { platform: { secret: SECRET } },
  elsewhere: { platform: { secret: SECRET }, broker: { delivery: { deadLetterSink: { uri: 'https://dead-letters.example.com/in' } } } },
  off: { platform: { secret: SECRET }, functions: { deadletters: { enabled: false } } },
};
const rendered: Record<string, Rendered> = Object.fromEntries(Object.entries(VARIANTS).map(([name, values]) => [name, renderChart(values)]));
const find = (r: Rendered, kind: string, name?: string) => r.manifests.filter((m) => m.kind === kind && (!name || m.metadata.name === name));
const brokerOf = (r: Rendered) => find(r, 'Broker')[0];
const cronJobs = (r: Rendered) => find(r, 'CronJob');
const policyPeers = (r: Rendered) => find(r, 'NetworkPolicy')[0].spec.ingress[0].from as Array<{ podSelector?: { matchLabels: Record<string, string> } }>;
const admits = (r: Rendered, labels: Record<string, string>) =>
  policyPeers(r).some((p) => p.podSelector && Object.entries(p.podSelector.matchLabels).every(([k, v]) => labels[k] === v));

test("by default the Broker dead-letters to the keeper: the Knative Service deadletters at /dead-letters/<its delivery credential>", async () => {
  const broker = brokerOf(rendered.defaults);
  assert.equal(await schemaErrors(broker), [], 'a valid Knative Broker (@kubernetes-models/knative)');
  assert.equal(unknownFieldErrors([broker]), []);
  assert.equal(broker.spec.delivery.deadLetterSink, KEEPER_SINK);
  // The ref resolves to the keeper the chart deploys: a cluster-local Knative Service serving the
  // function deadletters (the one that checks that credential) with its own database.
  const [keeper] = find(rendered.defaults, 'Service', 'deadletters').filter((m) => m.apiVersion === 'serving.knative.dev/v1');
  assert.ok(keeper, 'the keeper is deployed');
  assert.is(keeper.metadata.labels?.['networking.knative.dev/visibility'], 'cluster-local');
  const container = keeper.spec.template.spec.containers[0];
  assert.equal(container.env.find((e: { name: string }) => e.name === 'FUNCTION_TARGET'), { name: 'FUNCTION_TARGET', value: 'deadletters' });
  assert.ok(container.env.some((e: { name: string }) => e.name === 'DATABASE_URL_DEADLETTERS'));
  assert.ok(container.env.some((e: { name: string }) => e.name === 'PLATFORM_SECRET'), 'it derives the credential it checks');
  // Scaled to zero like the other functions: Knative's activator holds the DLQ dispatcher's POST while it starts.
  assert.is(keeper.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'], '0');
  // The migration Job creates its table.
  const migrations = find(rendered.defaults, 'Job')[0].spec.template.spec.containers[0];
  assert.ok(migrations.env.some((e: { name: string }) => e.name === 'DATABASE_URL_DEADLETTERS'));
});

test("the Broker's delivery is the local broker's retry policy, and no generated Trigger has one of its own", () => {
  const { deadLetterSink, ...policy } = brokerOf(rendered.defaults).spec.delivery;
  assert.ok(deadLetterSink);
  assert.equal(policy, DEFAULT_DELIVERY, 'eventing/triggers.ts DEFAULT_DELIVERY');
  const triggers = find(rendered.defaults, 'Trigger');
  assert.is(triggers.length, platformTriggers().length);
  // eventing-rabbitmq uses a Trigger's own delivery, and its own sink or none, whenever it has one.
  for (const trigger of triggers) assert.is(trigger.spec.delivery, undefined, trigger.metadata.name);
});

test('a Trigger with a delivery of its own gets the same dead-letter sink (or none when there is none)', async () => {
  const [base] = platformTriggers();
  const custom = { ...base, name: 'orders-slow', delivery: { ...DEFAULT_DELIVERY, retry: 9, timeout: 'PT60S' } };
  const copy = mkdtempSync(join(tmpdir(), 'ecommerce-chart-'));
  try {
    cpSync(CHART_DIR, copy, { recursive: true });
    writeFileSync(join(copy, 'templates', 'triggers.yaml'), triggersTemplate([base, custom]));
    const render = (values: string[]) => parseAllDocuments(helm(['template', 'ecommerce', copy, '--namespace', 'shop', '--show-only', 'templates/triggers.yaml', ...values]))
      .map((d) => d.toJS() as Manifest).filter(Boolean);
    const [plain, slow] = render(['--set', `platform.secret=${SECRET}`]);
    assert.is(plain.spec.delivery, undefined);
    assert.equal(slow.spec.delivery, { retry: 9, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S', timeout: 'PT60S', deadLetterSink: KEEPER_SINK });
    assert.equal(await schemaErrors(slow), []);
    const [, noSink] = render(['--set', `platform.secret=${SECRET}`, '--set', 'functions.deadletters.enabled=false']);
    assert.equal(noSink.spec.delivery, { retry: 9, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S', timeout: 'PT60S' });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('knobs: broker.delivery.deadLetterSink sends dead letters elsewhere; functions.deadletters.enabled=false leaves no sink and no keeper', () => {
  assert.equal(brokerOf(rendered.elsewhere).spec.delivery.deadLetterSink, { uri: 'https://dead-letters.example.com/in' });
  const off = rendered.off;
  assert.equal(brokerOf(off).spec.delivery, DEFAULT_DELIVERY);
  assert.equal(find(off, 'Service', 'deadletters'), []);
  assert.equal(cronJobs(off), []);
  assert.not.ok(find(off, 'Job')[0].spec.template.spec.containers[0].env.some((e: { name: string }) => e.name === 'DATABASE_URL_DEADLETTERS'));
  assert.is(policyPeers(off).length, policyPeers(rendered.defaults).length - 1);
  assert.ok(off.notes.includes('No dead-letter sink'));
  for (const values of Object.values(VARIANTS)) {
    const findings = lintChart(values).split('\n').filter((line) => /^\[(INFO|WARNING|ERROR)\]/.test(line));
    assert.equal(findings, ['[INFO] Chart.yaml: icon is recommended']);
  }
});

test('list and replay: suspended CronJobs running the CLI on the keeper\'s database; a replay publishes to the broker\'s ingress, which admits it', async () => {
  const jobs = cronJobs(rendered.defaults);
  assert.equal(jobs.map((j) => j.metadata.name), ['ecommerce-dead-letters-list', 'ecommerce-dead-letters-replay']);
  for (const job of jobs) {
    assert.equal(await schemaErrors(job), [], job.metadata.name);
    assert.is(job.spec.suspend, true, 'never runs by itself');
    const pod = job.spec.jobTemplate.spec.template;
    const container = pod.spec.containers[0];
    const command = job.metadata.name.endsWith('-replay') ? 'replay' : 'list';
    assert.equal(container.command, ['node', 'dist/eventing/dead-letters/cli.js', command]);
    assert.equal(container.env[0], { name: 'DATABASE_URL_DEADLETTERS', valueFrom: { secretKeyRef: { name: 'ecommerce-databases', key: 'DATABASE_URL_DEADLETTERS' } } });
    assert.equal(container.envFrom, [{ configMapRef: { name: 'ecommerce-config' } }]);
    assert.is(pod.spec.restartPolicy, 'Never');
    assert.is(container.securityContext.readOnlyRootFilesystem, true);
    // eventing-rabbitmq's ingress Service for the Broker (MakeIngressService: <broker>-broker-ingress).
    const sink = container.env.find((e: { name: string }) => e.name === 'K_SINK');
    const broker = rendered.defaults.manifests.find((m) => m.kind === 'Broker')!.metadata.name;
    assert.equal(sink, command === 'replay' ? { name: 'K_SINK', value: `http://${broker}-broker-ingress.shop.svc.cluster.local` } : undefined);
    assert.is(admits(rendered.defaults, pod.metadata.labels), command === 'replay', `${command}: admitted to the broker's ingress`);
  }
  assert.equal(unknownFieldErrors(jobs), []);
  // A CronJob's name is 52 characters at most, whatever the release is called.
  const long = renderChart({}, { name: 'a-rather-long-release-name-for-the-shop-of-someone' });
  for (const job of cronJobs(long)) assert.ok(job.metadata.name.length <= 52, job.metadata.name);
  assert.equal(cronJobs(long).map((j) => j.metadata.name.replace(/^.*-dead-letters-/, '')), ['list', 'replay']);
});

/**
 * Runs `kubectl <args> --dry-run=client -o json` against a stand-in for the API server that knows
 * the batch/v1 group and answers GET of the `objects` given by path: what kubectl would create.
 */
async function kubectlDryRun(objects: Record<string, unknown>, args: string[]): Promise<Manifest> {
  const discovery: Record<string, unknown> = {
    '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
    '/api/v1': { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [] },
    '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'batch', versions: [{ groupVersion: 'batch/v1', version: 'v1' }], preferredVersion: { groupVersion: 'batch/v1', version: 'v1' } }] },
    '/apis/batch/v1': {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'batch/v1',
      resources: [
        { name: 'cronjobs', singularName: 'cronjob', namespaced: true, kind: 'CronJob', verbs: ['get'] },
        { name: 'jobs', singularName: 'job', namespaced: true, kind: 'Job', verbs: ['get', 'create'] },
      ],
    },
  };
  const answers = { ...discovery, ...objects };
  const server = http.createServer((req, res) => {
    const body = answers[(req.url ?? '').split('?')[0]];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'ecommerce-kube-'));
  try {
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
      clusters: [{ name: 'test', cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
      users: [{ name: 'test', user: {} }],
    }));
    const { stdout } = await promisify(execFile)(kubectlBinary(), ['--kubeconfig', kubeconfig, ...args, '--dry-run=client', '-o', 'json']);
    return JSON.parse(stdout);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the real kubectl turns the documented `create job --from=cronjob/...` into the Job that lists or replays", async () => {
  for (const command of ['list', 'replay']) {
    const cronJob = find(rendered.defaults, 'CronJob', `ecommerce-dead-letters-${command}`)[0];
    const path = `/apis/batch/v1/namespaces/shop/cronjobs/${cronJob.metadata.name}`;
    // The arguments NOTES.txt prints, as the operator types them.
    const line = rendered.defaults.notes.split('\n').find((l) => l.includes(`create job dead-letters-${command}-1`))!;
    const args = line.trim().split(/\s+/).slice(1);
    assert.equal(args, ['-n', 'shop', 'create', 'job', `dead-letters-${command}-1`, `--from=cronjob/${cronJob.metadata.name}`]);
    const job = await kubectlDryRun({ [path]: { ...cronJob, metadata: { ...cronJob.metadata, uid: 'u-1' } } }, args);
    assert.is(job.kind, 'Job');
    assert.is(job.metadata.name, `dead-letters-${command}-1`);
    // The pod of the CronJob's jobTemplate: the CLI, with the keeper's database and (replay) the broker's ingress.
    const [container] = job.spec.template.spec.containers;
    assert.equal(container.command, ['node', 'dist/eventing/dead-letters/cli.js', command]);
    assert.equal(container.env, cronJob.spec.jobTemplate.spec.template.spec.containers[0].env);
    assert.is(container.env.some((e: { name: string }) => e.name === 'K_SINK'), command === 'replay');
    assert.equal(job.spec.template.metadata.labels, cronJob.spec.jobTemplate.spec.template.metadata.labels);
    assert.is(job.spec.backoffLimit, 0);
    // The pod's labels are the ones the NetworkPolicy admits (the replay's) to the broker's ingress.
    assert.is(admits(rendered.defaults, job.spec.template.metadata.labels), command === 'replay');
  }
});

test('NOTES.txt gives the commands, on the CronJobs the chart renders', () => {
  const { notes } = rendered.defaults;
  assert.ok(notes.includes("Dead letters: an event whose retries are spent goes to the Broker's dead-letter sink, Service deadletters."));
  for (const command of ['list', 'replay']) {
    const cronJob = `ecommerce-dead-letters-${command}`;
    assert.ok(find(rendered.defaults, 'CronJob', cronJob).length === 1);
    assert.ok(notes.includes(`kubectl -n shop create job dead-letters-${command}-1 --from=cronjob/${cronJob}`), command);
    assert.ok(notes.includes(`kubectl -n shop wait --for=condition=complete job/dead-letters-${command}-1 --timeout=120s; kubectl -n shop logs job/dead-letters-${command}-1`), command);
  }
  assert.ok(rendered.elsewhere.notes.includes("dead-letter sink, https://dead-letters.example.com/in."));
});

test.run();
