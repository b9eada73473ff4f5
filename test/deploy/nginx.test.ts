/**
 * The Nginx configuration every runtime shares (gateway/nginx/default.conf.template): one upstream
 * to the gateway that keeps its connections alive and, where the gateway is a name, looks it up
 * again at run time; and the local rendering (`npm start`, the end-to-end tests) passes `nginx -t`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxInstalled, writeNginxConfig } from '../../scripts/platform';
import { nginxDirectives, resolvesUpstreamNames } from './nginx';

test('one upstream to the gateway: a shared zone, keep-alive, the name looked up again where asked', () => {
  const upstream = /^upstream gateway \{\n([\s\S]*?)\n\}/m.exec(nginxDirectives)?.[1] ?? '';
  const lines = upstream.split('\n').map((line) => line.trim()).filter(Boolean);
  assert.ok(lines.includes('server ${GATEWAY_UPSTREAM} ${NGINX_UPSTREAM_RESOLVE};'), upstream);
  assert.ok(lines.some((line) => /^zone gateway \d+k;$/.test(line)), '`resolve` needs the upstream in shared memory');
  assert.ok(lines.some((line) => /^keepalive \d+;$/.test(line)), 'connections to the gateway are reused');
  // The resolver sits in the http context (an upstream's own `resolver` needs Nginx 1.27.3), and
  // caps how long an address is kept.
  assert.match(nginxDirectives, /^resolver \$\{NGINX_RESOLVER\} valid=\d+s;$/m);
  // Every request goes through the upstream: a variable in proxy_pass would lose its keep-alive pool.
  const passes = [...nginxDirectives.matchAll(/proxy_pass ([^;]+);/g)].map((m) => m[1]);
  assert.ok(passes.length > 0);
  for (const target of passes) assert.is(target, 'http://gateway');
});

test('an nginx image resolves upstream names at run time from 1.27.3 on', () => {
  for (const image of ['nginx:1.30-alpine', 'nginx:1.27.3', 'nginxinc/nginx-unprivileged:1.28.0-alpine', 'nginx:2.0']) assert.ok(resolvesUpstreamNames(image), image);
  for (const image of ['nginx:1.27-alpine', 'nginx:1.27.2', 'nginx:1.22', 'nginx:latest', 'nginx:stable-alpine', 'nginx']) assert.not.ok(resolvesUpstreamNames(image), image);
});

const haveNginx = nginxInstalled();
if (!haveNginx) console.warn('SKIPPED: nginx is not installed, `nginx -t` on the local configuration was not run (.ci/run installs it).');

(haveNginx ? test : test.skip)('the local rendering (npm start, the end-to-end tests) passes nginx -t, the gateway by address', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'ecommerce-nginx-'));
  try {
    const conf = writeNginxConfig(18080, 18100, prefix);
    const platform = readFileSync(join(prefix, 'platform.conf'), 'utf8');
    assert.match(platform, /server 127\.0\.0\.1:18100 ;/);
    assert.not.match(platform, /\$\{\w+\}/, 'every variable of the directives has a value');
    const checked = spawnSync('nginx', ['-t', '-p', prefix, '-c', conf], { encoding: 'utf8' });
    assert.is(checked.status, 0, checked.stderr);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});

test.run();
