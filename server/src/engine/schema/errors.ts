// ajv's errors → findings in plain words on the exact node. ajv reports every failed branch of a
// oneOf/anyOf; those are first reduced to what a person would fix (one branch, or "set exactly one
// of …"), then each remaining error becomes one finding with quick fixes where the fix is clear.
import type { ErrorObject } from 'ajv';
import { isScalar } from 'yaml';
import type { Fix } from '../types';
import { closest } from './suggest';
import { ciliumSlip } from '../rules/cilium-field-misplaced';
import { fieldName, humanPath, scalarText, show, type Reporter, type Seg } from './report';

export interface SchemaErrorContext {
  reporter: Reporter;
  /** Path of the validated object inside the document (a List item, a rawItem, or the root). */
  base: Seg[];
  kind: string;
  /** The plain value that was validated: instance paths are relative to it. */
  value: unknown;
  isPatch: boolean;
}

type Err = ErrorObject & { schema?: unknown; parentSchema?: Record<string, unknown>; data?: unknown };

export function reportSchemaErrors(ctx: SchemaErrorContext, errors: readonly ErrorObject[]): void {
  const all = errors as Err[];
  // A misspelt field is one mistake: "unknown field polcyTypes, did you mean policyTypes?" also
  // explains why a required field is missing, or why none of a oneOf's alternatives is set.
  const unknownAt = new Map<string, Set<string>>();
  for (const e of all) {
    if (e.keyword !== 'additionalProperties') continue;
    const candidates = Object.keys((e.parentSchema?.properties ?? {}) as Record<string, unknown>);
    const meant = unknownAt.get(e.instancePath) ?? new Set<string>();
    for (const s of closest(String((e.params as { additionalProperty: string }).additionalProperty), candidates)) meant.add(s);
    unknownAt.set(e.instancePath, meant);
  }
  const remaining = denoise(ctx, all, unknownAt);
  // A value of the wrong type fails its format and range checks too; the type error says it all. A
  // list that must be empty needs no findings about its items.
  const typed = new Set(remaining.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const mustBeEmpty = remaining.filter((e) => e.keyword === 'maxItems' && Number((e.params as { limit: number }).limit) === 0).map((e) => `${e.instancePath}/`);
  for (const e of remaining) {
    if (e.keyword !== 'type' && typed.has(e.instancePath)) continue;
    if (mustBeEmpty.some((p) => e.instancePath.startsWith(p))) continue;
    if (e.keyword === 'required' && unknownAt.get(e.instancePath)?.has(String((e.params as { missingProperty: string }).missingProperty))) continue;
    reportOne(ctx, e);
  }
}

// ---------------------------------------------------------------------------------------------------
// oneOf / anyOf

interface PresenceBranch {
  name: string;
}

/** A branch like `{properties: {x: {}}, required: [x]}`: CRDs use these to say "one of these fields". */
function presenceBranches(schema: unknown): PresenceBranch[] | undefined {
  if (!Array.isArray(schema) || schema.length < 2) return undefined;
  const out: PresenceBranch[] = [];
  for (const b of schema) {
    if (!b || typeof b !== 'object') return undefined;
    const keys = Object.keys(b);
    const req = (b as { required?: unknown }).required;
    if (!Array.isArray(req) || req.length !== 1 || typeof req[0] !== 'string') return undefined;
    if (keys.some((k) => k !== 'required' && k !== 'properties')) return undefined;
    out.push({ name: req[0] });
  }
  return out;
}

function denoise(ctx: SchemaErrorContext, errors: Err[], unknownAt: Map<string, Set<string>>): Err[] {
  const combinators = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  if (combinators.length === 0) return errors;
  const removed = new Set<Err>();
  const added: Err[] = [];
  for (const c of combinators) {
    if (removed.has(c)) continue;
    removed.add(c);
    const prefix = `${c.schemaPath}/`;
    const branchSchemas = Array.isArray(c.schema) ? c.schema : [];
    const branches: Err[][] = branchSchemas.map(() => []);
    for (const e of errors) {
      if (e === c || removed.has(e) || !e.schemaPath.startsWith(prefix)) continue;
      const idx = parseInt(e.schemaPath.slice(prefix.length), 10);
      if (branches[idx]) branches[idx].push(e);
      else removed.add(e);
    }
    const presence = presenceBranches(c.schema);
    if (presence) {
      for (const b of branches) for (const e of b) removed.add(e);
      reportPresence(ctx, c, presence.map((p) => p.name), unknownAt.has(c.instancePath));
      continue;
    }
    const passing = (c.params as { passingSchemas?: number[] | null }).passingSchemas;
    if (Array.isArray(passing) && passing.length > 1) {
      for (const b of branches) for (const e of b) removed.add(e);
      continue;
    }
    const mismatched = branches.map((b) => b.some((e) => e.keyword === 'type' && e.instancePath === c.instancePath));
    if (branches.length > 0 && mismatched.every(Boolean)) {
      const types = new Set<string>();
      for (const b of branches) {
        for (const e of b) {
          removed.add(e);
          if (e.keyword === 'type' && e.instancePath === c.instancePath) {
            const t = (e.params as { type: string | string[] }).type;
            for (const x of Array.isArray(t) ? t : String(t).split(',')) types.add(x);
          }
        }
      }
      added.push({ ...c, keyword: 'type', params: { type: [...types] } } as Err);
      continue;
    }
    let best = -1;
    for (let i = 0; i < branches.length; i++) {
      if (mismatched[i]) continue;
      if (best === -1 || branches[i].length < branches[best].length) best = i;
    }
    branches.forEach((b, i) => {
      if (i !== best) for (const e of b) removed.add(e);
    });
  }
  return [...errors.filter((e) => !removed.has(e)), ...added];
}

function reportPresence(ctx: SchemaErrorContext, c: Err, names: string[], hasUnknownFields: boolean): void {
  const { reporter } = ctx;
  const segs = decode(c.instancePath, ctx.value);
  const path = [...ctx.base, ...segs];
  const data = c.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return;
  // A field written with no value is unset (the API server prunes nulls before validating CRDs).
  const set = names.filter((n) => data[n] !== undefined && data[n] !== null);
  const list = orList(names.map((n) => `"${n}"`));
  if (c.keyword === 'oneOf') {
    if (set.length === 1) return;
    if (set.length === 0) {
      if (ctx.isPatch || hasUnknownFields) return;
      reporter.add('schema', 'missingOneOf', reporter.keySpan(path, ctx.base),
        `${where(ctx, segs, true)} must set exactly one of ${list}; it sets none.`);
    } else {
      reporter.add('schema', 'exclusiveFields', reporter.mapKeySpan(path, set[1], ctx.base),
        `${where(ctx, segs, true)} must set exactly one of ${list}; it sets ${andList(set.map((n) => `"${n}"`))}.`);
    }
    return;
  }
  if (set.length > 0 || ctx.isPatch || hasUnknownFields) return;
  reporter.add('schema', 'missingOneOf', reporter.keySpan(path, ctx.base),
    `${where(ctx, segs, true)} must set at least one of ${list}.`);
}

// ---------------------------------------------------------------------------------------------------
// One error

function reportOne(ctx: SchemaErrorContext, e: Err): void {
  const { reporter } = ctx;
  const segs = decode(e.instancePath, ctx.value);
  const path = [...ctx.base, ...segs];
  const data = e.data;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(params.additionalProperty);
      // Strategic-merge directives ($patch, $retainKeys, $setElementOrder/…) are what make a patch.
      if (ctx.isPatch && prop.startsWith('$')) return;
      // A known Cilium slip (toEndpoints under ingress, fromNamespaces…) gets one diagnostic with the
      // right fix from cilium-field-misplaced, not a "closest key" guess.
      if (ciliumSlip(ctx.kind, segs, prop)) return;
      const properties = (e.parentSchema?.properties ?? {}) as Record<string, unknown>;
      const candidates = Object.keys(properties);
      const present = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
      const suggestions = closest(prop, candidates);
      const span = reporter.mapKeySpan(path, prop, ctx.base);
      const keyNode = reporter.locate([...path, prop]).keyNode;
      const keyScalar = isScalar(keyNode) ? keyNode : undefined;
      const fixable = suggestions.filter((s) => !(s in present));
      const fixes: Fix[] = fixable.map((s) => {
        const fix: Fix = { title: `Rename to "${s}"`, edits: [{ span, newText: scalarText(s, keyScalar) }] };
        if (fixable.length === 1) fix.isPreferred = true;
        return fix;
      });
      let message = `Unknown field "${prop}" ${segs.length ? `in ${ctx.kind} ${humanPath(segs)}` : `at the top level of ${article(ctx.kind)} ${ctx.kind}`}.`;
      if (suggestions.length === 1) message += ` Did you mean "${suggestions[0]}"?`;
      else if (suggestions.length > 1) message += ` Did you mean ${orList(suggestions.map((s) => `"${s}"`))}?`;
      else if (candidates.length > 0 && candidates.length <= 12) message += ` Known fields here: ${candidates.join(', ')}.`;
      reporter.add('schema', 'unknownField', span, message, { fixes });
      return;
    }
    case 'required': {
      if (ctx.isPatch) return;
      const missing = String(params.missingProperty);
      const message = segs.length
        ? `${ctx.kind} ${humanPath(segs)} is missing the required field "${missing}".`
        : `${capitalize(article(ctx.kind))} ${ctx.kind} needs the field "${missing}".`;
      reporter.add('schema', 'missingField', reporter.keySpan(path, ctx.base), message);
      return;
    }
    case 'type': {
      // YAML null (`ingress:` with nothing after it) means "unset" to the Kubernetes decoders.
      if (data === null || data === undefined) return;
      const expected = (Array.isArray(params.type) ? params.type : String(params.type).split(',')) as string[];
      const isCollection = typeof data === 'object';
      const span = isCollection ? reporter.keySpan(path, ctx.base) : reporter.valueSpan(path, ctx.base);
      const fixes = typeFixes(ctx, path, expected, data);
      reporter.add('schema', 'wrongType', span,
        `"${fieldName(segs)}" must be ${orList(expected.map(typeWords))}, not ${actualWords(data)}${isCollection ? '' : ` (${show(data)})`}.`,
        { fixes });
      return;
    }
    case 'enum':
    case 'const': {
      const allowed = (e.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue]) ?? [];
      const scalar = reporter.scalarAt(path);
      const span = reporter.valueSpan(path, ctx.base);
      const lower = typeof data === 'string' ? data.toLowerCase() : undefined;
      let strings = allowed.filter((a): a is string => typeof a === 'string' && a !== '');
      // A selector operator must agree with its values: offer only the operators that do.
      const parent = valueAt(ctx.value, segs.slice(0, -1));
      if (segs[segs.length - 1] === 'operator' && parent && typeof parent === 'object' && !Array.isArray(parent)) {
        const values = (parent as Record<string, unknown>).values;
        const withValues = Array.isArray(values) && values.length > 0;
        const fitting = strings.filter((a) => (withValues ? a !== 'Exists' && a !== 'DoesNotExist' : a === 'Exists' || a === 'DoesNotExist'));
        if (fitting.length) strings = fitting;
      }
      const match = strings.find((a) => a.toLowerCase() === lower);
      const near = match ? [match] : closest(String(data), strings);
      // The case-insensitive match, else the only close spelling, is the fix an editor may apply alone.
      const preferred = near.length === 1 ? near[0] : strings.length === 1 ? strings[0] : undefined;
      const ordered = [...near, ...strings].filter((a, i, all) => all.indexOf(a) === i);
      const fixes: Fix[] = scalar
        ? ordered.slice(0, 12).map((a) => {
            const fix: Fix = { title: `Change to "${a}"`, edits: [{ span, newText: scalarText(a, scalar) }] };
            if (a === preferred) fix.isPreferred = true;
            return fix;
          })
        : [];
      const shown = allowed.filter((a) => a !== '').map((a) => JSON.stringify(a));
      let message = `${show(data)} is not a valid value for "${fieldName(segs)}"; use ${allowed.length === 1 ? shown[0] : `one of ${orList(shown)}`}.`;
      if (match) message += ` Values are case-sensitive: "${match}".`;
      reporter.add('schema', 'badEnum', span, message, { fixes });
      return;
    }
    case 'pattern': {
      reporter.add('schema', 'badPattern', reporter.valueSpan(path, ctx.base),
        `${show(data)} is not a valid "${fieldName(segs)}": ${patternWords(String(params.pattern))}.`);
      return;
    }
    case 'format': {
      reporter.add('schema', 'badFormat', reporter.valueSpan(path, ctx.base),
        `${show(data)} is not a valid "${fieldName(segs)}": it must be ${formatWords(String(params.format))}.`);
      return;
    }
    case 'minLength':
    case 'maxLength': {
      const limit = Number(params.limit);
      const len = typeof data === 'string' ? data.length : 0;
      const message = e.keyword === 'minLength'
        ? limit === 1 ? `"${fieldName(segs)}" must not be empty.` : `"${fieldName(segs)}" must have at least ${limit} characters (it has ${len}).`
        : `"${fieldName(segs)}" must have at most ${limit} characters (it has ${len}).`;
      reporter.add('schema', 'badLength', reporter.valueSpan(path, ctx.base), message);
      return;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const limit = Number(params.limit);
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' }[e.keyword];
      reporter.add('schema', 'outOfRange', reporter.valueSpan(path, ctx.base),
        `"${fieldName(segs)}" must be ${words} ${limit} (it is ${show(data)}).`);
      return;
    }
    case 'minItems':
    case 'maxItems': {
      const limit = Number(params.limit);
      const count = Array.isArray(data) ? data.length : 0;
      const message = e.keyword === 'maxItems' && limit === 0
        ? `"${fieldName(segs)}" must be empty here.`
        : `"${fieldName(segs)}" must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'} (it has ${count}).`;
      reporter.add('schema', 'badCount', reporter.keySpan(path, ctx.base), message);
      return;
    }
    case 'minProperties':
    case 'maxProperties': {
      const limit = Number(params.limit);
      reporter.add('schema', 'badCount', reporter.keySpan(path, ctx.base),
        `"${fieldName(segs)}" must have ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${limit} entr${limit === 1 ? 'y' : 'ies'}.`);
      return;
    }
    case 'uniqueItems': {
      const j = Number(params.j);
      reporter.add('schema', 'duplicateItem', reporter.valueSpan([...path, j], ctx.base),
        `"${fieldName(segs)}" lists the same value twice (items ${Number(params.i)} and ${j}).`);
      return;
    }
    default: {
      reporter.add('schema', 'invalidValue', reporter.keySpan(path, ctx.base),
        `"${fieldName(segs) || ctx.kind}" does not match the ${ctx.kind} schema (${e.keyword}).`);
    }
  }
}

