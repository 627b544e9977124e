// `{"diagnostics": [...]}` as DESIGN.md fixes it: 0-based LSP positions (UTF-16), paths as given, one
// diagnostic a line so the document streams and stays readable.
import type { FileReport, Formatter, Output, Totals } from './types';

export class JsonFormatter implements Formatter {
  private first = true;

  constructor(private readonly out: Output) {}

  begin(): void {
    this.out.write('{"diagnostics": [');
  }

  file(r: FileReport): void {
    for (const f of r.findings) {
      const diagnostic = {
        file: r.display,
        range: { start: r.lines.positionAt(f.span.start), end: r.lines.positionAt(f.span.end) },
        severity: f.severity,
        code: f.ruleId,
        message: f.message,
        fixes: f.fixes.map((x) => x.title),
      };
      this.out.write(`${this.first ? '\n' : ',\n'}  ${JSON.stringify(diagnostic)}`);
      this.first = false;
    }
  }

  end(totals: Totals): void {
    // With --baseline, what it hid: a member beside `diagnostics`, so readers of that one are unaffected.
    const baseline = totals.baseline ? `, "baseline": ${JSON.stringify({ suppressed: totals.baseline.suppressed, stale: totals.baseline.stale })}` : '';
    this.out.write(`${this.first ? ']' : '\n]'}${baseline}}\n`);
  }
}
