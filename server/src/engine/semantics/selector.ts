// Kubernetes label selectors (apimachinery labels.Selector): matchLabels and the four matchExpressions
// operators, ANDed. `{}` selects everything. Selectors that cannot be evaluated (an unknown operator,
// In/NotIn without values) are modelled as matching nothing and flagged `invalid`, so the caller marks
// the verdicts they touch as uncertain instead of presenting them as right.
import { isObj } from '../plain';
import type { LabelSelector, Labels, SelectorOperator, SelectorRequirement } from '../model/types';

export const EMPTY_SELECTOR: LabelSelector = Object.freeze({ matchLabels: {}, matchExpressions: [] }) as LabelSelector;

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function isOperator(op: unknown): op is SelectorOperator {
  return typeof op === 'string' && (OPERATORS as readonly string[]).includes(op);
}

/** True when the selector selects everything (`{}`). */
export function isEmptySelector(sel: LabelSelector): boolean {
  return !sel.invalid && sel.matchExpressions.length === 0 && Object.keys(sel.matchLabels).length === 0;
}

function matchesRequirement(labels: Labels, req: SelectorRequirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && req.values.includes(labels[req.key]);
    case 'NotIn':
      // Kubernetes: a pod without the key matches NotIn.
      return !has || !req.values.includes(labels[req.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** Does the selector match these labels? An invalid selector matches nothing. */
export function matchesSelector(sel: LabelSelector, labels: Labels): boolean {
  if (sel.invalid) return false;
  for (const key in sel.matchLabels) {
    if (!Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== sel.matchLabels[key]) return false;
  }
  for (const req of sel.matchExpressions) if (!matchesRequirement(labels, req)) return false;
  return true;
}

/**
 * A canonical text of the selector: equal texts select the same label sets. Used to share the work of
 * evaluating one selector among the many policies that repeat it.
 */
const keys = new WeakMap<LabelSelector, string>();

export function selectorKey(sel: LabelSelector): string {
  let key = keys.get(sel);
  if (key === undefined) {
    key = computeSelectorKey(sel);
    keys.set(sel, key);
  }
  return key;
}

function computeSelectorKey(sel: LabelSelector): string {
  if (sel.invalid) return '!invalid';
  if (sel.matchExpressions.length === 0) {
    // The common case, without sorting and quoting: keys and values cannot hold '\u0000'.
    const keys = Object.keys(sel.matchLabels);
    if (keys.length <= 1) return keys.length === 0 ? '{}' : `{${keys[0]}\u0000${sel.matchLabels[keys[0]]}}`;
  }
  const labels = Object.keys(sel.matchLabels)
    .sort()
    .map((k) => `${JSON.stringify(k)}=${JSON.stringify(sel.matchLabels[k])}`);
  const exprs = sel.matchExpressions
    .map((r) => `${JSON.stringify(r.key)} ${r.operator} ${JSON.stringify([...new Set(r.values)].sort())}`)
    .sort();
  return `{${[...new Set([...labels, ...exprs])].join(',')}}`;
}

/** The selector as a user reads it: `app=web, tier in (a,b), !legacy`; `{}` reads "all". */
export function selectorText(sel: LabelSelector): string {
  if (sel.invalid) return '(invalid selector)';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels).sort()) parts.push(`${k}=${sel.matchLabels[k]}`);
  for (const r of sel.matchExpressions) {
    switch (r.operator) {
      case 'In':
        parts.push(`${r.key} in (${r.values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${r.key} notin (${r.values.join(',')})`);
        break;
      case 'Exists':
        parts.push(r.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${r.key}`);
        break;
    }
  }
  return parts.length === 0 ? 'all' : parts.join(', ');
}

export interface SelectorParse {
  selector: LabelSelector;
  /** Paths (relative to the selector) of the parts that could not be read. */
  problems: { path: (string | number)[]; reason: string }[];
}


/**
 * A selector from plain values. `null`/absent reads as `{}` (the caller decides what absence means).
 * Label values that are not strings (YAML `true`, `1`) are read as the API server's strict decoder would
 * refuse them: the part is invalid.
 */
export function parseSelector(value: unknown): SelectorParse {
  const problems: SelectorParse['problems'] = [];
  const matchLabels: Labels = {};
  const matchExpressions: SelectorRequirement[] = [];
  if (value === undefined || value === null) return { selector: { matchLabels, matchExpressions }, problems };
  if (!isObj(value)) {
    problems.push({ path: [], reason: 'the selector is not a mapping' });
    return { selector: { matchLabels, matchExpressions, invalid: true }, problems };
  }
  const ml = value.matchLabels;
  if (isObj(ml)) {
    for (const [k, v] of Object.entries(ml)) {
      if (typeof v === 'string') matchLabels[k] = v;
      else problems.push({ path: ['matchLabels', k], reason: `the value of ${k} is not a string` });
    }
  } else if (ml !== undefined && ml !== null) problems.push({ path: ['matchLabels'], reason: 'matchLabels is not a mapping' });
  const me = value.matchExpressions;
  if (Array.isArray(me)) {
    me.forEach((req, i) => {
      if (!isObj(req) || typeof req.key !== 'string') {
        problems.push({ path: ['matchExpressions', i], reason: 'the requirement has no key' });
        return;
      }
      if (!isOperator(req.operator)) {
        problems.push({ path: ['matchExpressions', i, 'operator'], reason: `unknown operator ${JSON.stringify(req.operator)}` });
        return;
      }
      const raw = req.values;
      const values = Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
      if (Array.isArray(raw) && values.length !== raw.length) {
        problems.push({ path: ['matchExpressions', i, 'values'], reason: 'a value is not a string' });
        return;
      }
      const needs = req.operator === 'In' || req.operator === 'NotIn';
      if (needs !== values.length > 0) {
        problems.push({ path: ['matchExpressions', i], reason: needs ? `${req.operator} needs values` : `${req.operator} takes no values` });
        return;
      }
      matchExpressions.push({ key: req.key, operator: req.operator, values });
    });
  } else if (me !== undefined && me !== null) problems.push({ path: ['matchExpressions'], reason: 'matchExpressions is not a list' });
  const selector: LabelSelector = { matchLabels, matchExpressions };
  if (problems.length > 0) selector.invalid = true;
  return { selector, problems };
}
