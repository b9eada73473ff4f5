/**
 * Checks Kubernetes manifests without a cluster, two ways:
 *  - schema: each kind's JSON Schema, through the model packages' validate() (Knative from
 *    @kubernetes-models/knative, core/apps/batch/networking from kubernetes-models), and for
 *    RabbitmqBrokerConfig, which has no model, fixtures/rabbitmqbrokerconfig.schema.json;
 *  - fields: those schemas accept unknown fields (a misspelt `containerConcurency` passes), so
 *    the same packages' TypeScript types are used too: every manifest is compiled as an object
 *    literal of its kind's interface, and TypeScript's excess-property check names any field the
 *    kind does not have, at any depth.
 * The model packages are ES modules only: they are loaded with import(), which tsx keeps.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from '../../scripts/local-env';
import type { Manifest } from './chart';

interface Model {
  /** Module of the model class (and of its TypeScript interface). */
  module: string;
  className: string;
  typeName: string;
}

const knative = (path: string, name: string): Model => ({ module: `@kubernetes-models/knative/${path}/${name}`, className: name, typeName: `I${name}` });
const core = (path: string, name: string): Model => ({ module: `kubernetes-models/${path}/${name}`, className: name, typeName: `I${name}` });

/** Every kind the chart may render, by `apiVersion kind`. */
export const MODELS: Record<string, Model> = {
  'serving.knative.dev/v1 Service': knative('serving.knative.dev/v1', 'Service'),
  'eventing.knative.dev/v1 Broker': knative('eventing.knative.dev/v1', 'Broker'),
  'eventing.knative.dev/v1 Trigger': knative('eventing.knative.dev/v1', 'Trigger'),
  'sources.knative.dev/v1 PingSource': knative('sources.knative.dev/v1', 'PingSource'),
  'sources.knative.dev/v1 SinkBinding': knative('sources.knative.dev/v1', 'SinkBinding'),
  'v1 ConfigMap': core('v1', 'ConfigMap'),
  'v1 Service': core('v1', 'Service'),
  'v1 Secret': core('v1', 'Secret'),
  'v1 Pod': core('v1', 'Pod'),
  'apps/v1 Deployment': core('apps/v1', 'Deployment'),
  'batch/v1 Job': core('batch/v1', 'Job'),
  'batch/v1 CronJob': core('batch/v1', 'CronJob'),
  'networking.k8s.io/v1 Ingress': core('networking.k8s.io/v1', 'Ingress'),
  'networking.k8s.io/v1 NetworkPolicy': core('networking.k8s.io/v1', 'NetworkPolicy'),
};
export const RABBITMQ_BROKER_CONFIG = 'eventing.knative.dev/v1alpha1 RabbitmqBrokerConfig';

const kindOf = (manifest: Manifest) => `${manifest.apiVersion} ${manifest.kind}`;

/**
 * The one quirk of the models worked around: SinkBinding's model requires `status` (Knative's Go
 * type lacks omitempty on it), which only the API server writes. An empty one is added for the check.
 */
function forModel(manifest: Manifest): Manifest {
  if (kindOf(manifest) === 'sources.knative.dev/v1 SinkBinding' && !('status' in manifest)) return { ...manifest, status: {} } as Manifest;
  return manifest;
}

let rabbitmqBrokerConfig: ReturnType<Ajv['compile']> | undefined;

/** The schema errors of one manifest, or [] when it is valid. An unknown kind is an error. */
export async function schemaErrors(manifest: Manifest): Promise<string[]> {
  const kind = kindOf(manifest);
  if (kind === RABBITMQ_BROKER_CONFIG) {
    rabbitmqBrokerConfig ??= new Ajv({ allErrors: true }).compile(
      JSON.parse(readFileSync(join(__dirname, 'fixtures', 'rabbitmqbrokerconfig.schema.json'), 'utf8')),
    );
    if (rabbitmqBrokerConfig(manifest)) return [];
    return (rabbitmqBrokerConfig.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }
  const model = MODELS[kind];
  if (!model) return [`no schema for ${kind}: add its model to test/deploy/kubernetes.ts`];
  const loaded = (await import(model.module)) as Record<string, new (data: unknown) => { validate(): void }>;
  try {
    new loaded[model.className](forModel(manifest)).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/**
 * Fields that the kinds' TypeScript interfaces do not have, as `<index>: <message>` (the index of
 * the manifest in `manifests`). RabbitmqBrokerConfig is left to its strict JSON Schema.
 */
/**
 * The few global types the models' declarations use, in place of TypeScript's standard library:
 * the check is about object shapes, and loading lib.es2022 would double its time. Should a model
 * come to use another global type, the check reports it ("Cannot find name ..."): add it here.
 */
const MINIMAL_LIB = `
interface Array<T> { length: number; [n: number]: T; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; }
interface Boolean {} interface Function {} interface CallableFunction {} interface NewableFunction {}
interface IArguments {} interface Number {} interface Object {} interface RegExp {} interface String {}
interface Symbol {} interface Date {}
type PropertyKey = string | number | symbol;
type Record<K extends keyof any, T> = { [P in K]: T };
type Partial<T> = { [P in keyof T]?: T[P] };
type Required<T> = { [P in keyof T]-?: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Exclude<T, U> = T extends U ? never : T;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
`;

export function unknownFieldErrors(manifests: Manifest[]): string[] {
  const imports = new Map<string, string>();
  const lines: string[] = [];
  manifests.forEach((manifest, index) => {
    const model = MODELS[kindOf(manifest)];
    if (!model) {
      lines.push('');
      return;
    }
    const alias = `K${Object.keys(MODELS).indexOf(kindOf(manifest))}`;
    imports.set(alias, `import type { ${model.typeName} as ${alias} } from '${model.module}';`);
    lines.push(`export const manifest${index}: ${alias} = ${JSON.stringify(forModel(manifest))};`);
  });
  const header = [...imports.values()];
  // One manifest per line, after the imports: a diagnostic's line gives the manifest.
  const source = [...header, ...lines].join('\n');
  // Neither file is written: the compiler host serves them from memory.
  const file = join(REPO_ROOT, 'test', 'deploy', '__rendered-manifests__.ts');
  const lib = join(REPO_ROOT, 'test', 'deploy', '__minimal-lib__.d.ts');
  const virtual: Record<string, string> = { [file]: source, [lib]: MINIMAL_LIB };
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    noLib: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler, // the packages' "exports" with "types"
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => name in virtual || fileExists.call(host, name);
  host.readFile = (name) => virtual[name] ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) =>
    name in virtual ? ts.createSourceFile(name, virtual[name], language) : getSourceFile.call(host, name, language, ...rest);
  const program = ts.createProgram([lib, file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return `?: ${message}`;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    return `${line - header.length}: ${message}`;
  });
}
