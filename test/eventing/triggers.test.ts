import '../helpers/env';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../scripts/local-env';
import { BROKER_NAME_TEMPLATE, generatedFiles, subscriberUriTemplate, triggerNameTemplate, TRIGGERS_TEMPLATE } from '../../scripts/generate';
import { platformTriggers } from '../../eventing/triggers';

test('the committed Trigger manifests and README catalogue are what the declarations generate', () => {
  for (const [file, expected] of Object.entries(generatedFiles())) {
    assert.ok(readFileSync(file, 'utf8') === expected, `${file} is stale: run \`npm run generate\``);
  }
});

test("the chart's Triggers are exactly the local broker's, field by field", () => {
  // A value that is a whole template action ({{ include ... }}) is quoted to read the template as YAML.
  const values = parse(readFileSync(join(REPO_ROOT, 'charts', 'ecommerce', 'values.yaml'), 'utf8'));
  const template = readFileSync(TRIGGERS_TEMPLATE, 'utf8').replace(/^(\s*[\w.-]+: )(\{\{.*\}\})$/gm, "$1'$2'");
  const manifests = parseAllDocuments(template).map((d) => d.toJS()).filter(Boolean);
  const local = platformTriggers();
  assert.ok(local.length > 0);
  // In the chart, a Trigger's name carries the release and its broker's hash; the broker is the release's.
  assert.equal(manifests.map((m) => m.metadata.name).sort(), local.map(triggerNameTemplate).sort());
  for (const trigger of local) {
    const manifest = manifests.find((m) => m.metadata.name === triggerNameTemplate(trigger));
    assert.is(manifest.spec.broker, BROKER_NAME_TEMPLATE);
    assert.equal(manifest.spec.filter.attributes, trigger.filter);
    assert.is(manifest.spec.subscriber.ref.name, trigger.subscriber.service);
    assert.is(manifest.spec.subscriber.uri, subscriberUriTemplate(trigger));
    // Without a delivery of its own a Trigger has the Broker's (eventing-rabbitmq): the same policy.
    const { deadLetterSink: _brokerSink, ...brokerDelivery } = values.broker.delivery;
    const { deadLetterSink: manifestSink, ...manifestDelivery } = manifest.spec.delivery ?? brokerDelivery;
    const { deadLetterSink, ...delivery } = trigger.delivery;
    assert.equal(manifestDelivery, delivery);
    if (deadLetterSink) assert.is(manifestSink?.uri, deadLetterSink);
    assert.is(manifest.metadata.annotations['rabbitmq.eventing.knative.dev/parallelism'], String(trigger.parallelism));
  }
});

test('every service with an outbox has a tick Trigger; every subscription has one', () => {
  const names = platformTriggers().map((t) => t.name);
  assert.ok(names.includes('auth-tick'));
});

test.run();
