// The YAML edit library: every case applies the edits to the input, compares the whole text with the
// expected one, re-parses it with the engine's parser (no errors allowed) and checks the plain value
// against the same operation done on the input's plain value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Document, visit } from 'yaml';
import { parseChunk } from '../../server/src/engine/parse/document';
import { splitDocuments } from '../../server/src/engine/parse/split';
import {
  appendDocument,
  appendToSequence,
  applyEdits,
  detectStyle,
  insertSequenceItem,
  placeEdits,
  removeNode,
  renderBlock,
  renderFlow as renderFlowOf,
  replaceValue,
  setMapValue,
  type EditStyle,
} from '../../server/src/engine/fixes/yaml-edit';
import type { TextEdit } from '../../server/src/engine/types';

type Seg = string | number;
type Op =
  | ['append', Seg[], unknown]
  | ['set', Seg[], string, unknown]
  | ['replace', Seg[], unknown]
  | ['remove', Seg[]]
  | ['insert', Seg[], number, unknown];

interface Case {
  name: string;
  input: string;
  op: Op;
  /** The whole text after the edit, or null when the operation must refuse (no edits). */
  expected: string | null;
}

/** Lines joined with LF, ending with a line break. */
const L = (...lines: string[]) => lines.join('\n') + '\n';
const crlf = (s: string) => s.replace(/\n/g, '\r\n');

function run(text: string, op: Op): TextEdit[] {
  const parsed = parseChunk(text);
  switch (op[0]) {
    case 'append': return appendToSequence(parsed, op[1], op[2]);
    case 'set': return setMapValue(parsed, op[1], op[2], op[3]);
    case 'replace': return replaceValue(parsed, op[1], op[2]);
    case 'remove': return removeNode(parsed, op[1]);
    case 'insert': return insertSequenceItem(parsed, op[1], op[2], op[3]);
  }
}

type Json = Record<string, unknown> | unknown[];

/** The same operation on plain values: what the edited text must parse to. */
function model(value: unknown, op: Op): unknown {
  const root = structuredClone(value ?? {}) as Json;
  const container = (path: Seg[], create: 'map' | 'seq' | 'none'): Json => {
    let node = root as Json;
    path.forEach((seg, i) => {
      const rec = node as Record<string, unknown>;
      if (rec[seg as string] == null || (typeof rec[seg as string] === 'object' && Object.keys(rec[seg as string] as object).length === 0 && create === 'seq' && i === path.length - 1)) {
        if (create === 'none') throw new Error(`missing ${seg}`);
        rec[seg as string] = i === path.length - 1 && create === 'seq' ? [] : {};
      }
      node = rec[seg as string] as Json;
    });
    return node;
  };
  switch (op[0]) {
    case 'append': (container(op[1], 'seq') as unknown[]).push(op[2]); break;
    case 'set': (container(op[1], 'map') as Record<string, unknown>)[op[2]] = op[3]; break;
    case 'replace': {
      if (op[1].length === 0) return op[2];
      (container(op[1].slice(0, -1), 'none') as Record<string, unknown>)[op[1][op[1].length - 1] as string] = op[2];
      break;
    }
    case 'remove': {
      const parent = container(op[1].slice(0, -1), 'none');
      const last = op[1][op[1].length - 1];
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last as string];
      break;
    }
    case 'insert': (container(op[1], 'seq') as unknown[]).splice(op[2], 0, op[3]); break;
  }
  return root;
}

function check(c: Case): void {
  const edits = run(c.input, c.op);
  if (c.expected === null) {
    assert.deepEqual(edits, [], 'expected no edits');
    return;
  }
  assert.ok(edits.length > 0, 'expected edits');
  const out = applyEdits(c.input, edits);
  assert.equal(out, c.expected);
  const reparsed = parseChunk(out);
  assert.deepEqual(reparsed.errors.map((e) => e.message), []);
  assert.deepEqual(reparsed.doc.toJS(), model(parseChunk(c.input).doc.toJS(), c.op));
}

const DNS = { to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] };

const NP = L(
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata:',
  '  name: default',
  'spec:',
  '  podSelector: {}',
  '  policyTypes:',
  '    - Egress',
  '  egress:',
  '    - to:',
  '        - podSelector: {}',
  '  # about the rest',
);

