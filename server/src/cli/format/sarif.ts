// SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, GitLab). One run; results stream out
// first and `tool` follows them, because the rules to describe are known only once every file is read
// (JSON object members have no order, so the log is the same document).
// Regions are 1-based and count UTF-16 code units (`columnKind: utf16CodeUnits`), as the engine does;
// artifact URIs are relative to %SRCROOT%, the working directory. With --baseline, the results it lists
// are left out (as in the other formats) and the run's properties say how many.
import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleMeta, type Finding, type LineIndex, type Severity, type Span } from '../../engine';
import { REPOSITORY_URL, ruleDocUrl, TOOL_NAME, VERSION } from '../meta';
import type { FileReport, Formatter, Output, Totals } from './types';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

export class SarifFormatter implements Formatter {
  private first = true;
  /** Rule ids in order of first use; a result's ruleIndex points into this list. */
  private readonly ruleIds: string[] = [];
  private readonly ruleIndex = new Map<string, number>();

  constructor(
    private readonly out: Output,
    private readonly cwd: string,
    /** A baseline is in use: its findings are left out, and every result reported is `new` against it. */
    private readonly baseline = false,
  ) {}

  begin(): void {
    this.out.write(`{\n  "version": "2.1.0",\n  "$schema": ${JSON.stringify(SARIF_SCHEMA_URI)},\n  "runs": [{\n    "results": [`);
  }

  file(r: FileReport): void {
    if (r.findings.length === 0) return;
    const location = this.artifact(r);
    for (const f of r.findings) {
      const result = {
        ruleId: f.ruleId,
        ruleIndex: this.indexOf(f.ruleId),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(r.lines, f.span) } }],
        ...(f.fixes.length > 0 ? { fixes: f.fixes.map((x) => fix(r.lines, location, x)) } : {}),
        ...(this.baseline ? { baselineState: 'new' } : {}),
      };
      this.out.write(`${this.first ? '\n' : ',\n'}      ${JSON.stringify(result)}`);
      this.first = false;
    }
  }

  end(totals: Totals): void {
    const rules = this.ruleIds.map((id) => {
      const meta = ruleMeta(id);
      return {
        id,
        shortDescription: { text: meta?.title ?? id },
        helpUri: ruleDocUrl(id),
        ...(meta ? { defaultConfiguration: { level: LEVEL[meta.defaultSeverity] }, properties: { category: meta.category } } : {}),
      };
    });
    const tool = { driver: { name: TOOL_NAME, version: VERSION, semanticVersion: VERSION, informationUri: REPOSITORY_URL, rules } };
    const base = { '%SRCROOT%': { uri: pathToFileURL(this.cwd.endsWith(sep) ? this.cwd : `${this.cwd}${sep}`).href } };
    this.out.write(`${this.first ? '' : '\n    '}],\n`);
    this.out.write(`    "tool": ${JSON.stringify(tool)},\n`);
    const properties = totals.baseline ? `,\n    "properties": ${JSON.stringify({ baseline: { suppressed: totals.baseline.suppressed, stale: totals.baseline.stale } })}` : '';
    this.out.write(`    "columnKind": "utf16CodeUnits",\n    "originalUriBaseIds": ${JSON.stringify(base)}${properties}\n  }]\n}\n`);
  }

  private indexOf(id: string): number {
    let i = this.ruleIndex.get(id);
    if (i === undefined) {
      i = this.ruleIds.length;
      this.ruleIds.push(id);
      this.ruleIndex.set(id, i);
    }
    return i;
  }

  private artifact(r: FileReport): ArtifactLocation {
    if (!r.abs) return { uri: encodeURIComponent(r.display) };
    const rel = relative(this.cwd, r.abs);
    if (rel === '' || rel.startsWith('..') || /^[a-zA-Z]:/.test(rel) || rel.startsWith(sep)) return { uri: pathToFileURL(r.abs).href };
    return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
}

function region(lines: LineIndex, span: Span) {
  const s = lines.positionAt(span.start);
  const e = lines.positionAt(span.end);
  // SARIF's endColumn is the column after the region's last character: 0-based end + 1.
  return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

function fix(lines: LineIndex, location: ArtifactLocation, f: Finding['fixes'][number]) {
  return {
    description: { text: f.title },
    artifactChanges: [{
      artifactLocation: location,
      replacements: f.edits.map((e) => ({ deletedRegion: region(lines, e.span), insertedContent: { text: e.newText } })),
    }],
  };
}
