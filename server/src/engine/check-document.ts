// Everything the engine says about one `---` document, with offsets local to it: YAML syntax first,
// then (for supported kinds) schema and Kubernetes validation.
import type { DocumentOptions } from './analyze';
import { keyEnd, type ParsedDocument, type SyntaxProblem } from './parse/document';
import { validateDocument } from './schema/validate';
import { errorsBesidePlaceholders, placeholderFindings, reportablePlaceholders } from './schema/templates';
import { ruleMeta } from './rules/catalog';
import type { Finding } from './types';

/** A document with more syntax errors than this gets the first ones only: the rest are usually echoes. */
const MAX_SYNTAX_FINDINGS = 10;

export function checkDocument(parsed: ParsedDocument, options: DocumentOptions): Finding[] {
  const findings: Finding[] = [];
  // `name: {{tenant.name}}-web` is one mistake (an unquoted placeholder), not a syntax error plus a
  // schema error: the parse errors on that line are replaced by one capsule-template-unquoted finding.
  const errors = errorsBesidePlaceholders(parsed);
  for (const e of errors.slice(0, MAX_SYNTAX_FINDINGS)) findings.push(syntaxFinding(parsed.text, e, 'error'));
  for (const w of parsed.warnings.slice(0, MAX_SYNTAX_FINDINGS)) findings.push(syntaxFinding(parsed.text, w, 'warning'));
  if (parsed.empty) return findings;
  // Structural errors make the tree unreliable; duplicate keys and unresolved tags do not.
  const fatal = errors.some((e) => e.code !== 'DUPLICATE_KEY');
  if (!fatal) findings.push(...validateSafely(parsed, options));
  else findings.push(...placeholderFindings(reportablePlaceholders(parsed)));
  return findings;
}

/** A bug in a validator must cost one document its schema findings, never the whole analysis. */
function validateSafely(parsed: ParsedDocument, options: DocumentOptions): Finding[] {
  try {
    return validateDocument(parsed, options);
  } catch (e) {
    const nl = parsed.text.indexOf('\n');
    return [{
      ruleId: 'schema',
      messageId: 'internalError',
      severity: 'information',
      span: { start: 0, end: nl === -1 ? parsed.text.length : nl },
      message: `tenant-policy could not validate this document (internal error: ${(e as Error).message}); please report it.`,
      fixes: [],
    }];
  }
}

function syntaxFinding(text: string, p: SyntaxProblem, severity: 'error' | 'warning'): Finding {
  if (p.code === 'DUPLICATE_KEY') {
    // After a key with no value the parser reports the position where that value would be.
    let start = Math.min(p.span.start, text.length);
    while (start < text.length && /\s/.test(text[start])) start++;
    const span = { start, end: keyEnd(text, start) };
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
  let start = Math.min(p.span.start, text.length);
  let end = Math.min(p.span.end > p.span.start ? p.span.end : start + 1, text.length);
  if (end <= start) {
    // At the end of the text: underline its last visible character instead of nothing.
    let i = text.length - 1;
    while (i > 0 && /\s/.test(text[i])) i--;
    start = Math.max(0, i);
    end = Math.min(text.length, start + 1);
  }
  return {
    ruleId: 'yaml-syntax',
    messageId: p.code,
    severity,
    span: { start, end },
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

