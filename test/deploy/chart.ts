/** Loads charts/ecommerce and renders it as `helm template` would (see helm-template.ts). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../scripts/local-env';
import { HelmRenderer, mergeValues } from './helm-template';

export const CHART_DIR = join(REPO_ROOT, 'charts', 'ecommerce');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The chart's templates and files, by path inside the chart. */
export function chartFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const folder of ['templates', 'files']) {
    for (const path of walk(join(CHART_DIR, folder))) files[relative(CHART_DIR, path)] = readFileSync(path, 'utf8');
  }
  return files;
}

export const chartValues = (): Record<string, unknown> => parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
export const chartMetadata = (): Record<string, unknown> => parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8'));

export interface Rendered {
  values: Record<string, unknown>;
  manifests: Manifest[];
  /** Each manifest's template file, in the same order. */
  sources: string[];
  notes: string;
}

/** Renders the chart with values.yaml plus `overrides` (merged as Helm merges -f files). */
export function renderChart(overrides: Record<string, unknown> = {}, release: { name?: string; namespace?: string } = {}): Rendered {
  const values = mergeValues(chartValues(), overrides);
  const renderer = new HelmRenderer({ files: chartFiles(), values, chart: chartMetadata(), release: { name: 'ecommerce', namespace: 'shop', ...release } });
  const texts = renderer.renderAll();
  const manifests: Manifest[] = [];
  const sources: string[] = [];
  for (const [path, text] of Object.entries(texts)) {
    if (path.endsWith('NOTES.txt')) continue;
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length) throw new Error(`${path}: ${document.errors[0].message}\n${text}`);
      const manifest = document.toJS();
      if (manifest === null || manifest === undefined) continue;
      manifests.push(manifest);
      sources.push(path);
    }
  }
  return { values, manifests, sources, notes: texts['templates/NOTES.txt'] ?? '' };
}
