// ESLint-style suppression comments:
//   # tenant-policy-disable-next-line id[,id]   silences those rules (all, without ids) on the next line
//   # tenant-policy-disable id[,id]             silences them for the rest of its `---` document
import type { Finding } from './types';

const COMMENT = /#\s*tenant-policy-disable(-next-line)?(?:\s+([A-Za-z0-9_,\s-]+?))?\s*$/;
const DOC_MARKER = /^---(\s|$)/;

interface Suppression {
  from: number;
  to: number;
  ids: Set<string> | null;
}

export function applySuppressions(text: string, findings: Finding[]): Finding[] {
  if (findings.length === 0 || text.indexOf('tenant-policy-disable') === -1) return findings;
  const suppressions: Suppression[] = [];
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.indexOf('tenant-policy-disable') === -1) continue;
    const m = COMMENT.exec(line.replace(/\r$/, ''));
    if (!m) continue;
    const ids = m[2] ? new Set(m[2].split(/[\s,]+/).filter(Boolean)) : null;
    if (m[1]) {
      if (i + 1 < lines.length) suppressions.push({ from: starts[i + 1], to: starts[i + 1] + lines[i + 1].length, ids });
    } else {
      let end = i + 1;
      while (end < lines.length && !DOC_MARKER.test(lines[end])) end++;
      suppressions.push({ from: starts[i], to: end < lines.length ? starts[end] : text.length, ids });
    }
  }
  if (suppressions.length === 0) return findings;
  return findings.filter(
    (f) => !suppressions.some((s) => f.span.start >= s.from && f.span.start <= s.to && (!s.ids || s.ids.has(f.ruleId))),
  );
}
