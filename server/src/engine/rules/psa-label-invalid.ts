// psa-label-invalid: Pod Security Admission labels with a level, version or key PSA does not know
// (SOURCES.md §5, k8s.io/pod-security-admission api/constants.go, api/helpers.go ParseLevel /
// ParseVersion). The API server refuses to create a Namespace with an invalid level or version (and to
// change one into it); a key under the prefix that PSA does not read (`…/enforced`) is accepted and
// silently does nothing, so the namespace runs without the control its author wrote down.
//
// Checked wherever a namespace's labels are written: a Namespace's metadata.labels (also as a List item
// or a Capsule rawItem), and the labels a Tenant has Capsule stamp on its namespaces
// (namespaceOptions.additionalMetadata, additionalMetadataList, rules[].enforce.metadata `managed`).
import { isScalar } from 'yaml';
import { closest } from '../schema/suggest';
import { scalarText, type Reporter, type Seg } from '../schema/report';
import type { Fix } from '../types';
import { isObj } from './targets';
import type { Obj, ObjectRule } from './types';

export const PSA_PREFIX = 'pod-security.kubernetes.io/';
export const PSA_MODES = ['enforce', 'audit', 'warn'] as const;
export const PSA_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
const SUFFIXES = [...PSA_MODES, ...PSA_MODES.map((m) => `${m}-version`)];
/** api/helpers.go ParseVersion: `latest` or `v1.<minor>`, the minor without leading zeros. */
const VERSION = /^v1\.(0|[1-9][0-9]*)$/;

export const psaLabelInvalid: ObjectRule = {
  id: 'psa-label-invalid',
  kinds: ['Namespace', 'Tenant'],
  check(ctx) {
    const { value, base, reporter } = ctx;
    const check = (labels: unknown, path: Seg[], templated: boolean) => {
      if (isObj(labels)) checkLabels(reporter, labels, path, base, templated, (v) => v);
    };
    if (ctx.kind === 'Namespace') {
      const meta = isObj(value.metadata) ? value.metadata : {};
      check(meta.labels, [...base, 'metadata', 'labels'], ctx.templated);
      return;
    }
    const spec = isObj(value.spec) ? value.spec : {};
    const opts = isObj(spec.namespaceOptions) ? spec.namespaceOptions : {};
    const am = isObj(opts.additionalMetadata) ? opts.additionalMetadata : {};
    check(am.labels, [...base, 'spec', 'namespaceOptions', 'additionalMetadata', 'labels'], false);
    if (Array.isArray(opts.additionalMetadataList)) {
      opts.additionalMetadataList.forEach((e, i) => {
        if (isObj(e)) check(e.labels, [...base, 'spec', 'namespaceOptions', 'additionalMetadataList', i, 'labels'], true);
      });
    }
    // v0.14 Rules Metadata: a `managed` value is what Capsule keeps on the selected namespaces.
    if (Array.isArray(spec.rules)) {
      spec.rules.forEach((rule, i) => {
        const enforce = isObj(rule) && isObj(rule.enforce) ? rule.enforce : undefined;
        if (!enforce || !Array.isArray(enforce.metadata)) return;
        enforce.metadata.forEach((m, j) => {
          if (!isObj(m) || !isObj(m.labels)) return;
          const path = [...base, 'spec', 'rules', i, 'enforce', 'metadata', j, 'labels'];
          const managed: Obj = {};
          for (const [k, v] of Object.entries(m.labels)) if (isObj(v) && v.managed !== undefined) managed[k] = v.managed;
          checkLabels(reporter, managed, path, base, false, (p) => [...p, 'managed']);
        });
      });
    }
  },
};

/**
 * Checks the PSA keys of one label map at `path`. `valuePath` maps the path of a key to the path of its
 * value (Rules Metadata keeps the value under `managed`). Values with Capsule placeholders are left alone:
 * what they render to is not known here.
 */
function checkLabels(reporter: Reporter, labels: Obj, path: Seg[], base: Seg[], templated: boolean, valuePath: (p: Seg[]) => Seg[]): void {
  for (const [key, raw] of Object.entries(labels)) {
    if (!key.startsWith(PSA_PREFIX)) continue;
    const suffix = key.slice(PSA_PREFIX.length);
    const at = [...path, key];
    if (!(SUFFIXES as readonly string[]).includes(suffix)) {
      if (templated && key.includes('{{')) continue;
      unknownKey(reporter, labels, at, key, suffix, base);
      continue;
    }
    // A number or boolean is a type error the schema reports (with a fix to quote it) first.
    if (typeof raw !== 'string' || (templated && raw.includes('{{'))) continue;
    const vp = valuePath(at);
    if (suffix.endsWith('-version')) badVersion(reporter, vp, key, raw, base);
    else badLevel(reporter, vp, key, raw, base);
  }
}

