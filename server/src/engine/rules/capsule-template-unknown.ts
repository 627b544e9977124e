// capsule-template-unknown: a Capsule fast-template placeholder that does not render what it says
// (SOURCES.md §3, pkg/template/fast.go, internal/controllers/resources/global.go):
// - a key other than `tenant.name` and `namespace` renders as the empty string, silently (rawItems) or is
//   refused by the Tenant webhook (additionalMetadataList);
// - `{{namespace}}` under a GlobalTenantResource with `scope: Tenant` or `None` renders as the empty
//   string: there is no target namespace;
// - `{{tenant.name}}` under `scope: None` renders as the literal `None`: there is no tenant either.
// Everything needed is in the one document, so the rule runs per keystroke.
import { editDistance } from '../schema/suggest';
import { KNOWN_PLACEHOLDERS, placeholders } from '../model/capsule';
import type { Reporter, Seg } from '../schema/report';
import type { Fix, Span } from '../types';
import { isObj } from './targets';
import type { ObjectRule } from './types';

type Scope = 'Namespace' | 'Tenant' | 'None';

interface Where {
  /** What happens to an unknown placeholder here, after "{{x}} …". */
  consequence: string;
  scope: Scope;
  owner: string;
}

export const capsuleTemplateUnknown: ObjectRule = {
  id: 'capsule-template-unknown',
  kinds: ['Tenant', 'TenantResource', 'GlobalTenantResource'],
  check(ctx) {
    const { value, base, reporter } = ctx;
    const spec = isObj(value.spec) ? value.spec : {};
    if (ctx.kind === 'Tenant') {
      const opts = isObj(spec.namespaceOptions) ? spec.namespaceOptions : {};
      if (!Array.isArray(opts.additionalMetadataList)) return;
      const where: Where = { consequence: 'is rejected by the Tenant webhook here (it would render as an empty string).', scope: 'Namespace', owner: 'Tenant' };
      opts.additionalMetadataList.forEach((entry, i) => {
        if (!isObj(entry)) return;
        const at = [...base, 'spec', 'namespaceOptions', 'additionalMetadataList', i];
        for (const field of ['labels', 'annotations']) visit(reporter, entry[field], [...at, field], where);
      });
      return;
    }
    // A TenantResource always targets the namespaces of its own tenant.
    const scope: Scope = ctx.kind === 'GlobalTenantResource' && (spec.scope === 'Tenant' || spec.scope === 'None') ? spec.scope : 'Namespace';
    const where: Where = {
      consequence: 'renders as an empty string (Capsule does not report it), so the object Capsule creates differs from what is written here.',
      scope,
      owner: ctx.kind,
    };
    if (!Array.isArray(spec.resources)) return;
    spec.resources.forEach((res, i) => {
      if (!isObj(res)) return;
      const at = [...base, 'spec', 'resources', i];
      if (Array.isArray(res.rawItems)) res.rawItems.forEach((item, j) => visit(reporter, item, [...at, 'rawItems', j], where));
      // collect.go and pkg/template/reference.go template these with the same two keys.
      visit(reporter, res.additionalMetadata, [...at, 'additionalMetadata'], where);
      if (Array.isArray(res.namespacedItems)) {
        res.namespacedItems.forEach((item, j) => {
          if (!isObj(item)) return;
          for (const field of ['name', 'namespace', 'selector']) visit(reporter, item[field], [...at, 'namespacedItems', j, field], where);
        });
      }
    });
  },
};

/** Every string under `value`, keys included (Capsule renders the item's JSON text). */
function visit(reporter: Reporter, value: unknown, path: Seg[], where: Where): void {
  if (typeof value === 'string') checkString(reporter, value, path, false, where);
  else if (Array.isArray(value)) value.forEach((v, i) => visit(reporter, v, [...path, i], where));
  else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      checkString(reporter, k, [...path, k], true, where);
      visit(reporter, v, [...path, k], where);
    }
  }
}

function checkString(reporter: Reporter, s: string, path: Seg[], key: boolean, where: Where): void {
  // FastTemplate leaves a string alone unless it holds both delimiters.
  if (s.indexOf('{{') === -1 || s.indexOf('}}') === -1) return;
  // Where to look for the next placeholder in the node's text: the same tag may appear twice.
  let from = 0;
  for (const ph of placeholders(s)) {
    const exact = textSpan(reporter, path, ph.raw, key, from);
    if (exact) from = exact.end;
    const span = exact ?? (key ? reporter.keySpan(path) : reporter.valueSpan(path));
    if (!(KNOWN_PLACEHOLDERS as readonly string[]).includes(ph.key)) {
      // Only a typo (two edits at most) is fixed: `{{tenant.team}}` meant some other value, not the name.
      const near = KNOWN_PLACEHOLDERS.filter((k) => ph.key !== '' && editDistance(ph.key, k, 2) <= 2);
      const fixes: Fix[] = exact && near.length === 1
        ? [{ title: `Change to ${ph.raw.replace(ph.key, near[0])}`, edits: [{ span: exact, newText: ph.raw.replace(ph.key, near[0]) }], isPreferred: true }]
        : [];
      reporter.add('capsule-template-unknown', 'unknownPlaceholder', span,
        `Capsule knows only {{tenant.name}} and {{namespace}}; ${ph.raw} ${where.consequence}${near.length === 1 ? ` Did you mean {{${near[0]}}}?` : ''}`,
        { fixes });
    } else if (ph.key === 'namespace' && where.scope !== 'Namespace') {
      reporter.add('capsule-template-unknown', 'namespaceEmpty', span,
        `With scope ${where.scope} this ${where.owner} has no target namespace, so Capsule renders ${ph.raw} as an empty string. Use scope Namespace (the default) to stamp one object into every tenant namespace, or write the name out.`);
    } else if (ph.key === 'tenant.name' && where.scope === 'None') {
      reporter.add('capsule-template-unknown', 'tenantNameNone', span,
        `With scope None this ${where.owner} is rendered once for the whole cluster, for no tenant: Capsule renders ${ph.raw} as the literal "None". Use scope Tenant for one object per tenant.`);
    }
  }
}

/** The placeholder's own text inside the key or scalar at `path`, when it is written there verbatim. */
function textSpan(reporter: Reporter, path: Seg[], raw: string, key: boolean, from: number): Span | undefined {
  const found = reporter.locate(path);
  if (!found.found) return undefined;
  const node = key ? found.keyNode : found.node;
  const range = node?.range;
  if (!range) return undefined;
  const start = Math.max(range[0], from);
  const at = reporter.text.slice(start, range[1]).indexOf(raw);
  return at === -1 ? undefined : { start: start + at, end: start + at + raw.length };
}