const cases: Case[] = [
  // appendToSequence
  {
    name: 'append: block sequence of maps, indented, comment after it at a lower column stays after',
    input: NP,
    op: ['append', ['spec', 'egress'], DNS],
    expected: NP.replace('        - podSelector: {}\n', '        - podSelector: {}\n    - to:\n        - namespaceSelector: {}\n      ports:\n        - port: 53\n          protocol: UDP\n'),
  },
  {
    name: 'append: scalar to an indented block sequence',
    input: NP,
    op: ['append', ['spec', 'policyTypes'], 'Ingress'],
    expected: NP.replace('    - Egress\n', '    - Egress\n    - Ingress\n'),
  },
  {
    name: 'append: flush sequences stay flush, nested ones too',
    input: L('spec:', '  egress:', '  - to:', '    - podSelector: {}', '  policyTypes:', '  - Egress'),
    op: ['append', ['spec', 'egress'], DNS],
    expected: L('spec:', '  egress:', '  - to:', '    - podSelector: {}', '  - to:', '    - namespaceSelector: {}', '    ports:', '    - port: 53', '      protocol: UDP', '  policyTypes:', '  - Egress'),
  },
  {
    name: 'append: four-space indentation',
    input: L('spec:', '    egress:', '        -   to:', '                -   podSelector: {}'),
    op: ['append', ['spec', 'egress'], { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
    expected: L('spec:', '    egress:', '        -   to:', '                -   podSelector: {}', '        -   to:', '                -   ipBlock:', '                        cidr: 10.0.0.0/8'),
  },
  {
    name: 'append: CRLF line breaks',
    input: crlf(L('spec:', '  egress:', '    - to: []', 'x: 1')),
    op: ['append', ['spec', 'egress'], { to: [] }],
    expected: crlf(L('spec:', '  egress:', '    - to: []', '    - to: []', 'x: 1')),
  },
  {
    name: 'append: flow sequence gets a flow item',
    input: L('ports: [{port: 80}, {port: 443}] # web'),
    op: ['append', ['ports'], { port: 53, protocol: 'UDP' }],
    expected: L('ports: [{port: 80}, {port: 443}, {port: 53, protocol: UDP}] # web'),
  },
  {
    name: 'append: empty value becomes a block sequence',
    input: L('spec:', '  egress:', '  podSelector: {}'),
    op: ['append', ['spec', 'egress'], DNS],
    expected: L('spec:', '  egress:', '    - to:', '        - namespaceSelector: {}', '      ports:', '        - port: 53', '          protocol: UDP', '  podSelector: {}'),
  },
  {
    name: 'append: [] becomes a block sequence, its comment stays on the key line',
    input: L('spec:', '  egress: [] # none yet', '  podSelector: {}'),
    op: ['append', ['spec', 'egress'], { to: [] }],
    expected: L('spec:', '  egress: # none yet', '    - to: []', '  podSelector: {}'),
  },
  {
    name: 'append: explicit null is replaced',
    input: L('egress: null'),
    op: ['append', ['egress'], 'a'],
    expected: L('egress:', '  - a'),
  },
  {
    name: 'append: a missing key is created at the end of its mapping',
    input: L('spec:', '  podSelector: {}', '  policyTypes: [Egress]', '# trailer'),
    op: ['append', ['spec', 'egress'], DNS],
    expected: L('spec:', '  podSelector: {}', '  policyTypes: [Egress]', '  egress:', '    - to:', '        - namespaceSelector: {}', '      ports:', '        - port: 53', '          protocol: UDP', '# trailer'),
  },
  {
    name: 'append: missing parent mappings are created',
    input: L('kind: NetworkPolicy', 'metadata:', '  name: x'),
    op: ['append', ['spec', 'egress'], 'a'],
    expected: L('kind: NetworkPolicy', 'metadata:', '  name: x', 'spec:', '  egress:', '    - a'),
  },
  {
    name: 'append: inside a List item',
    input: L('kind: List', 'items:', '- kind: NetworkPolicy', '  spec:', '    egress:', '    - to: []', '- kind: NetworkPolicy', '  spec:', '    egress:', '    - to: []', '    # between', '# last'),
    op: ['append', ['items', 1, 'spec', 'egress'], { ports: [] }],
    expected: L('kind: List', 'items:', '- kind: NetworkPolicy', '  spec:', '    egress:', '    - to: []', '- kind: NetworkPolicy', '  spec:', '    egress:', '    - to: []', '    # between', '    - ports: []', '# last'),
  },
  {
    name: 'append: comments indented under the last item belong to it',
    input: L('a:', '  - x: 1', '    # y: 2', '', '  # commented-out item', 'b: 1'),
    op: ['append', ['a'], { x: 3 }],
    expected: L('a:', '  - x: 1', '    # y: 2', '', '  # commented-out item', '  - x: 3', 'b: 1'),
  },
  {
    name: 'append: a comment at the column of the next key heads that key',
    input: L('a:', '- x', '# about b', 'b: 1'),
    op: ['append', ['a'], 'z'],
    expected: L('a:', '- x', '- z', '# about b', 'b: 1'),
  },
  {
    name: 'append: the last item is a flow map',
    input: L('ports:', '  - {port: 80} # http', 'next: 1'),
    op: ['append', ['ports'], { port: 53 }],
    expected: L('ports:', '  - {port: 80} # http', '  - port: 53', 'next: 1'),
  },
  {
    name: 'append: quoted keys are found',
    input: L('"spec":', "  'egress':", '    - a'),
    op: ['append', ['spec', 'egress'], 'b'],
    expected: L('"spec":', "  'egress':", '    - a', '    - b'),
  },
  {
    name: 'append: no final line break (and `y` is quoted: YAML 1.1 reads it as true)',
    input: 'a:\n  - x',
    op: ['append', ['a'], 'y'],
    expected: 'a:\n  - x\n  - "y"',
  },
  {
    name: 'append: strings YAML would misread are quoted',
    input: L('a:', '  - x'),
    op: ['append', ['a'], { name: '{{tenant.name}}', on: 'on', port: '53', note: 'a: b', ok: 'kube-dns' }],
    expected: L('a:', '  - x', '  - name: "{{tenant.name}}"', '    "on": "on"', '    port: "53"', '    note: "a: b"', '    ok: kube-dns'),
  },
  {
    name: 'append: single quotes when the document prefers them',
    input: L("a: 'x'", "b: 'y'", 'c:', '  - z'),
    op: ['append', ['c'], 'true'],
    expected: L("a: 'x'", "b: 'y'", 'c:', '  - z', "  - 'true'"),
  },
  {
    name: 'append: after a literal block scalar item',
    input: L('a:', '  - |', '    line', '', 'b: 1'),
    op: ['append', ['a'], 'z'],
    expected: L('a:', '  - |', '    line', '  - z', '', 'b: 1'),
  },
  {
    name: 'append: a flow sequence inside a flow map',
    input: L('spec: {ports: [80], x: 1}'),
    op: ['append', ['spec', 'ports'], 443],
    expected: L('spec: {ports: [80, 443], x: 1}'),
  },
  {
    name: 'append: a missing key inside a flow map',
    input: L('spec: {x: 1}'),
    op: ['append', ['spec', 'ports'], 443],
    expected: L('spec: {x: 1, ports: [443]}'),
  },
  {
    name: 'append: before a document end marker',
    input: L('a:', '  - x', '...'),
    op: ['append', ['a'], 'z'],
    expected: L('a:', '  - x', '  - z', '...'),
  },
  {
    name: 'append: multi-line flow sequence',
    input: L('a: [1,', '  2]', 'b: 1'),
    op: ['append', ['a'], 3],
    expected: L('a: [1,', '  2, 3]', 'b: 1'),
  },
  {
    name: 'append: after an empty item',
    input: L('a:', '  - b', '  -'),
    op: ['append', ['a'], 'c'],
    expected: L('a:', '  - b', '  -', '  - c'),
  },
  {
    name: 'append: a root sequence',
    input: L('- a', '- b'),
    op: ['append', [], 'c'],
    expected: L('- a', '- b', '- c'),
  },
  {
    name: 'append: a missing key in a mapping whose last value keeps its trailing blank lines (|+)',
    input: L('a:', '  b: |+', '    keep', '', 'c: 1'),
    op: ['append', ['a', 'd'], 1],
    expected: L('a:', '  b: |+', '    keep', '', '  d:', '    - 1', 'c: 1'),
  },
  {
    name: 'append: a null value inside a flow map',
    input: L('a: {b: }'),
    op: ['append', ['a', 'b'], 'x'],
    expected: L('a: {b: [x]}'),
  },
  { name: 'append: refuses through an alias', input: L('base: &b', '  egress: []', 'spec: *b'), op: ['append', ['spec', 'egress'], 'a'], expected: null },
  { name: 'append: refuses an anchored sequence', input: L('a: &x', '  - 1', 'b: *x'), op: ['append', ['a'], 2], expected: null },
  { name: 'append: refuses when the parent is a scalar', input: L('spec: none'), op: ['append', ['spec', 'egress'], 'a'], expected: null },
  { name: 'append: refuses a missing index', input: L('items: []'), op: ['append', ['items', 0, 'x'], 'a'], expected: null },
  { name: 'append: refuses a key a merge may supply', input: L('base: &b {x: [1]}', 'spec:', '  <<: *b', '  y: 1'), op: ['append', ['spec', 'x'], 2], expected: null },
  { name: 'append: refuses a mapping', input: L('a:', '  b: 1'), op: ['append', ['a'], 2], expected: null },

  // setMapValue
  {
    name: 'set: adds a key as the last entry',
    input: L('metadata:', '  name: x', '  labels:', '    team: a  # owner', 'spec: {}'),
    op: ['set', ['metadata', 'labels'], 'env', 'prod'],
    expected: L('metadata:', '  name: x', '  labels:', '    team: a  # owner', '    env: prod', 'spec: {}'),
  },
  {
    name: 'set: replaces an existing value keeping its quotes',
    input: L('metadata:', "  name: 'x' # keep"),
    op: ['set', ['metadata'], 'name', "it's"],
    expected: L('metadata:', "  name: 'it''s' # keep"),
  },
  {
    name: 'set: flow map',
    input: L('matchLabels: {app: web}'),
    op: ['set', ['matchLabels'], 'tier', 'db'],
    expected: L('matchLabels: {app: web, tier: db}'),
  },
  {
    name: 'set: empty flow map in a block becomes a block map',
    input: L('spec:', '  podSelector: {}', '  x: 1'),
    op: ['set', ['spec', 'podSelector'], 'matchLabels', { app: 'web' }],
    expected: L('spec:', '  podSelector:', '    matchLabels:', '      app: web', '  x: 1'),
  },
  {
    name: 'set: null mapping value becomes a block map',
    input: L('metadata:', '  labels: # none', '  name: x'),
    op: ['set', ['metadata', 'labels'], 'a', 'b'],
    expected: L('metadata:', '  labels: # none', '    a: b', '  name: x'),
  },
  {
    name: 'set: creates missing parents',
    input: L('kind: Namespace', 'metadata:', '  name: x'),
    op: ['set', ['metadata', 'labels'], 'pod-security.kubernetes.io/enforce', 'restricted'],
    expected: L('kind: Namespace', 'metadata:', '  name: x', '  labels:', '    pod-security.kubernetes.io/enforce: restricted'),
  },
  {
    name: 'set: a mapping that is a sequence item',
    input: L('to:', '  - podSelector: {}', '    # note', 'x: 1'),
    op: ['set', ['to', 0], 'namespaceSelector', { matchLabels: { a: 'b' } }],
    expected: L('to:', '  - podSelector: {}', '    # note', '    namespaceSelector:', '      matchLabels:', '        a: b', 'x: 1'),
  },
  {
    name: 'set: four spaces and CRLF',
    input: crlf(L('spec:', '    a: 1', 'b: 2')),
    op: ['set', ['spec'], 'list', [1, { x: 'z' }]],
    expected: crlf(L('spec:', '    a: 1', '    list:', '        - 1', '        - x: z', 'b: 2')),
  },
  {
    name: 'set: a top-level key on a document with a --- marker and no final newline',
    input: '---\nkind: X',
    op: ['set', [], 'spec', {}],
    expected: '---\nkind: X\nspec: {}',
  },
  {
    name: 'set: keys that need quotes',
    input: L('a: 1'),
    op: ['set', [], 'key: with colon', 'x'],
    expected: L('a: 1', '"key: with colon": x'),
  },
  {
    name: 'set: an empty document with a --- line',
    input: L('---'),
    op: ['set', [], 'kind', 'Namespace'],
    expected: L('---', 'kind: Namespace'),
  },
  {
    name: 'set: a document of comments only',
    input: L('# namespaces'),
    op: ['set', [], 'kind', 'Namespace'],
    expected: L('# namespaces', 'kind: Namespace'),
  },
  {
    name: 'set: the end of a Capsule rawItem keeps placeholders quoted',
    input: L('spec:', '  resources:', '    - rawItems:', '        - kind: NetworkPolicy', '          metadata:', '            name: "{{tenant.name}}-deny"'),
    op: ['set', ['spec', 'resources', 0, 'rawItems', 0, 'metadata'], 'namespace', '{{namespace}}'],
    expected: L('spec:', '  resources:', '    - rawItems:', '        - kind: NetworkPolicy', '          metadata:', '            name: "{{tenant.name}}-deny"', '            namespace: "{{namespace}}"'),
  },
  { name: 'set: refuses when the mapping is a scalar', input: L('metadata: x'), op: ['set', ['metadata'], 'a', 1], expected: null },
  { name: 'set: refuses a sequence', input: L('metadata: [1]'), op: ['set', ['metadata'], 'a', 1], expected: null },

  // replaceValue
  { name: 'replace: plain scalar', input: L('protocol: udp # lower'), op: ['replace', ['protocol'], 'UDP'], expected: L('protocol: UDP # lower') },
  { name: 'replace: double quotes kept', input: L('port: "http"'), op: ['replace', ['port'], 'dns'], expected: L('port: "dns"') },
  { name: 'replace: plain string that must be quoted', input: L('port: http'), op: ['replace', ['port'], '53'], expected: L('port: "53"') },
  {
    name: 'replace: scalar becomes a block map',
    input: L('spec:', '  podSelector: x # bad', '  y: 1'),
    op: ['replace', ['spec', 'podSelector'], { matchLabels: { app: 'a' } }],
    expected: L('spec:', '  podSelector: # bad', '    matchLabels:', '      app: a', '  y: 1'),
  },
  {
    name: 'replace: block map becomes a scalar, the key comment stays',
    input: L('a: # note', '  b: 1', '  c: 2', 'd: 3'),
    op: ['replace', ['a'], 'x'],
    expected: L('a: x # note', 'd: 3'),
  },
  {
    name: 'replace: non-empty flow map stays flow',
    input: L('sel: {a: b}'),
    op: ['replace', ['sel'], { c: 'd', e: 'f,g' }],
    expected: L('sel: {c: d, e: "f,g"}'),
  },
  {
    name: 'replace: flush block sequence stays flush',
    input: L('a:', '- 1', '- 2', 'b: 1'),
    op: ['replace', ['a'], ['x', 'z']],
    expected: L('a:', '- x', '- z', 'b: 1'),
  },
  {
    name: 'replace: a sequence item becomes a map',
    input: L('to:', '  - x', '  - y'),
    op: ['replace', ['to', 0], { podSelector: {}, namespaceSelector: { matchLabels: { a: 'b' } } }],
    expected: L('to:', '  - podSelector: {}', '    namespaceSelector:', '      matchLabels:', '        a: b', '  - y'),
  },
  {
    name: 'replace: a selector under a List item',
    input: L('items:', '  - spec:', '      podSelector:', '        matchLabels:', '          app: a', '      x: 1'),
    op: ['replace', ['items', 0, 'spec', 'podSelector'], { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }],
    expected: L('items:', '  - spec:', '      podSelector:', '        matchExpressions:', '          - key: app', '            operator: In', '            values:', '              - a', '              - b', '      x: 1'),
  },
  {
    name: 'replace: an item whose content starts below its dash',
    input: L('a:', '  -', '    x: 1', '  - y'),
    op: ['replace', ['a', 0], { z: [1, { q: 2 }] }],
    expected: L('a:', '  -', '    z:', '      - 1', '      - q: 2', '  - y'),
  },
  {
    name: 'replace: a folded block scalar by a plain one',
    input: L('a:', '  b: >-', '    folded', '    more', 'c: 1'),
    op: ['replace', ['a', 'b'], 'x'],
    expected: L('a:', '  b: x', 'c: 1'),
  },
  {
    name: 'replace: a string with a line break is double-quoted even where single quotes were',
    input: L("a: 'x'"),
    op: ['replace', ['a'], 'two\nlines'],
    expected: L('a: "two\\nlines"'),
  },
  { name: 'replace: refuses a missing path', input: L('a: 1'), op: ['replace', ['b'], 2], expected: null },
  { name: 'replace: refuses an explicit tag', input: L('a: !!str 1'), op: ['replace', ['a'], '2'], expected: null },
  { name: 'replace: refuses an alias', input: L('a: &x 1', 'b: *x'), op: ['replace', ['b'], 2], expected: null },

  // removeNode
  {
    name: 'remove: a middle item with the comments under it; the comment above the next item stays',
    input: L('a:', '  - x: 1 # own', '    # under', '  # about y', '  - y: 2', '  - z'),
    op: ['remove', ['a', 0]],
    expected: L('a:', '  # about y', '  - y: 2', '  - z'),
  },
  {
    name: 'remove: a mapping entry',
    input: L('spec:', '  podSelector:', '    matchLabels:', '      a: b', '  policyTypes: [Ingress]'),
    op: ['remove', ['spec', 'podSelector']],
    expected: L('spec:', '  policyTypes: [Ingress]'),
  },
  {
    name: 'remove: the last sequence item leaves [] and keeps the key comment',
    input: L('spec:', '  egress: # all', '    - to: [] # open', '      # more', '  x: 1'),
    op: ['remove', ['spec', 'egress', 0]],
    expected: L('spec:', '  egress: [] # all', '  x: 1'),
  },
  {
    name: 'remove: the last mapping entry leaves {}',
    input: L('labels:', '  a: b', 'x: 1'),
    op: ['remove', ['labels', 'a']],
    expected: L('labels: {}', 'x: 1'),
  },
  { name: 'remove: flow item in the middle', input: L('a: [1, 2, 3]'), op: ['remove', ['a', 1]], expected: L('a: [1, 3]') },
  { name: 'remove: last flow item', input: L('a: {x: 1, y: 2}'), op: ['remove', ['a', 'y']], expected: L('a: {x: 1}') },
  { name: 'remove: only flow item', input: L('a: [1]'), op: ['remove', ['a', 0]], expected: L('a: []') },
  {
    name: 'remove: the first entry of a sequence item map',
    input: L('to:', '  - podSelector: {}', '    namespaceSelector: {}'),
    op: ['remove', ['to', 0, 'podSelector']],
    expected: L('to:', '  - namespaceSelector: {}'),
  },
  { name: 'remove: last line without a line break', input: 'a: 1\nb: 2', op: ['remove', ['b']], expected: 'a: 1' },
  { name: 'remove: CRLF', input: crlf(L('a:', '  - 1', '  - 2')), op: ['remove', ['a', 1]], expected: crlf(L('a:', '  - 1')) },
  {
    name: 'remove: an item keeps the comment above it (it may head more than the item)',
    input: L('x:', '  - a: 1 # one', '  # two', '  - b: 2'),
    op: ['remove', ['x', 1]],
    expected: L('x:', '  - a: 1 # one', '  # two'),
  },
  { name: 'remove: the only item of an inline nested sequence', input: L('- - a'), op: ['remove', [0, 0]], expected: L('- []') },
  { name: 'remove: the first of an inline nested sequence', input: L('- - a', '  - b'), op: ['remove', [0, 0]], expected: L('- - b') },
  { name: 'remove: the first entry of a flow map', input: L('a: {x: 1, y: 2}'), op: ['remove', ['a', 'x']], expected: L('a: {y: 2}') },
  { name: 'remove: the only entry of a sequence item map', input: L('a:', '  - x: 1'), op: ['remove', ['a', 0, 'x']], expected: L('a:', '  - {}') },
  { name: 'remove: refuses a missing node', input: L('a: 1'), op: ['remove', ['b']], expected: null },

  // insertSequenceItem
  {
    name: 'insert: before the first item, above the comment that describes it',
    input: L('egress:', '  # DNS', '  - to: []'),
    op: ['insert', ['egress'], 0, { ports: [] }],
    expected: L('egress:', '  - ports: []', '  # DNS', '  - to: []'),
  },
  { name: 'insert: in the middle', input: L('a:', '- 1', '- 3'), op: ['insert', ['a'], 1, 2], expected: L('a:', '- 1', '- 2', '- 3') },
  { name: 'insert: at the end appends', input: L('a:', '  - 1'), op: ['insert', ['a'], 1, 2], expected: L('a:', '  - 1', '  - 2') },
  { name: 'insert: flow', input: L('a: [1, 3]'), op: ['insert', ['a'], 1, 2], expected: L('a: [1, 2, 3]') },
  { name: 'insert: nested inline sequence', input: L('- - a', '  - b'), op: ['insert', [0], 0, 'z'], expected: L('- - z', '  - a', '  - b') },
  { name: 'insert: refuses an index past the end', input: L('a: [1]'), op: ['insert', ['a'], 3, 2], expected: null },
];

for (const c of cases) test(c.name, () => check(c));

test('the case table covers every operation', () => {
  const ops = new Set(cases.map((c) => c.op[0]));
  assert.deepEqual([...ops].sort(), ['append', 'insert', 'remove', 'replace', 'set']);
  assert.ok(cases.length >= 40);
});

test('edits of one document in a multi-document file, placed at file offsets, leave the others byte-identical', () => {
  const file = crlf(L('# first', 'kind: Namespace', 'metadata:', '  name: a', '---', 'kind: List', 'items:', '  - kind: NetworkPolicy', '    spec:', '      podSelector: {}', '---', 'kind: Other'));
  const chunks = splitDocuments(file);
  assert.equal(chunks.length, 3);
  const second = chunks[1];
  const edits = placeEdits(appendToSequence(parseChunk(second.text), ['items', 0, 'spec', 'policyTypes'], 'Egress'), second.start);
  const out = applyEdits(file, edits);
  assert.equal(out, file.replace('      podSelector: {}\r\n', '      podSelector: {}\r\n      policyTypes:\r\n        - Egress\r\n'));
  assert.ok(out.startsWith(chunks[0].text) && out.endsWith(chunks[2].text));
});

// appendDocument

const NS = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };

test('appendDocument: separator after a final line break', () => {
  const text = L('a: 1');
  const e = appendDocument(text, NS);
  assert.equal(applyEdits(text, [e]), L('a: 1', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: team-a'));
});

test('appendDocument: a line break first when the file has none, and a comment line', () => {
  const e = appendDocument('a: 1', { kind: 'X' }, undefined, 'Added by tenant-policy');
  assert.equal(applyEdits('a: 1', [e]), 'a: 1\n---\n# Added by tenant-policy\nkind: X\n');
});

test('appendDocument: empty and whitespace-only files get no separator', () => {
  assert.equal(applyEdits('', [appendDocument('', { kind: 'X' })]), 'kind: X\n');
  assert.equal(applyEdits('  \n\n', [appendDocument('  \n\n', { kind: 'X' })]), 'kind: X\n');
});

test('appendDocument: a trailing --- line is reused', () => {
  assert.equal(applyEdits('a: 1\n---\n', [appendDocument('a: 1\n---\n', { kind: 'X' })]), 'a: 1\n---\nkind: X\n');
});

test('appendDocument: CRLF and the indentation style of the file', () => {
  const text = crlf(L('spec:', '    list:', '    - 1'));
  const out = applyEdits(text, [appendDocument(text, { spec: { list: [1] } })]);
  assert.equal(out, crlf(L('spec:', '    list:', '    - 1', '---', 'spec:', '    list:', '    - 1')));
  const explicit = applyEdits('a: 1\n', [appendDocument('a: 1\n', { s: { l: ['x'] } }, { indent: 4, indentSequences: false })]);
  assert.equal(explicit, L('a: 1', '---', 's:', '    l:', '    - x'));
});

// renderBlock, detectStyle, placeEdits

const STYLE: EditStyle = { indent: 2, indentSequences: true, quote: '"', newline: '\n' };

test('renderBlock: nested values, empty collections, quoting', () => {
  assert.equal(renderBlock({ a: { b: [1, { c: null, d: true }] }, e: {}, f: [] }, 2, STYLE), L('  a:', '    b:', '      - 1', '      - c: null', '        d: true', '  e: {}', '  f: []'));
  assert.equal(renderBlock([[1, 2], []], 0, STYLE), L('- - 1', '  - 2', '- []'));
  assert.equal(renderBlock({}, 4, STYLE), '    {}\n');
  // `y`/`n` too: Kubernetes decodes YAML 1.1, where they are booleans.
  const quoted = ['', 'y', 'N', 'yes', 'No', 'off', 'null', '~', '1.5', '0x1F', '012', '1e3', '.inf', '2024-01-02', '- x', '#x', 'a #b', 'x:', 'a: b', ' lead', 'trail ', '{{tenant.name}}', '*', '&a', '!t', '|', '>', '%x', '@x', '`x', '"x', "'x", '...'];
  for (const s of quoted) {
    const text = renderBlock({ k: s }, 0, STYLE);
    assert.notEqual(text, `k: ${s}\n`, `${JSON.stringify(s)} must be quoted`);
    assert.deepEqual(parseChunk(text).doc.toJS(), { k: s });
  }
  for (const s of ['kube-dns', 'team-a', '10.0.0.0/8', 'a{b}', 'kubernetes.io/metadata.name', 'TCP', 'x y']) {
    assert.equal(renderBlock({ k: s }, 0, STYLE), `k: ${s}\n`);
  }
  assert.equal(renderBlock({ s: 'a\nb', t: "it's" }, 0, { ...STYLE, quote: "'" }), L('s: "a\\nb"', 't: it\'s'));
});

test('property: random tricky strings round-trip through block and flow rendering, keys and values', () => {
  const r = prng(7);
  const alphabet = ['a', 'Z', '0', '1', '.', '-', ':', ' ', '#', ',', '[', ']', '{', '}', '"', "'", '\\', '!', '&', '*', '?', '|', '>', '%', '@', '`', '~', '\n', '\t', 'é', '+', 'e', 'x', '_', '='];
  for (let i = 0; i < 3000; i++) {
    const length = Math.floor(r() * 6);
    let str = '';
    for (let j = 0; j < length; j++) str += alphabet[Math.floor(r() * alphabet.length)];
    for (const style of [STYLE, { ...STYLE, quote: "'" as const }]) {
      const block = renderBlock({ [str]: str, list: [str] }, 0, style);
      const flow = `x: ${renderFlowOf({ [str]: [str] }, style)}\n`;
      for (const text of [block, flow]) {
        const parsed = parseChunk(text);
        assert.deepEqual(parsed.errors.map((e) => e.message), [], `${JSON.stringify(str)}: ${text}`);
        const want = text === block ? { [str]: str, list: [str] } : { x: { [str]: [str] } };
        assert.deepEqual(parsed.doc.toJS(), want, `${JSON.stringify(str)}: ${text}`);
      }
    }
  }
});

test('detectStyle: defaults, four spaces, flush sequences, single quotes, CRLF', () => {
  assert.deepEqual(detectStyle(parseChunk('a: 1\n')), STYLE);
  assert.deepEqual(detectStyle(parseChunk(crlf(L('a:', '    b:', '    - x', "    c: 'q'")))), { indent: 4, indentSequences: false, quote: "'", newline: '\r\n' });
  assert.deepEqual(detectStyle(parseChunk(L('a:', '  - x', 'b:', '  c: "q"'))), STYLE);
});

test('applyEdits: insertions at one offset keep their order, as LSP applies them', () => {
  const text = L('spec:', '  policyTypes:', '    - Ingress');
  const parsed = parseChunk(text);
  const edits = [...appendToSequence(parsed, ['spec', 'policyTypes'], 'Egress'), ...appendToSequence(parsed, ['spec', 'egress'], { to: [] })];
  assert.equal(edits[0].span.start, edits[1].span.start);
  assert.equal(applyEdits(text, edits), L('spec:', '  policyTypes:', '    - Ingress', '    - Egress', '  egress:', '    - to: []'));
});

test('placeEdits shifts spans to file offsets', () => {
  assert.deepEqual(placeEdits([{ span: { start: 1, end: 3 }, newText: 'x' }], 10), [{ span: { start: 11, end: 13 }, newText: 'x' }]);
});

// Property test: random documents (written by the `yaml` package, with numbered comment lines and random
// style), random append/set operations; the result must re-parse to the expected value and keep every
// comment, and the text around a pure insertion must be untouched.

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['a', 'b', 'egress', 'to', 'ports', 'on', 'yes', '53', 'x y', '{{tenant.name}}', 'k: v', 'team-a', 'null', ''];

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 2 || k < 0.35) {
    const s = r();
    if (s < 0.2) return Math.floor(r() * 100);
    if (s < 0.3) return r() < 0.5;
    return WORDS[Math.floor(r() * WORDS.length)];
  }
  if (k < 0.65) return Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomValue(r, depth + 1));
  const out: Record<string, unknown> = {};
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) out[WORDS[Math.floor(r() * 9)] + (i ? i : '')] = randomValue(r, depth + 1);
  return out;
}

