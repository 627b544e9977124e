// The `explain` walkthrough as people read it: for each group of ports on which the answer is the same,
// the verdict and, on each side (the source's egress, the destination's ingress), the policies and rules
// responsible. Shared by `tenant-policy explain` and the preview panel's explain request, so the editor
// shows exactly what the CLI prints; only how a source location is written differs (`where`).
import type { RuleContribution } from './model/workspace';
import type { SourceRef } from './model/types';
import { ruleLabel, type Explanation, type SideExplanation, type SideVerdict } from './reachability';
import { ConnSet } from './semantics/connset';

/** Writes a source location (`file:line`), or undefined when it cannot be placed. */
export type WhereFn = (ref: SourceRef | undefined) => string | undefined;

/** `NetworkPolicy solar-db/postgres ingress[0]`: a rule as a label, without its location. */
export function contributionLabel(c: RuleContribution): string {
  return `${c.policyKind} ${c.policyId} ${ruleLabel(c)}`;
}

function contribution(c: RuleContribution, where: WhereFn): string {
  const at = where(c.source);
  return `${contributionLabel(c)}${at ? ` (${at})` : ''}`;
}

/** The verdict of one side in words: `allowed`, `not isolated`, `denied`, `denied by a deny rule`. */
export function sideVerdictText(side: SideExplanation, v: SideVerdict): 'allowed' | 'not isolated' | 'denied' | 'denied by a deny rule' | 'not subject to policies' {
  if (!side.subject) return 'not subject to policies';
  if (v.allowed && v.by.length === 0) return 'not isolated';
  if (v.allowed) return 'allowed';
  if (v.by.some((c) => c.effect === 'deny' && c.ruleIndex >= 0)) return 'denied by a deny rule';
  return 'denied';
}

function sideLine(name: 'egress' | 'ingress', side: SideExplanation, v: SideVerdict, where: WhereFn): string[] {
  const who = side.subject ?? 'external address';
  const head = `    ${name.padEnd(7)} ${who}: `;
  const by = () => v.by.map((c) => `        ${contribution(c, where)}`);
  switch (sideVerdictText(side, v)) {
    case 'not subject to policies':
      return [`${head}allowed (external addresses are not subject to policies)`];
    case 'not isolated':
      return [`${head}allowed: no policy isolates ${who} for ${name}`];
    case 'allowed':
      return [`${head}allowed by`, ...by()];
    case 'denied by a deny rule':
      return [`${head}DENIED by`, ...by()];
    default:
      return [`${head}denied: no rule allows it; isolated by`, ...by()];
  }
}

/** A verdict group's ports; the complement of the narrower groups reads better as "everything else". */
export function connsLabel(conns: ConnSet, others: readonly ConnSet[]): string {
  if (others.length > 0 && conns.union(others.reduce((a, b) => a.union(b), ConnSet.NONE)).isAll()) {
    const text = conns.toString();
    if (text.length > 40 || conns.isAll()) return 'everything else';
  }
  return conns.toString();
}

/** One explanation (a pair of endpoints) as the CLI prints it, ending with a newline. */
export function formatExplanationText(x: Explanation, where: WhereFn): string {
  const out: string[] = [];
  const name = (e: Explanation['src']) => (e.kind === 'External' ? e.name : `${e.name} (${e.kind}${e.hypothetical ? ', hypothetical: a pod without labels' : ''})`);
  out.push(`${name(x.src)} → ${name(x.dst)}`);
  out.push(`  allowed: ${x.allowed.toString()}${x.uncertain ? ' (uncertain)' : ''}`);
  const all = x.verdicts.map((v) => v.conns);
  x.verdicts.forEach((v, i) => {
    const others = all.filter((_, j) => j !== i);
    out.push(`  ${connsLabel(v.conns, others)}: ${v.allowed ? 'ALLOWED' : 'DENIED'}`);
    out.push(...sideLine('egress', x.egress, v.egress, where));
    out.push(...sideLine('ingress', x.ingress, v.ingress, where));
  });
  const notes = [...x.egress.notes, ...x.ingress.notes];
  for (const n of new Set(notes)) out.push(`  note: ${n}`);
  const unmodelled = [...x.egress.uncertain, ...x.ingress.uncertain].map((r) => where(r)).filter((w): w is string => !!w);
  if (unmodelled.length > 0) out.push(`  uncertain: the verdict depends on parts of policies tenant-policy does not model, at ${[...new Set(unmodelled)].join(', ')}`);
  return `${out.join('\n')}\n`;
}
