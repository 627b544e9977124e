// fixAllEdits: which fixes "fix all" (source.fixAll.tenantPolicy, "Fix all <rule> problems") applies.
// Each case is a text, the findings on it (spans given by the text they cover) and the text after the
// selected edits are applied, with the findings fixed and skipped. The LSP side is test/lsp/fix-all.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixAllEdits, type Finding, type Fix, type TextEdit } from '../../server/src/engine';

const TEXT = `labels:
  pod-security.kubernetes.io/enforce: Restricted
  pod-security.kubernetes.io/warn: BASELINE
  pod-security.kubernetes.io/audit: restricted
`;

/** An edit replacing the `nth` occurrence (0-based) of `needle` in TEXT. */
function edit(needle: string, newText: string, nth = 0): TextEdit {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = TEXT.indexOf(needle, start + 1);
  assert.ok(start >= 0, `${needle} #${nth} in the text`);
  return { span: { start, end: start + needle.length }, newText };
}

function insertAfter(needle: string, newText: string): TextEdit {
  const at = TEXT.indexOf(needle) + needle.length;
  return { span: { start: at, end: at }, newText };
}

function finding(ruleId: string, at: TextEdit, fixes: Fix[]): Finding {
  return { ruleId, messageId: 'm', severity: 'error', span: at.span, message: ruleId, fixes };
}

const safe = (title: string, ...edits: TextEdit[]): Fix => ({ title, edits, fixAll: true });
const unsafe = (title: string, ...edits: TextEdit[]): Fix => ({ title, edits });

function apply(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

interface Case {
  name: string;
  findings: Finding[];
  ruleId?: string;
  /** TEXT after the edits. */
  expected: string;
  fixed: string[];
  skipped: string[];
}

const enforce = edit('Restricted', 'restricted');
const warn = edit('BASELINE', 'baseline');

const CASES: Case[] = [
  {
    name: 'two disjoint safe fixes are both applied',
    findings: [finding('a', enforce, [safe('lower', enforce)]), finding('b', warn, [safe('lower', warn)])],
    expected: TEXT.replace('Restricted', 'restricted').replace('BASELINE', 'baseline'),
    fixed: ['a', 'b'],
    skipped: [],
  },
  {
    name: 'a finding without a safe fix is left alone',
    findings: [finding('a', enforce, [unsafe('privileged', edit('Restricted', 'privileged'))]), finding('b', warn, [safe('lower', warn)])],
    expected: TEXT.replace('BASELINE', 'baseline'),
    fixed: ['b'],
    skipped: [],
  },
  {
    name: 'the first safe fix of a finding is taken, not its first fix',
    findings: [finding('a', enforce, [unsafe('privileged', edit('Restricted', 'privileged')), safe('lower', enforce), safe('baseline', edit('Restricted', 'baseline'))])],
    expected: TEXT.replace('Restricted', 'restricted'),
    fixed: ['a'],
    skipped: [],
  },
  {
    name: 'overlapping fixes: the first in document order wins, the other waits for the next run',
    findings: [finding('value', warn, [safe('lower', warn)]), finding('line', edit('pod-security.kubernetes.io/warn', ''), [safe('drop', edit('  pod-security.kubernetes.io/warn: BASELINE', '  # removed'))])],
    expected: TEXT.replace('  pod-security.kubernetes.io/warn: BASELINE', '  # removed'),
    fixed: ['line'],
    skipped: ['value'],
  },
  {
    name: 'two insertions at one offset collide (their order would be arbitrary)',
    findings: [
      finding('first', enforce, [safe('comment', insertAfter('Restricted', ' # one'))]),
      finding('second', enforce, [safe('comment', insertAfter('Restricted', ' # two'))]),
    ],
    expected: TEXT.replace('Restricted', 'Restricted # one'),
    fixed: ['first'],
    skipped: ['second'],
  },
  {
    name: 'the same edit from two findings is applied once and fixes both',
    findings: [finding('udp', enforce, [safe('lower', enforce)]), finding('tcp', enforce, [safe('lower', { ...enforce })])],
    expected: TEXT.replace('Restricted', 'restricted'),
    fixed: ['tcp', 'udp'],
    skipped: [],
  },
  {
    name: 'a fix with several edits is taken whole or not at all',
    findings: [
      finding('one', warn, [safe('lower', warn)]),
      finding('two', enforce, [safe('both', enforce, edit('BASELINE', 'restricted'))]),
    ],
    // `two` starts earlier in the document, so it is taken; `one` edits the same value.
    expected: TEXT.replace('Restricted', 'restricted').replace('BASELINE', 'restricted'),
    fixed: ['two'],
    skipped: ['one'],
  },
  {
    name: 'a fix whose own edits overlap is refused',
    findings: [finding('self', enforce, [safe('twice', enforce, edit('Restricted', 'RESTRICTED'))])],
    expected: TEXT,
    fixed: [],
    skipped: ['self'],
  },
  {
    name: 'one rule only: "Fix all <rule> problems in this file"',
    ruleId: 'psa',
    findings: [finding('psa', enforce, [safe('lower', enforce)]), finding('other', warn, [safe('lower', warn)]), finding('psa', edit('restricted', 'x'), [safe('x', edit('restricted', 'x'))])],
    expected: TEXT.replace('Restricted', 'restricted').replace('audit: restricted', 'audit: x'),
    fixed: ['psa', 'psa'],
    skipped: [],
  },
  {
    name: 'a safe fix with no edits changes nothing',
    findings: [finding('empty', enforce, [safe('nothing')])],
    expected: TEXT,
    fixed: [],
    skipped: [],
  },
];

for (const c of CASES) {
  test(`fixAllEdits: ${c.name}`, () => {
    const result = fixAllEdits(c.findings, c.ruleId);
    assert.equal(apply(TEXT, result.edits), c.expected);
    assert.deepEqual(result.fixed.map((f) => f.ruleId), c.fixed);
    assert.deepEqual(result.skipped.map((f) => f.ruleId), c.skipped);
    // The edits come sorted and never overlap: what LSP requires of one WorkspaceEdit.
    for (let i = 1; i < result.edits.length; i++) assert.ok(result.edits[i - 1].span.end <= result.edits[i].span.start, 'sorted, disjoint edits');
  });
}

test('fixAllEdits: the outcome does not depend on the order the findings arrive in', () => {
  for (const c of CASES) {
    const forward = fixAllEdits(c.findings, c.ruleId);
    const backward = fixAllEdits([...c.findings].reverse(), c.ruleId);
    assert.deepEqual(backward.edits, forward.edits, c.name);
  }
});
