/**
 * The tests' Helm renderer against what helm (Go text/template + Sprig) does on the constructs
 * the chart uses: an expected output here is Helm's, so the chart tests rest on known behaviour.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HelmRenderer, mergeValues } from './helm-template';

function render(template: string, values: Record<string, unknown> = {}, helpers = ''): string {
  const files = { 'templates/t.yaml': template, 'templates/_helpers.tpl': helpers, 'files/f.txt': 'file content\n' };
  return new HelmRenderer({ files, values, chart: { name: 'chart', version: '1.2.3', appVersion: '4.5' }, release: { name: 'rel', namespace: 'ns' } }).renderAll()['templates/t.yaml'];
}

test('actions, trimming and comments', () => {
  assert.is(render('a: {{ .Values.x }}\nb:  {{- " y" }}\n{{- /* gone */}}\nc: {{ .Release.Name }}/{{ .Release.Namespace }} {{ .Chart.Name }}', { x: 1 }), 'a: 1\nb: y\nc: rel/ns chart');
  assert.is(render('{{ "a" -}}\n\n   {{- "b" }}'), 'ab');
  assert.is(render('x{{/* comment */}}y'), 'xy');
});

test('missing values are nil (printed empty), a field of nil is an error, a missing struct field too', () => {
  assert.is(render('[{{ .Values.missing }}]'), '[]');
  assert.throws(() => render('{{ .Values.missing.deeper }}'), /nil pointer/);
  assert.throws(() => render('{{ .Release.Nmae }}'), /can't evaluate field Nmae/);
  assert.throws(() => render('{{ .Values.map }}', { map: { a: 1 } }), /printing a map/);
  assert.throws(() => render('{{ unknownFunction 1 }}'), /not supported/);
});

test('if / else if / else, with, and truthiness of 0, "", empty maps', () => {
  const t = '{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}';
  assert.is(render(t, { a: 1 }), 'A');
  assert.is(render(t, { a: 0, b: 'x' }), 'B');
  assert.is(render(t, { a: '', b: {} }), 'C');
  assert.is(render('{{ with .Values.m }}{{ .k }}{{ else }}none{{ end }}', { m: { k: 'v' } }), 'v');
  assert.is(render('{{ with .Values.m }}{{ .k }}{{ else }}none{{ end }}', { m: {} }), 'none');
});

test('range: lists, maps in key order, two variables, else, and $ inside', () => {
  assert.is(render('{{ range .Values.l }}{{ . }},{{ end }}', { l: [3, 1, 2] }), '3,1,2,');
  assert.is(render('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 2, a: 1, c: 3 } }), 'a=1;b=2;c=3;');
  assert.is(render('{{ range .Values.l }}x{{ else }}empty{{ end }}', { l: [] }), 'empty');
  assert.is(render('{{ range .Values.l }}{{ $.Release.Name }}{{ end }}', { l: [1, 2] }), 'relrel');
});

test('variables: declaration, assignment to an outer variable, scope ends with the block', () => {
  assert.is(render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}'), '2');
  assert.is(render('{{ $x := 1 }}{{ if true }}{{ $x := 3 }}{{ $x }}{{ end }}{{ $x }}'), '31');
  assert.throws(() => render('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}'), /undefined variable/);
});

test('define / include with a dict, nindent, toYaml (sorted keys), quote, printf', () => {
  const helpers = '{{- define "t.labels" -}}\nname: {{ .name }}\nteam: {{ .team | quote }}\n{{- end }}';
  assert.is(render('labels:\n  {{- include "t.labels" (dict "name" "x" "team" "core") | nindent 2 }}', {}, helpers), 'labels:\n  name: x\n  team: "core"');
  assert.is(render('r:\n  {{- toYaml .Values.r | nindent 2 }}', { r: { limits: { memory: '1Gi' }, cpu: '1' } }), 'r:\n  cpu: "1"\n  limits:\n    memory: 1Gi');
  assert.is(render('{{ printf "%s-%d" "a" 3 }} {{ 5 | quote }} {{ "a\\"b" | quote }}'), 'a-3 "5" "a\\"b"');
  assert.is(render('{{ .Files.Get "files/f.txt" | trimSuffix "\\n" }}|{{ .Files.Get "files/none" }}|'), 'file content||');
});

test('Sprig: default keeps a given 0 out (Helm\'s gotcha), hasKey + ternary keep it, set/dict/index', () => {
  assert.is(render('{{ .Values.n | default 5 }}', { n: 0 }), '5');
  assert.is(render('{{ ternary (index .Values.m "n") 5 (hasKey .Values.m "n") }}', { m: { n: 0 } }), '0');
  assert.is(render('{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ toYaml $d }}'), 'a: 1\nb: 2');
  assert.is(render('{{ upper "ab" }} {{ replace "+" "_" "1+2" }} {{ trunc 3 "abcdef" }} {{ contains "b" "abc" }}'), 'AB 1_2 abc true');
});

test('and / or return the deciding operand and stop there; eq refuses mixed types', () => {
  assert.is(render('{{ and 1 "" 2 }}|{{ or 0 "x" }}'), '|x');
  assert.is(render('{{ if and false .Values.missing.deeper }}y{{ else }}n{{ end }}'), 'n'); // not evaluated
  assert.throws(() => render('{{ eq 1 "1" }}'), /incompatible types/);
  assert.is(render('{{ eq "a" "b" "a" }}'), 'true');
});

test('numbers print as Go prints float64 values: 1e+06 from a million up', () => {
  assert.is(render('{{ .Values.a }} {{ .Values.b }} {{ .Values.c }}', { a: 999999, b: 1000000, c: 0.5 }), '999999 1e+06 0.5');
});

test('mergeValues merges maps, replaces lists and scalars, deletes on null', () => {
  assert.equal(mergeValues({ a: { b: 1, c: 2 }, l: [1], d: 1 }, { a: { c: 3 }, l: [2], d: null }), { a: { b: 1, c: 3 }, l: [2] });
});

test.run();
