// Everything the engine says about one `---` document, with offsets local to it: YAML syntax first,
// then (for supported kinds) schema and Kubernetes validation.
import type { DocumentOptions } from './analyze';
import type { ParsedDocument, SyntaxProblem } from './parse/document';
import { validateDocument } from './schema/validate';
import { ruleMeta } from './rules/catalog';
import type { Finding } from './types';

/** A document with more syntax errors than this gets the first ones only: the rest are usually echoes. */
const MAX_SYNTAX_FINDINGS = 10;

export function checkDocument(parsed: ParsedDocument, options: DocumentOptions): Finding[] {
  const findings: Finding[] = [];
  for (const e of parsed.errors.slice(0, MAX_SYNTAX_FINDINGS)) findings.push(syntaxFinding(parsed.text, e, 'error'));
  for (const w of parsed.warnings.slice(0, MAX_SYNTAX_FINDINGS)) findings.push(syntaxFinding(parsed.text, w, 'warning'));
  if (parsed.empty) return findings;
  // Structural errors make the tree unreliable; duplicate keys and unresolved tags do not.
  const fatal = parsed.errors.some((e) => e.code !== 'DUPLICATE_KEY');
  if (!fatal) findings.push(...validateDocument(parsed, options));
  return findings;
}

function syntaxFinding(text: string, p: SyntaxProblem, severity: 'error' | 'warning'): Finding {
  if (p.code === 'DUPLICATE_KEY') {
    const span = { start: p.span.start, end: keyEnd(text, p.span.start) };
    const key = text.slice(span.start, span.end);
    return {
      ruleId: 'duplicate-key',
      messageId: 'duplicateKey',
      severity: ruleMeta('duplicate-key')!.defaultSeverity,
      span,
      message: `The key ${key} appears twice in this mapping; Kubernetes strict decoding rejects duplicate fields, and other tools silently keep only one of them.`,
      fixes: [],
    };
  }
  const end = p.span.end > p.span.start ? p.span.end : Math.min(text.length, p.span.start + 1);
  return {
    ruleId: 'yaml-syntax',
    messageId: p.code,
    severity,
    span: { start: p.span.start, end },
    message: syntaxMessage(p),
    fixes: [],
  };
}

function syntaxMessage(p: SyntaxProblem): string {
  switch (p.code) {
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; indent with spaces.';
    case 'BAD_INDENT':
      return `Bad indentation: ${p.message}.`;
    default:
      return p.message.endsWith('.') ? p.message : `${p.message}.`;
  }
}

/** The end of the key that starts at `start`: a quoted key, or a plain one up to `: `. */
function keyEnd(text: string, start: number): number {
  const q = text[start];
  if (q === '"' || q === "'") {
    const close = text.indexOf(q, start + 1);
    return close === -1 ? start + 1 : close + 1;
  }
  let i = start;
  while (i < text.length && text[i] !== '\n' && !(text[i] === ':' && /[\s]|$/.test(text[i + 1] ?? ''))) i++;
  while (i > start + 1 && /\s/.test(text[i - 1])) i--;
  return Math.max(i, start + 1);
}
