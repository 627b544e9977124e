import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../server/src/engine';

const engine = new Engine();
const codes = (text: string) => engine.analyzeFile({ uri: 'file:///t.yaml', text }).findings.map((f) => f.ruleId);

test('a Helm template is skipped with one information finding', () => {
  const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Values.name }}\n{{- if .Values.x }}\n  labels: {}\n{{- end }}\n';
  const a = engine.analyzeFile({ uri: 'file:///t.yaml', text });
  assert.deepEqual(a.findings.map((f) => [f.ruleId, f.severity]), [['helm-template-skipped', 'information']]);
  assert.equal(text.slice(a.findings[0].span.start, a.findings[0].span.end), '{{ .Values.name }}');
  assert.equal(a.skipped, 'helm');
});

test('Capsule placeholders are not Helm', () => {
  assert.ok(!codes('metadata:\n  name: "{{ tenant.name }}-{{namespace}}"\n').includes('helm-template-skipped'));
});

test('Go templates inside a GlobalTenantResource generator template are not Helm', () => {
  const text = [
    'apiVersion: capsule.clastix.io/v1beta2',
    'kind: GlobalTenantResource',
    'metadata:',
    '  name: gen',
    'spec:',
    '  resources:',
    '    - generators:',
    '        - template: |',
    '            name: {{ .tenant.metadata.name }}',
    '',
  ].join('\n');
  assert.ok(!codes(text).includes('helm-template-skipped'));
});

test('the same Go template outside generators is Helm', () => {
  assert.ok(codes('kind: Namespace\nmetadata:\n  name: "{{ .tenant.metadata.name }}"\n').includes('helm-template-skipped'));
});