/** A random block document from the `yaml` package's writer: some collections in flow style, numbered comment lines and end-of-line comments, blank lines. */
function randomDocument(r: () => number): { text: string; comments: number } {
  const value = { root: randomValue(r, 0), other: randomValue(r, 1) };
  const doc = new Document(value);
  visit(doc, {
    Map(_k, node) { if (r() < 0.12) node.flow = true; },
    Seq(_k, node) { if (r() < 0.12) node.flow = true; },
  });
  let text = doc.toString({ indent: r() < 0.5 ? 2 : 4, indentSeq: r() < 0.5, lineWidth: 0, flowCollectionPadding: false });
  let n = 0;
  text = text
    .split('\n')
    .map((line) => {
      if (!line.trim()) return line;
      let out = line;
      if (r() < 0.15) out += ` # c${n++}`;
      if (r() < 0.25) out = `${' '.repeat(line.length - line.trimStart().length)}# c${n++}\n${out}`;
      if (r() < 0.05) out = `\n${out}`;
      return out;
    })
    .join('\n');
  if (r() < 0.3) text += `# c${n++}\n`;
  if (r() < 0.2) text = text.replace(/\n$/, '');
  if (r() < 0.2) text = crlf(text);
  return { text, comments: n };
}

/** Paths to every node in a value, with what it is. */
function nodes(value: unknown, path: Seg[] = [], out: { path: Seg[]; kind: 'map' | 'seq' | 'scalar' }[] = []) {
  if (Array.isArray(value)) {
    out.push({ path, kind: 'seq' });
    value.forEach((v, i) => nodes(v, [...path, i], out));
  } else if (value && typeof value === 'object') {
    out.push({ path, kind: 'map' });
    for (const [k, v] of Object.entries(value)) nodes(v, [...path, k], out);
  } else out.push({ path, kind: 'scalar' });
  return out;
}

