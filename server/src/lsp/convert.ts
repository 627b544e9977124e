// Engine data → LSP data. The engine speaks UTF-16 offsets, rule ids and text edits; this module is the
// only place that knows how those become Diagnostics, CodeActions and WorkspaceEdits.
import {
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type CodeAction,
  type Diagnostic,
  type Range,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { ruleDocUrl } from '../links';
import { fixAllEdits, ruleMeta, type Finding, type FindingTag, type LineIndex, type Severity, type Span, type TextEdit } from '../engine';

export const DIAGNOSTIC_SOURCE = 'tenant-policy';

/** Our "fix all": editors run it on save (`editor.codeActionsOnSave`) or from the Source Action menu. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.tenantPolicy`;

/** The rule's page, for codes in the catalogue (the same link the CLI's SARIF output gives). */
export function ruleDocsUrl(ruleId: string): string | undefined {
  return ruleMeta(ruleId) ? ruleDocUrl(ruleId) : undefined;
}

/** What a diagnostic carries so that a code action request can find its finding (and fixes) again. */
export interface DiagnosticData {
  ruleId: string;
  messageId: string;
  start: number;
  end: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const TAG: Record<FindingTag, DiagnosticTag> = {
  deprecated: DiagnosticTag.Deprecated,
  unnecessary: DiagnosticTag.Unnecessary,
};

export function toRange(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

export function toDiagnostic(finding: Finding, lines: LineIndex): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId, messageId: finding.messageId, start: finding.span.start, end: finding.span.end };
  const diagnostic: Diagnostic = {
    range: toRange(lines, finding.span),
    severity: SEVERITY[finding.severity] ?? DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    message: finding.message,
    data,
  };
  const href = ruleDocsUrl(finding.ruleId);
  if (href) diagnostic.codeDescription = { href };
  if (finding.tags?.length) diagnostic.tags = finding.tags.map((t) => TAG[t]).filter((t) => t !== undefined);
  return diagnostic;
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  const d = value as DiagnosticData | undefined;
  return !!d && typeof d.ruleId === 'string' && typeof d.messageId === 'string' && typeof d.start === 'number' && typeof d.end === 'number';
}

/** The finding a diagnostic was made from, if the current analysis still has it at the same place. */
export function findingOf(findings: readonly Finding[], data: DiagnosticData): Finding | undefined {
  return findings.find((f) => f.ruleId === data.ruleId && f.messageId === data.messageId && f.span.start === data.start && f.span.end === data.end);
}

export interface EditTarget {
  uri: string;
  /** The document version the edits apply to; null for a file that is not open. */
  version: number | null;
  /** Send `documentChanges` (versioned, so a stale edit is refused) when the client supports them. */
  documentChanges: boolean;
}

/** Engine edits of one document as a WorkspaceEdit, versioned when the client takes `documentChanges`. */
export function toWorkspaceEdit(edits: readonly TextEdit[], lines: LineIndex, target: EditTarget): WorkspaceEdit {
  const lsp: LspTextEdit[] = edits.map((e) => ({ range: toRange(lines, e.span), newText: e.newText }));
  return target.documentChanges
    ? { documentChanges: [{ textDocument: { uri: target.uri, version: target.version }, edits: lsp }] }
    : { changes: { [target.uri]: lsp } };
}

/** One quick fix per fix of the finding, each with the finding's diagnostic attached. */
export function toCodeActions(finding: Finding, diagnostic: Diagnostic, lines: LineIndex, target: EditTarget): CodeAction[] {
  return finding.fixes.map((fix) => {
    const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: toWorkspaceEdit(fix.edits, lines, target) };
    if (fix.isPreferred) action.isPreferred = true;
    return action;
  });
}

/**
 * The file's safe fixes in one edit: `source.fixAll.tenantPolicy` (every rule), or, with `ruleId`, the
 * quick fix "Fix all <rule> problems in this file". Undefined when there is nothing to apply, or (for one
 * rule) when only one finding would be fixed: its own quick fix says the same.
 */
export function toFixAllAction(
  findings: readonly Finding[],
  diagnostics: readonly Diagnostic[],
  lines: LineIndex,
  target: EditTarget,
  ruleId?: string,
): CodeAction | undefined {
  const { edits, fixed } = fixAllEdits(findings, ruleId);
  if (edits.length === 0 || (ruleId !== undefined && fixed.length < 2)) return undefined;
  const fixedSet = new Set(fixed);
  const attached = diagnostics.filter((_, i) => fixedSet.has(findings[i]));
  const edit = toWorkspaceEdit(edits, lines, target);
  if (ruleId === undefined) return { title: 'Fix all safely fixable tenant-policy problems', kind: FIX_ALL_KIND, diagnostics: attached, edit };
  return { title: `Fix all ${ruleId} problems in this file`, kind: CodeActionKind.QuickFix, diagnostics: attached, edit };
}
