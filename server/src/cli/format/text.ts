// Compiler style, one finding a line, 1-based line and column (UTF-16 code units, as editors count):
//   policies/a.yaml:12:5: error schema Unknown field `polcyTypes`; did you mean `policyTypes`?
// then a summary line (and, with --baseline, what the baseline hid).
import type { Severity } from '../../engine';
import type { BaselineTotals, FileReport, Formatter, Output, Totals } from './types';

const WORD: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'info', hint: 'hint' };

export class TextFormatter implements Formatter {
  constructor(private readonly out: Output) {}

  begin(): void {}

  file(r: FileReport): void {
    for (const f of r.findings) {
      const p = r.lines.positionAt(f.span.start);
      const message = f.message.replace(/\s*\n\s*/g, ' ');
      this.out.write(`${r.display}:${p.line + 1}:${p.character + 1}: ${WORD[f.severity]} ${f.ruleId} ${message}\n`);
    }
  }

  end(t: Totals): void {
    const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
    this.out.write(`${n(t.errors, 'error')}, ${n(t.warnings, 'warning')}, ${n(t.infos + t.hints, 'info')} in ${n(t.files, 'file')}\n`);
    if (t.baseline) this.out.write(`${baselineSummary(t.baseline)}\n`);
  }
}

/** "12 findings in the baseline were not reported; 3 baseline entries no longer occur (…)". */
export function baselineSummary(b: BaselineTotals): string {
  const hidden = b.suppressed === 1 ? '1 finding in the baseline was not reported' : `${b.suppressed} findings in the baseline were not reported`;
  if (b.stale === 0) return hidden;
  const stale = b.stale === 1 ? '1 baseline entry no longer occurs' : `${b.stale} baseline entries no longer occur`;
  return `${hidden}; ${stale} (--update-baseline drops ${b.stale === 1 ? 'it' : 'them'})`;
}
