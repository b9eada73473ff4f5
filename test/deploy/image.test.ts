/**
 * The Dockerfile, checked without Docker: its stages, what the runtime stage runs (host.ts's
 * compiled output, its port), that it runs as a non-root user with production dependencies only,
 * and that those are enough: every package the three entry points load is a dependency, and
 * every source folder they load is copied into the build and let through .dockerignore.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '../../scripts/local-env';
import { dockerfileStages, type Stage } from './dockerfile';

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfileStages(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name)!;
const runtime = stages.at(-1)!;
const args = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const ENTRY_POINTS = ['functions/host.ts', 'scripts/migrate.ts', 'eventing/local-broker.ts'];

/** Source files and packages reachable from `entries` through value imports and requires. */
function reachable(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const resolve = (from: string, specifier: string) => {
    const base = join(dirname(from), specifier);
    for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
    if (existsSync(base)) return undefined; // JSON and other data files
    throw new Error(`${relative(REPO_ROOT, from)}: cannot resolve ${specifier}`);
  };
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...[...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]),
      ...[...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]),
      ...[...source.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]),
    ];
    // catalog.ts loads a service's folder by name (require(`./${name}`)): all of them.
    if (/require\(`\.\/\$\{name\}`\)/.test(source)) {
      for (const dir of ['auth', 'products', 'orders', 'baskets', 'deliveries', 'newsletters', 'sav', 'addresses', 'contacts', 'questions', 'websites']) {
        if (existsSync(join(dirname(file), dir, 'index.ts'))) specifiers.push(`./${dir}`);
      }
    }
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) {
        const target = resolve(file, specifier);
        if (target) visit(target);
      } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
      }
    }
  };
  entries.forEach((entry) => visit(join(REPO_ROOT, entry)));
  return { files, packages };
}

test('multi-stage: TypeScript built with npm ci + npm run build, runtime on a slim Node 22 LTS with production dependencies', () => {
  const build = stage('build');
  assert.ok(build, 'a build stage');
  assert.ok(args(build, 'RUN').includes('npm ci'));
  assert.ok(args(build, 'RUN').includes('npm run build'));
  assert.is(packageJson.scripts.build, 'tsc -p tsconfig.json');
  assert.is(runtime.name, 'runtime', 'the last stage (the default target) is the runtime');
  // Node 20's life ended on 2026-04-30; 22 is maintained until 2027-04-30. Every stage runs the same Node.
  assert.match(runtime.from, /^node:22[.\d]*-bookworm-slim$/);
  for (const name of ['build', 'deps']) assert.is(stage(name).from, runtime.from, name);
  const [, major] = /^node:(\d+)/.exec(runtime.from)!;
  assert.ok(Number(major) >= Number(/^>=(\d+)$/.exec(packageJson.engines.node)![1]), "the image's Node satisfies package.json's engines");
  assert.ok(args(stage('deps'), 'RUN').some((r) => r.startsWith('npm ci --omit=dev')));
  const copies = args(runtime, 'COPY');
  assert.ok(copies.includes('--from=deps /app/node_modules ./node_modules'));
  assert.ok(copies.includes('--from=build /app/dist ./dist'));
  assert.not.ok(copies.some((c) => c.includes('--from=build /app/node_modules')), 'no dev dependencies in the runtime');
  assert.not.ok(copies.some((c) => /^(functions|gateway|eventing|scripts|\.)\b/.test(c)), 'no sources in the runtime');
});

test("CMD, EXPOSE and PORT agree with host.ts; a non-root user runs it", () => {
  const cmd = args(runtime, 'CMD');
  assert.is(cmd.length, 1);
  assert.equal(JSON.parse(cmd[0]), ['node', 'dist/functions/host.js'], 'exec form, the compiled host');
  assert.equal(args(runtime, 'ENTRYPOINT'), [], 'no ENTRYPOINT: migrate.js and local-broker.js are run as the command');
  // tsconfig compiles <dir>/<file>.ts to dist/<dir>/<file>.js.
  const tsconfig = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.json'), 'utf8'));
  assert.equal([tsconfig.compilerOptions.outDir, tsconfig.compilerOptions.rootDir], ['dist', '.']);
  for (const entry of ENTRY_POINTS) assert.ok(existsSync(join(REPO_ROOT, entry)), entry);
  const host = readFileSync(join(REPO_ROOT, 'functions', 'host.ts'), 'utf8');
  assert.match(host, /if \(require\.main === module\) \{\s*serve\(env\('FUNCTION_TARGET', ''\), envInt\('PORT', (\d+)\)\);/);
  const defaultPort = /envInt\('PORT', (\d+)\)/.exec(host)![1];
  assert.equal(args(runtime, 'EXPOSE'), [defaultPort]);
  assert.ok(args(runtime, 'ENV').some((e) => e.split(/\s+/).includes(`PORT=${defaultPort}`)));
  assert.ok(args(runtime, 'ENV').some((e) => e.split(/\s+/).includes('NODE_ENV=production')));
  assert.ok(!args(runtime, 'ENV').some((e) => /FUNCTION_TARGET/.test(e)), 'FUNCTION_TARGET is chosen at run time');
  const user = args(runtime, 'USER');
  assert.is(user.length, 1);
  assert.match(user[0], /^[1-9]\d*(:\d+)?$/, 'a numeric, non-root user (Kubernetes runAsNonRoot can check it)');
  const order = runtime.instructions.map((i) => i.keyword);
  assert.ok(order.lastIndexOf('USER') < order.lastIndexOf('CMD'));
  // The chart and compose run the user the image declares.
  assert.ok(readFileSync(join(REPO_ROOT, 'charts', 'ecommerce', 'values.yaml'), 'utf8').includes(`runAsUser: ${user[0].split(':')[0]}`));
});

test('the runtime has what the entry points load: every package is a dependency, every source folder is built', () => {
  const { files, packages } = reachable(ENTRY_POINTS);
  const dependencies = new Set(Object.keys(packageJson.dependencies));
  for (const name of packages) assert.ok(dependencies.has(name), `${name} is loaded at run time but is not in dependencies (npm ci --omit=dev leaves it out)`);
  assert.not.ok(packages.has('s3rver'), 's3rver is for npm start only');
  const folders = new Set([...files].map((f) => relative(REPO_ROOT, f).split('/')[0]));
  const copied = args(stage('build'), 'COPY').map((c) => c.split(/\s+/)[0]);
  const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  assert.is(dockerignore.find((l) => l && !l.startsWith('#')), '*', '.dockerignore lets through only what it lists');
  for (const folder of folders) {
    assert.ok(copied.includes(folder), `${folder}/ is not copied into the build stage`);
    assert.ok(dockerignore.includes(`!${folder}/`), `${folder}/ is not let through .dockerignore`);
  }
  for (const file of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json']) assert.ok(dockerignore.includes(`!${file}`), file);
  for (const secret of ['**/.env', '**/*.pem', '**/node_modules']) assert.ok(dockerignore.includes(secret), secret);
});

test('the dev stage runs the TypeScript sources with tsx (for skaffold dev file sync)', () => {
  const dev = stage('dev');
  assert.is(dev.from, 'build');
  assert.equal(JSON.parse(args(dev, 'CMD')[0]).slice(0, 3), ['npx', 'tsx', 'watch']);
  assert.ok(JSON.parse(args(dev, 'CMD')[0]).includes('functions/host.ts'));
  assert.ok(packageJson.devDependencies.tsx, 'tsx is a dev dependency, present in the build stage');
});

test.run();
