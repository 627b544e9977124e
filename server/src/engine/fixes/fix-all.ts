// "Fix all" for one file (the editor's `source.fixAll.tenantPolicy`, and "fix all problems of this rule"):
// the fixes that cannot change what the author meant (Fix.fixAll), merged into one set of edits. Each
// finding contributes its first such fix, whole or not at all; a fix whose edits touch text another fix
// already edits is left for a second run, because two edits of one place cannot both apply.
import type { Finding, TextEdit } from '../types';

export interface FixAllResult {
  /** Non-overlapping edits in document order, offsets into the text the findings were made on. */
  edits: TextEdit[];
  /** The findings whose fix is in `edits`. */
  fixed: Finding[];
  /** Findings with a fix-all fix that was left out because it collides with one taken before it. */
  skipped: Finding[];
}

/** Every fix-all fix of `findings` (optionally only those of one rule) that can be applied together. */
export function fixAllEdits(findings: readonly Finding[], ruleId?: string): FixAllResult {
  const taken: TextEdit[] = [];
  const fixed: Finding[] = [];
  const skipped: Finding[] = [];
  // Document order, so the outcome does not depend on the order rules happened to report in.
  const ordered = findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => compareFindings(a.finding, b.finding) || a.index - b.index);
  for (const { finding } of ordered) {
    if (ruleId !== undefined && finding.ruleId !== ruleId) continue;
    const fix = finding.fixes.find((f) => f.fixAll);
    if (!fix || fix.edits.length === 0) continue;
    // The same edit from another finding (two findings one repair removes) is already taken.
    if (fix.edits.every((e) => taken.some((t) => same(e, t)))) {
      fixed.push(finding);
      continue;
    }
    const clash = fix.edits.some((e, i) => fix.edits.some((o, j) => j < i && collide(e, o)) || taken.some((t) => collide(e, t)));
    if (clash) {
      skipped.push(finding);
      continue;
    }
    taken.push(...fix.edits);
    fixed.push(finding);
  }
  taken.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { edits: taken, fixed, skipped };
}

function compareFindings(a: Finding, b: Finding): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return a.span.start - b.span.start || a.span.end - b.span.end || text(a.ruleId, b.ruleId) || text(a.messageId, b.messageId);
}

function same(a: TextEdit, b: TextEdit): boolean {
  return a.span.start === b.span.start && a.span.end === b.span.end && a.newText === b.newText;
}

/**
 * Two edits collide when their ranges overlap, or when both start at one offset: two insertions there
 * (two findings adding the same DNS rule, say) would apply in an order nobody chose.
 */
function collide(a: TextEdit, b: TextEdit): boolean {
  if (a.span.start === b.span.start) return true;
  return a.span.start < b.span.end && b.span.start < a.span.end;
}