function randomOp(r: () => number, base: unknown): Op {
  const all = nodes(base);
  const target = all[Math.floor(r() * all.length)];
  const item = randomValue(r, 1);
  const pick = r();
  if (target.path.length > 0 && pick < 0.15) return ['remove', target.path];
  if (target.path.length > 0 && pick < 0.3) return ['replace', target.path, item];
  if (target.kind === 'seq') {
    const length = (nodeAt(base, target.path) as unknown[]).length;
    return r() < 0.5 ? ['append', target.path, item] : ['insert', target.path, Math.floor(r() * (length + 1)), item];
  }
  if (target.kind === 'map') {
    if (r() < 0.3) return ['append', [...target.path, 'fresh', 'list'], item];
    return ['set', target.path, 'fresh', item];
  }
  // A scalar: replace it (remove when it is the root's own value would empty the document).
  return target.path.length ? ['replace', target.path, item] : ['set', [], 'fresh', item];
}

test('property: random documents and operations re-parse to the expected value, comments and untouched text kept', () => {
  const r = prng(20240611);
  let checked = 0;
  for (let iter = 0; iter < 600; iter++) {
    const { text, comments } = randomDocument(r);
    const parsed = parseChunk(text);
    assert.deepEqual(parsed.errors, [], text);
    const base = parsed.doc.toJS();
    const op = randomOp(r, base);
    const edits = run(text, op);
    const context = `${JSON.stringify(op)}\n${text}`;
    assert.ok(edits.length > 0, `no edits for ${context}`);
    const out = applyEdits(text, edits);
    const re = parseChunk(out);
    assert.deepEqual(re.errors.map((e) => e.message), [], `${context}\n=>\n${out}`);
    assert.deepEqual(re.doc.toJS(), model(base, op), `${context}\n=>\n${out}`);
    // Removing or replacing a node drops the comments inside it; adding keeps every one.
    if (op[0] === 'append' || op[0] === 'insert' || op[0] === 'set') {
      for (let i = 0; i < comments; i++) assert.match(out, new RegExp(`# c${i}(\\r?\\n|$)`), `comment c${i} lost: ${context}\n=>\n${out}`);
    }
    for (const e of edits) {
      assert.equal(out.slice(0, e.span.start), text.slice(0, e.span.start));
      assert.equal(out.slice(out.length - (text.length - e.span.end)), text.slice(e.span.end));
    }
    if (text.includes('\r\n')) assert.doesNotMatch(out, /[^\r]\n/, `CRLF kept: ${context}\n=>\n${out}`);
    checked++;
  }
  assert.equal(checked, 600);
});

function nodeAt(value: unknown, path: Seg[]): unknown {
  let v = value;
  for (const s of path) v = (v as Record<string, unknown>)[s as string];
  return v;
}
