// Folding ranges, as VS Code's YAML users expect them: each `---` document (when the file has several),
// each block mapping or sequence that spans lines (folded from its key or `-` line), multi-line block
// scalars and flow collections, runs of comment lines, and `# region` / `# endregion` markers. A range
// ends at its last line of content: trailing blank lines, and comments indented no deeper than the
// folded line (they belong to what follows), stay visible. Files the engine skips (Helm templates, very
// large files) fold by indentation.
import { FoldingRangeKind, type FoldingRange, type FoldingRangeParams } from 'vscode-languageserver/node';
import { isMap, isPair, isScalar, isSeq, type Pair } from 'yaml';
import type { YamlNode } from '../engine/parse/document';
import type { LineIndex } from '../engine/parse/lines';
import { guardRequest } from '../lsp/guard';
import type { IndexedFile } from '../workspace/workspace-index';
import type { Feature, FeatureContext } from './types';

const MAX_DEPTH = 200;

class Lines {
  readonly lines: string[];

  constructor(text: string, private readonly index: LineIndex) {
    this.lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  lineOf(offset: number): number {
    return this.index.positionAt(offset).line;
  }

  indent(line: number): number {
    const l = this.lines[line] ?? '';
    return l.length - l.trimStart().length;
  }

  blank(line: number): boolean {
    return (this.lines[line] ?? '').trim() === '';
  }

  comment(line: number): boolean {
    return (this.lines[line] ?? '').trimStart().startsWith('#');
  }

  /**
   * The last line of content in [from, to]: blank lines are dropped, and so are comment lines indented no
   * deeper than `indent` (comments of what follows).
   */
  lastContent(from: number, to: number, indent: number): number {
    let end = to;
    while (end > from && (this.blank(end) || (this.comment(end) && this.indent(end) <= indent))) end--;
    return end;
  }
}

function add(out: FoldingRange[], startLine: number, endLine: number, kind?: FoldingRangeKind): void {
  if (endLine <= startLine) return;
  const r: FoldingRange = { startLine, endLine };
  if (kind) r.kind = kind;
  out.push(r);
}

/** Block mappings, sequences, multi-line scalars and flow collections of one document's tree. */
function foldTree(root: YamlNode | null, base: number, lines: Lines, out: FoldingRange[], scalarLines: Set<number>): void {
  // `startLine` is where the fold starts (the key's or the `-`'s line); the node is the value.
  const visit = (node: unknown, startLine: number | undefined, depth: number) => {
    if (depth > MAX_DEPTH || node == null || typeof node !== 'object') return;
    const range = (node as { range?: [number, number, number] }).range;
    if (!range) return;
    const first = lines.lineOf(base + range[0]);
    const last = lines.lineOf(base + Math.max(range[0], range[1] - 1));
    const from = startLine ?? first;
    if (isScalar(node)) {
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' || last > first) {
        for (let l = first + 1; l <= last; l++) scalarLines.add(l);
        if (startLine !== undefined) add(out, from, lines.lastContent(from, last, -1));
      }
      return;
    }
    if (!isMap(node) && !isSeq(node)) return;
    if (startLine !== undefined) add(out, from, lines.lastContent(from, last, lines.indent(from)));
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        const pair = item as Pair<unknown, unknown>;
        const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
        const keyLine = keyRange ? lines.lineOf(base + keyRange[0]) : undefined;
        visit(pair.value, keyLine, depth + 1);
      } else {
        // A sequence entry folds from its `-` line: the entry's node starts on it (after `- `).
        const r = (item as { range?: [number, number, number] } | null)?.range;
        visit(item, r ? lines.lineOf(base + r[0]) : undefined, depth + 1);
      }
    }
  };
  visit(root, undefined, 0);
}

/** Runs of two or more comment lines, and `# region` … `# endregion` pairs. */
function foldComments(lines: Lines, out: FoldingRange[], skip: Set<number>): void {
  const regions: number[] = [];
  let runStart = -1;
  const n = lines.lines.length;
  for (let l = 0; l <= n; l++) {
    const isComment = l < n && !skip.has(l) && lines.comment(l);
    const text = isComment ? lines.lines[l].trim() : '';
    if (/^#\s*region\b/.test(text)) regions.push(l);
    else if (/^#\s*endregion\b/.test(text) && regions.length > 0) add(out, regions.pop()!, l, FoldingRangeKind.Region);
    const plain = isComment && !/^#\s*(end)?region\b/.test(text);
    if (plain && runStart < 0) runStart = l;
    if (!plain && runStart >= 0) {
      add(out, runStart, l - 1, FoldingRangeKind.Comment);
      runStart = -1;
    }
  }
}

/** Indentation folding for text the parser did not see (Helm templates, files over the size limit). */
function foldIndentation(lines: Lines, out: FoldingRange[]): void {
  const stack: { line: number; indent: number }[] = [];
  const close = (indent: number, before: number) => {
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) {
      const open = stack.pop()!;
      add(out, open.line, lines.lastContent(open.line, before, open.indent));
    }
  };
  const n = lines.lines.length;
  for (let l = 0; l < n; l++) {
    if (lines.blank(l) || lines.comment(l)) continue;
    const indent = lines.indent(l);
    close(indent, l - 1);
    stack.push({ line: l, indent });
  }
  close(-1, n - 1);
}

export function foldingRanges(file: IndexedFile, limit?: number): FoldingRange[] {
  const lines = new Lines(file.text, file.lines);
  const out: FoldingRange[] = [];
  const scalarLines = new Set<number>();
  const docs = file.analysis.documents;
  if (docs.length === 0 && file.analysis.skipped) {
    foldIndentation(lines, out);
  } else {
    for (const d of docs) foldTree((d.parsed.doc.contents ?? null) as YamlNode | null, d.chunk.start, lines, out, scalarLines);
    if (docs.length > 1) {
      for (const d of docs) {
        const first = lines.lineOf(d.chunk.start);
        const last = lines.lineOf(d.chunk.start + Math.max(0, d.chunk.text.length - 1));
        // The next document's `---` line is not part of this one; the chunk ends before it.
        add(out, first, lines.lastContent(first, last, -1));
      }
    }
  }
  foldComments(lines, out, scalarLines);
  // One range per start line (the widest), in order, as clients expect.
  const byStart = new Map<number, FoldingRange>();
  for (const r of out) {
    const seen = byStart.get(r.startLine);
    if (!seen || r.endLine > seen.endLine) byStart.set(r.startLine, r);
  }
  const sorted = [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
  return limit !== undefined && limit >= 0 ? sorted.slice(0, limit) : sorted;
}

function register(ctx: FeatureContext): void {
  ctx.connection.onFoldingRanges(
    guardRequest(ctx.log, 'textDocument/foldingRange', (params: FoldingRangeParams) => {
      const uri = params?.textDocument?.uri;
      const file = typeof uri === 'string' ? ctx.file(uri) : undefined;
      if (!file) return [];
      return foldingRanges(file, ctx.client.foldingRangeLimit);
    }, () => []),
  );
}

export const foldingFeature: Feature = {
  name: 'folding',
  capabilities: () => ({ foldingRangeProvider: true }),
  register,
};
