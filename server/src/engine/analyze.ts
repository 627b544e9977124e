// The per-file pipeline: split into `---` documents, analyse each document on its own (cached by its
// text, so an edit re-validates only the documents it touched), shift offsets to the file, then apply
// the user's severities and suppression comments.
import { DEFAULT_CONFIG, type ProjectConfig } from './config';
import { detectHelm } from './parse/helm';
import { parseChunk, type ParsedDocument } from './parse/document';
import { splitDocuments, type Chunk } from './parse/split';
import { applySuppressions } from './suppress';
import { ruleMeta } from './rules/catalog';
import { checkDocument } from './check-document';
import type { Finding, SourceFile } from './types';

/** Files larger than this are reported, not analysed: no editor user writes policy that big by hand. */
export const MAX_FILE_CHARS = 20 * 1024 * 1024;

export interface DocumentOptions {
  ciliumVersion: ProjectConfig['ciliumVersion'];
  isPatch: boolean;
}

export interface AnalyzedDocument {
  chunk: Chunk;
  parsed: ParsedDocument;
  /** Findings with offsets local to the chunk, before severities and suppressions. */
  local: Finding[];
}

export interface FileAnalysis {
  uri: string;
  documents: AnalyzedDocument[];
  findings: Finding[];
  /** Set when the whole file was skipped (Helm template, too large). */
  skipped?: string;
}

const CACHE_LIMIT = 20_000;

export class Engine {
  private config: ProjectConfig;
  // Keyed by options + the document's text: identical documents (in any file) share one analysis.
  private readonly cache = new Map<string, { parsed: ParsedDocument; local: Finding[] }>();

  constructor(config: ProjectConfig = DEFAULT_CONFIG) {
    this.config = config;
  }

  get projectConfig(): ProjectConfig {
    return this.config;
  }

  setConfig(config: ProjectConfig): void {
    if (config.ciliumVersion !== this.config.ciliumVersion) this.cache.clear();
    this.config = config;
  }

  analyzeFile(file: SourceFile): FileAnalysis {
    const { uri, text } = file;
    if (text.length > MAX_FILE_CHARS) {
      const finding = this.finding('file-too-large', 'tooLarge', { start: 0, end: 0 },
        `This file has ${text.length.toLocaleString('en-US')} characters; tenant-policy analyses files up to ${MAX_FILE_CHARS.toLocaleString('en-US')}.`);
      return { uri, documents: [], findings: this.finalize(text, [finding]), skipped: 'too-large' };
    }
    const chunks = splitDocuments(text);
    const helm = detectHelm(text, chunks);
    if (helm) {
      const finding = this.finding('helm-template-skipped', 'helmTemplate', helm.span,
        `This file is a Helm template (\`${helm.excerpt}\`); tenant-policy skips it. Render it first: helm template … | tenant-policy check -`);
      return { uri, documents: [], findings: this.finalize(text, [finding]), skipped: 'helm' };
    }
    const options: DocumentOptions = { ciliumVersion: this.config.ciliumVersion, isPatch: !!file.isPatch };
    const documents: AnalyzedDocument[] = [];
    const all: Finding[] = [];
    for (const chunk of chunks) {
      const { parsed, local } = this.analyzeChunk(chunk.text, options);
      documents.push({ chunk, parsed, local });
      for (const f of local) all.push(shiftFinding(f, chunk.start));
    }
    return { uri, documents, findings: this.finalize(text, all) };
  }

  private analyzeChunk(text: string, options: DocumentOptions): { parsed: ParsedDocument; local: Finding[] } {
    const key = `${options.ciliumVersion}|${options.isPatch ? 'p' : 'm'}|${text}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Refresh recency: Map iteration order is insertion order, so re-insert.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const parsed = parseChunk(text);
    const local = checkDocument(parsed, options);
    const entry = { parsed, local };
    this.cache.set(key, entry);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return entry;
  }

  private finding(ruleId: string, messageId: string, span: Finding['span'], message: string): Finding {
    return { ruleId, messageId, severity: ruleMeta(ruleId)?.defaultSeverity ?? 'error', span, message, fixes: [] };
  }

  /** Severities from the configuration, then suppression comments; sorted by position. */
  private finalize(text: string, findings: Finding[]): Finding[] {
    const out: Finding[] = [];
    for (const f of findings) {
      const setting = this.config.rules[f.ruleId];
      if (setting === 'off') continue;
      out.push(setting ? { ...f, severity: setting } : f);
    }
    const kept = applySuppressions(text, out);
    kept.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return kept;
  }
}

/** A finding moved by `by` characters, its fixes too (documents and pieces of larger texts). */
export function shiftFinding(f: Finding, by: number): Finding {
  if (by === 0) return f;
  return {
    ...f,
    span: { start: f.span.start + by, end: f.span.end + by },
    fixes: f.fixes.map((fix) => ({
      ...fix,
      edits: fix.edits.map((e) => ({ ...e, span: { start: e.span.start + by, end: e.span.end + by } })),
    })),
  };
}