function unknownKey(reporter: Reporter, labels: Obj, at: Seg[], key: string, suffix: string, base: Seg[]): void {
  const span = reporter.keySpan(at, base);
  const node = reporter.locate(at).keyNode;
  const keyScalar = isScalar(node) ? node : undefined;
  const near = closest(suffix, SUFFIXES).filter((s) => labels[`${PSA_PREFIX}${s}`] === undefined);
  const fixes: Fix[] = near.map((s, i) => ({
    title: `Rename to "${PSA_PREFIX}${s}"`,
    edits: [{ span, newText: scalarText(`${PSA_PREFIX}${s}`, keyScalar) }],
    ...(i === 0 && near.length === 1 ? { isPreferred: true } : {}),
  }));
  reporter.add('psa-label-invalid', 'unknownKey', span,
    `Pod Security Admission reads only ${SUFFIXES.map((s) => `"${s}"`).join(', ')} under ${PSA_PREFIX}; it ignores "${key}", so this label sets no Pod Security control at all.${near.length === 1 ? ` Did you mean "${PSA_PREFIX}${near[0]}"?` : ''}`,
    { fixes });
}

function badLevel(reporter: Reporter, at: Seg[], key: string, value: string, base: Seg[]): void {
  if ((PSA_LEVELS as readonly string[]).includes(value)) return;
  const lower = value.trim().toLowerCase();
  const caseOnly = PSA_LEVELS.find((l) => l === lower);
  const near = caseOnly ? [caseOnly] : closest(value.trim(), PSA_LEVELS);
  const preferred = near.length === 1 ? near[0] : undefined;
  const ordered = [...near, ...PSA_LEVELS].filter((v, i, all) => all.indexOf(v) === i);
  const mode = key.slice(PSA_PREFIX.length);
  const consequence = mode === 'enforce'
    ? 'Kubernetes refuses to create a Namespace with it (and were it evaluated, an invalid enforce level counts as restricted)'
    : `Kubernetes refuses to create a Namespace with it (and were it evaluated, an invalid ${mode} level counts as privileged, so nothing would be ${mode === 'warn' ? 'warned about' : 'audited'})`;
  report(reporter, at, base, 'badLevel',
    `"${value}" is not a Pod Security level: use "privileged", "baseline" or "restricted" (lower case). ${consequence}.${caseOnly ? ` Levels are case-sensitive: "${caseOnly}".` : ''}`,
    ordered, preferred, !!caseOnly);
}

function badVersion(reporter: Reporter, at: Seg[], key: string, value: string, base: Seg[]): void {
  if (value === 'latest' || VERSION.test(value)) return;
  const t = value.trim();
  let meant: string | undefined;
  let caseOnly = false;
  if (t.toLowerCase() === 'latest') {
    meant = 'latest';
    caseOnly = t === value;
  } else {
    // `1.30`, `v1.30.2`, `V1.30`, `v1.030`: the minor version that was meant.
    const m = /^[vV]?1\.0*(\d+)(?:\.\d+)?$/.exec(t);
    if (m) {
      meant = `v1.${Number(m[1])}`;
      caseOnly = value.toLowerCase() === meant;
    }
  }
  const options = [meant, 'latest'].filter((v, i, all): v is string => v !== undefined && all.indexOf(v) === i);
  report(reporter, at, base, 'badVersion',
    `"${value}" is not a Pod Security version: use "latest" or "v1.<minor>" such as "v1.30" (a "v", no patch number). Kubernetes refuses to create a Namespace with ${key} set to it.${meant ? ` Did you mean "${meant}"?` : ''}`,
    options, meant, caseOnly);
}

function report(reporter: Reporter, at: Seg[], base: Seg[], messageId: string, message: string, values: string[], preferred: string | undefined, caseOnly: boolean): void {
  const scalar = reporter.scalarAt(at);
  const span = reporter.valueSpan(at, base);
  const fixes: Fix[] = scalar
    ? values.map((v) => {
        const fix: Fix = { title: `Change to "${v}"`, edits: [{ span, newText: scalarText(v, scalar) }] };
        if (v === preferred) {
          fix.isPreferred = true;
          // Only a change of letter case is certain enough to apply with every other fix of the file.
          if (caseOnly) fix.fixAll = true;
        }
        return fix;
      })
    : [];
  reporter.add('psa-label-invalid', messageId, span, message, { fixes });
}
