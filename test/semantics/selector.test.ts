// Label selectors as apimachinery evaluates them: matchLabels and In, NotIn, Exists, DoesNotExist, ANDed;
// `{}` (and an absent selector, read as `{}` where the API gives absence that meaning) selects all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesSelector, parseSelector, selectorKey } from '../../server/src/engine/semantics/selector';

const CASES: { name: string; selector: unknown; labels: Record<string, string>; match: boolean }[] = [
  { name: '{} selects a pod without labels', selector: {}, labels: {}, match: true },
  { name: '{} selects any pod', selector: {}, labels: { app: 'web' }, match: true },
  { name: 'null reads as {}', selector: null, labels: { app: 'web' }, match: true },
  { name: 'matchLabels: equal value', selector: { matchLabels: { app: 'web' } }, labels: { app: 'web', tier: 'fe' }, match: true },
  { name: 'matchLabels: other value', selector: { matchLabels: { app: 'web' } }, labels: { app: 'db' }, match: false },
  { name: 'matchLabels: key missing', selector: { matchLabels: { app: 'web' } }, labels: {}, match: false },
  { name: 'matchLabels: every label must match', selector: { matchLabels: { app: 'web', tier: 'fe' } }, labels: { app: 'web' }, match: false },
  { name: 'In: value listed', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, labels: { app: 'api' }, match: true },
  { name: 'In: value not listed', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, labels: { app: 'db' }, match: false },
  { name: 'In: key missing', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, labels: {}, match: false },
  { name: 'NotIn: other value', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels: { app: 'db' }, match: true },
  { name: 'NotIn: key missing matches', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels: {}, match: true },
  { name: 'NotIn: listed value', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels: { app: 'web' }, match: false },
  { name: 'Exists: key with an empty value', selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels: { app: '' }, match: true },
  { name: 'Exists: key missing', selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels: { other: 'x' }, match: false },
  { name: 'DoesNotExist: key missing', selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels: { other: 'x' }, match: true },
  { name: 'DoesNotExist: key present', selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels: { app: 'x' }, match: false },
  {
    name: 'matchLabels AND matchExpressions',
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
    labels: { app: 'web', env: 'prod' },
    match: false,
  },
  {
    name: 'two requirements on one key are ANDed',
    selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }, { key: 'env', operator: 'NotIn', values: ['b'] }] },
    labels: { env: 'b' },
    match: false,
  },
  // What cannot be evaluated matches nothing and is flagged, so verdicts become uncertain.
  { name: 'unknown operator', selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }, labels: { app: 'web' }, match: false },
  { name: 'In without values', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, labels: { app: 'web' }, match: false },
  { name: 'Exists with values', selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] }, labels: { app: 'x' }, match: false },
  { name: 'a label value that is not a string', selector: { matchLabels: { enabled: true } }, labels: { enabled: 'true' }, match: false },
];

for (const c of CASES) {
  test(`selector: ${c.name}`, () => {
    const { selector } = parseSelector(c.selector);
    assert.equal(matchesSelector(selector, c.labels), c.match);
  });
}

test('selector: unreadable parts are flagged invalid with their path', () => {
  const parsed = parseSelector({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] });
  assert.equal(parsed.selector.invalid, true);
  assert.deepEqual(parsed.problems.map((p) => p.path), [['matchExpressions', 0, 'operator']]);
  assert.equal(parseSelector({ matchLabels: { a: 'b' } }).selector.invalid, undefined);
});

test('selector: equal selectors share a key whatever the order they are written in', () => {
  const a = parseSelector({ matchLabels: { x: '1', y: '2' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['b', 'a'] }] }).selector;
  const b = parseSelector({ matchLabels: { y: '2', x: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }] }).selector;
  assert.equal(selectorKey(a), selectorKey(b));
  assert.notEqual(selectorKey(parseSelector({ matchLabels: { x: '1' } }).selector), selectorKey(parseSelector({ matchLabels: { x: '2' } }).selector));
  assert.notEqual(selectorKey(parseSelector({}).selector), selectorKey(parseSelector({ matchLabels: { x: '' } }).selector));
});