function typeFixes(ctx: SchemaErrorContext, path: Seg[], expected: string[], data: unknown): Fix[] {
  const scalar = ctx.reporter.scalarAt(path);
  if (!scalar || !scalar.range) return [];
  const span = { start: scalar.range[0], end: scalar.range[1] };
  const source = ctx.reporter.text.slice(span.start, span.end);
  if (expected.includes('string') && (typeof data === 'number' || typeof data === 'boolean') && scalar.type === 'PLAIN') {
    return [{ title: `Quote the value: "${source}"`, edits: [{ span, newText: JSON.stringify(source) }], isPreferred: true }];
  }
  if (typeof data === 'string' && (expected.includes('integer') || expected.includes('number'))) {
    const n = Number(data.trim());
    const ok = data.trim() !== '' && Number.isFinite(n) && (expected.includes('number') || Number.isInteger(n));
    if (ok) return [{ title: `Remove the quotes: ${String(n)}`, edits: [{ span, newText: String(n) }], isPreferred: true }];
  }
  if (typeof data === 'string' && expected.includes('boolean') && (data === 'true' || data === 'false')) {
    return [{ title: `Remove the quotes: ${data}`, edits: [{ span, newText: data }], isPreferred: true }];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Words

/** JSON pointer → path segments, with array indices as numbers (decided by the validated value). */
export function decode(pointer: string, root: unknown): Seg[] {
  if (!pointer) return [];
  const out: Seg[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const p = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(p);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(p);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
    }
  }
  return out;
}

function valueAt(root: unknown, segs: readonly Seg[]): unknown {
  let cur = root;
  for (const s of segs) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

function where(ctx: SchemaErrorContext, segs: Seg[], capital: boolean): string {
  if (segs.length === 0) return `${capital ? capitalize(article(ctx.kind)) : article(ctx.kind)} ${ctx.kind}`;
  return `${ctx.kind} ${humanPath(segs)}`;
}

function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? 'an' : 'a';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function andList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function typeWords(t: string): string {
  switch (t) {
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'null':
      return 'empty';
    default:
      return t;
  }
}

function actualWords(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'empty';
  switch (typeof v) {
    case 'object':
      return 'a mapping';
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(v) ? 'a whole number' : 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof v;
  }
}

const KNOWN_PATTERNS: Record<string, string> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': 'it must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit)',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$': 'it must be a DNS subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit)',
  '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$': 'it must be a label value (empty, or letters, digits, "-", "_" and ".", starting and ending with a letter or digit)',
};

function patternWords(pattern: string): string {
  return KNOWN_PATTERNS[pattern] ?? `it must match the pattern ${pattern}`;
}

function formatWords(format: string): string {
  switch (format) {
    case 'int32':
      return 'a 32-bit integer (-2147483648 to 2147483647)';
    case 'int64':
      return 'a 64-bit integer';
    case 'date-time':
      return 'an RFC 3339 date-time such as 2024-01-31T12:00:00Z';
    case 'byte':
      return 'base64-encoded data';
    case 'hostname':
      return 'a host name';
    case 'uri':
      return 'a URI';
    default:
      return `in the "${format}" format`;
  }
}
