// The engine's data: plain objects that the server, the CLI and the tests share. Offsets are UTF-16 code
// units into the file's text (what LSP speaks); only the LSP layer turns them into line/character.

export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface TextEdit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one fix an editor may apply without asking (e.g. the only close spelling). */
  isPreferred?: boolean;
  /**
   * Safe in a "fix all of this kind" action (`source.fixAll.tenantPolicy`): the fix cannot change what
   * the author meant (a DNS rule, a missing policyType), unlike, say, freezing a selector to today's
   * namespaces.
   */
  fixAll?: boolean;
}

export type FindingTag = 'deprecated' | 'unnecessary';

export interface Finding {
  /** Diagnostic code: the rule id, e.g. `schema`, `yaml-syntax`, `dns-egress-missing`. */
  ruleId: string;
  /** Stable id of the message shape within the rule; tests match on it, not on prose. */
  messageId: string;
  severity: Severity;
  span: Span;
  message: string;
  fixes: Fix[];
  tags?: FindingTag[];
}

export interface SourceFile {
  uri: string;
  text: string;
  /** A Kustomize patch (listed under `patches` of a kustomization, or detected): partial objects. */
  isPatch?: boolean;
}

export interface FileResult {
  uri: string;
  findings: Finding[];
}

export type CiliumVersion = '1.18' | '1.20';
