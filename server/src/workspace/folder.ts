// One workspace folder: its `.tenant-policy.yaml`, the editor settings scoped to it, the effective
// configuration of both, its own engine (and so its own cache), and the kustomization patches in it.
// Files outside every folder (an editor's loose documents) belong to a folder without a root.
import * as path from 'node:path';
import {
  CONFIG_FILE_NAME,
  DEFAULT_CONFIG,
  Engine,
  mergeConfig,
  normalizeSeverity,
  parseConfig,
  type FileAnalysis,
  type Finding,
  type ProjectConfig,
  type SeveritySetting,
} from '../engine';
import { DEFAULT_EDITOR_SETTINGS, type EditorSettings } from '../settings';
import { PathFilter } from './glob';
import { relativeTo } from './paths';

/** What the folder analyses: a manifest file, or a configuration file shown with its own findings. */
export type FileKind = 'manifest' | 'config';

export interface AnalysisInput {
  uri: string;
  text: string;
  kind: FileKind;
  isPatch: boolean;
  /** Findings about the file's bytes (encoding, size), at their default severity. */
  byteFindings: readonly Finding[];
}

/** Every change of configuration gets a fresh number, so result ids never repeat across folders. */
let nextConfigRevision = 1;

export interface Reconfiguration {
  /** The set of files to index may differ: include/exclude or `enable` changed. */
  rescan: boolean;
  /** Findings may differ: anything the engine reads changed. */
  reanalyse: boolean;
}

export class Folder {
  /** The configuration file's text on disk, as last applied; undefined when there is none. */
  private configText: string | undefined;
  private fileConfig: ProjectConfig = DEFAULT_CONFIG;
  private editorSettings: EditorSettings = DEFAULT_EDITOR_SETTINGS;
  private effective: ProjectConfig = DEFAULT_CONFIG;
  private readonly engine = new Engine(DEFAULT_CONFIG);
  private pathFilter = new PathFilter(DEFAULT_CONFIG.include, DEFAULT_CONFIG.exclude);
  /** Changes whenever findings of this folder's files may change without their text changing. */
  configRevision = nextConfigRevision++;
  /** Kustomization file → the patch files it lists; `patches` is their union. */
  readonly kustomizations = new Map<string, string[]>();
  patches = new Set<string>();
  /** Bumped by every scan, so a scan that a newer one replaced stops. */
  scanGeneration = 0;

  constructor(
    /** The folder's URI as the client sent it; undefined for the loose-files folder. */
    readonly uri: string | undefined,
    readonly root: string | undefined,
    readonly name: string,
    private readonly failMarker?: string,
  ) {}

  get config(): ProjectConfig {
    return this.effective;
  }

  get settings(): EditorSettings {
    return this.editorSettings;
  }

  get enabled(): boolean {
    return this.editorSettings.enable;
  }

  get filter(): PathFilter {
    return this.pathFilter;
  }

  /** The path of the folder's own `.tenant-policy.yaml`. */
  get configPath(): string | undefined {
    return this.root === undefined ? undefined : path.join(this.root, CONFIG_FILE_NAME);
  }

  contains(filePath: string): boolean {
    return this.root !== undefined && relativeTo(this.root, filePath) !== undefined;
  }

  /** True for a file below this folder that the include/exclude globs select. */
  includes(filePath: string): boolean {
    if (this.root === undefined) return false;
    const rel = relativeTo(this.root, filePath);
    return rel !== undefined && this.pathFilter.includesFile(rel);
  }

  /** Applies the configuration file's text (undefined: no file); says what the change requires. */
  setConfigText(text: string | undefined): Reconfiguration {
    if (text === this.configText) return { rescan: false, reanalyse: false };
    this.configText = text;
    this.fileConfig = text === undefined ? DEFAULT_CONFIG : parseConfig(text).config;
    return this.recompute();
  }

  setSettings(settings: EditorSettings): Reconfiguration {
    if (JSON.stringify(settings) === JSON.stringify(this.editorSettings)) return { rescan: false, reanalyse: false };
    const enableChanged = settings.enable !== this.editorSettings.enable;
    this.editorSettings = settings;
    const r = this.recompute();
    return { rescan: r.rescan || enableChanged, reanalyse: r.reanalyse || enableChanged };
  }

  private recompute(): Reconfiguration {
    const rules: Record<string, SeveritySetting> = {};
    for (const [id, value] of Object.entries(this.editorSettings.rules)) {
      const severity = normalizeSeverity(value);
      if (severity) rules[id] = severity;
    }
    const next = mergeConfig(this.fileConfig, {
      ciliumVersion: this.editorSettings.ciliumVersion === '' ? undefined : this.editorSettings.ciliumVersion,
      rules,
    });
    const before = this.effective;
    this.effective = next;
    const rescan = JSON.stringify([before.include, before.exclude]) !== JSON.stringify([next.include, next.exclude]);
    if (rescan) this.pathFilter = new PathFilter(next.include, next.exclude);
    const reanalyse = JSON.stringify(before) !== JSON.stringify(next);
    if (reanalyse) {
      this.engine.setConfig(next);
      this.configRevision = nextConfigRevision++;
    }
    return { rescan, reanalyse };
  }

  /** Replaces what one kustomization lists; returns the files whose patch status flipped. */
  setKustomization(file: string, patches: string[] | undefined): string[] {
    if (patches) this.kustomizations.set(file, patches);
    else this.kustomizations.delete(file);
    const next = new Set<string>();
    for (const list of this.kustomizations.values()) for (const p of list) next.add(p);
    const flipped = [...next].filter((p) => !this.patches.has(p));
    for (const p of this.patches) if (!next.has(p)) flipped.push(p);
    this.patches = next;
    return flipped;
  }

  /** Analyses one file with this folder's engine. Never throws: a failure becomes one finding. */
  analyze(input: AnalysisInput): { analysis: FileAnalysis; error?: Error } {
    try {
      if (this.failMarker !== undefined && input.text.includes(this.failMarker)) {
        throw new Error('analysis failure requested by a test');
      }
      if (input.kind === 'config') {
        return { analysis: { uri: input.uri, documents: [], findings: this.applySettings(parseConfig(input.text).findings) } };
      }
      const analysis = this.engine.analyzeFile({ uri: input.uri, text: input.text, isPatch: input.isPatch });
      if (input.byteFindings.length === 0) return { analysis };
      return { analysis: { ...analysis, findings: [...this.applySettings(input.byteFindings), ...analysis.findings] } };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      const finding: Finding = {
        ruleId: 'internal-error',
        messageId: 'analysisFailed',
        severity: 'error',
        span: { start: 0, end: 0 },
        message: `tenant-policy could not analyse this file (${error.message}). The server's output (Tenant Policy: Show Output) has the details; please report them.`,
        fixes: [],
      };
      return { analysis: { uri: input.uri, documents: [], findings: [finding], skipped: 'internal-error' }, error };
    }
  }

  /** The configured severities, for findings the engine did not make itself. */
  private applySettings(findings: readonly Finding[]): Finding[] {
    const out: Finding[] = [];
    for (const f of findings) {
      const setting = this.effective.rules[f.ruleId];
      if (setting === 'off') continue;
      out.push(setting ? { ...f, severity: setting } : f);
    }
    return out;
  }
}
