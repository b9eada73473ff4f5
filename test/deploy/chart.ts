/** Loads charts/ecommerce and renders it with `helm template` (see helm-template.ts). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../scripts/local-env';
import { helm, mergeValues, splitTemplateOutput } from './helm-template';

export const CHART_DIR = join(REPO_ROOT, 'charts', 'ecommerce');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}

export const chartValues = (): Record<string, unknown> => parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));

export interface Rendered {
  values: Record<string, unknown>;
  manifests: Manifest[];
  /** Each manifest's template file, in the same order. */
  sources: string[];
  notes: string;
}

/**
 * Renders the chart with the real `helm template` (helm-template.ts), values.yaml plus `overrides`
 * as one more -f file, and `helmArgs` (e.g. `--dry-run=server` for `lookup`). NOTES.txt, which
 * `helm template` leaves out, is rendered too: in a copy of the chart, as the template of a
 * one-key document.
 */
export function renderChart(overrides: Record<string, unknown> = {}, release: { name?: string; namespace?: string } = {}, helmArgs: string[] = []): Rendered {
  const values = mergeValues(chartValues(), overrides);
  const copy = mkdtempSync(join(tmpdir(), 'ecommerce-chart-'));
  try {
    cpSync(CHART_DIR, copy, { recursive: true });
    const notes = readFileSync(join(CHART_DIR, 'templates', 'NOTES.txt'), 'utf8');
    writeFileSync(join(copy, 'templates', NOTES_DOCUMENT), `{{- define "test.notes" }}${notes}{{ end -}}\nnotes: {{ include "test.notes" . | toJson }}\n`);
    writeFileSync(join(copy, 'test-values.json'), JSON.stringify(overrides));
    const output = helm(['template', release.name ?? 'ecommerce', copy, '--namespace', release.namespace ?? 'shop', '-f', join(copy, 'test-values.json'), ...helmArgs]);
    const manifests: Manifest[] = [];
    const sources: string[] = [];
    let renderedNotes = '';
    for (const { source, text } of splitTemplateOutput(output)) {
      if (source === `templates/${NOTES_DOCUMENT}`) {
        renderedNotes = parse(text).notes;
        continue;
      }
      for (const document of parseAllDocuments(text)) {
        if (document.errors.length) throw new Error(`${source}: ${document.errors[0].message}\n${text}`);
        const manifest = document.toJS();
        if (manifest === null || manifest === undefined) continue;
        manifests.push(manifest);
        sources.push(source);
      }
    }
    return { values, manifests, sources, notes: renderedNotes };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const NOTES_DOCUMENT = 'zz-test-notes.yaml';

/** `helm lint --strict` of the chart with values.yaml plus `overrides`: its output (it throws on an error). */
export function lintChart(overrides: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecommerce-lint-'));
  try {
    writeFileSync(join(dir, 'values.json'), JSON.stringify(overrides));
    return helm(['lint', '--strict', CHART_DIR, '--namespace', 'shop', '-f', join(dir, 'values.json')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
