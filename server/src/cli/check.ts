// `tenant-policy check`: configuration, inputs, the engine over each file, results streamed to the
// chosen format. Exit code: 0 no errors (and no more warnings than --max-warnings), 1 errors, 2 bad usage
// or unreadable input. With --baseline, the findings it lists are neither reported nor counted.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildWorkspaceModel,
  CONFIG_FILE_NAME,
  Engine,
  extractFile,
  modelFindingsForFile,
  shiftFinding as shift,
  type FileModel,
  LineIndex,
  parseConfig,
  type Finding,
  type ProjectConfig,
  type SeveritySetting,
} from '../engine';
import { decode } from '../workspace/read';
import type { CheckRequest } from './args';
import { BaselineError, difference, entriesFor, fileKeyOf, parseBaseline, pathScope, readBaseline, serializeBaseline, type BaselineEntry, type Scope } from './baseline';
import { loadConfig, type LoadedConfig } from './config';
import { JsonFormatter } from './format/json';
import { SarifFormatter } from './format/sarif';
import { TextFormatter } from './format/text';
import { Output, type Formatter, type Totals } from './format/types';
import { collectInputs, InputError, pieces, readInventory, reason, STDIN_DISPLAY, type Collected, type Input } from './inputs';

export interface Io {
  cwd: string;
  stdout: (chunk: string) => void;
  stderr: (line: string) => void;
  readStdin: () => Promise<Uint8Array>;
}

export async function runCheck(req: CheckRequest, io: Io): Promise<number> {
  let loaded: LoadedConfig;
  let config: ProjectConfig;
  let collected: Collected;
  try {
    loaded = loadConfig(req.config, req.paths[0], io.cwd);
    config = {
      ...loaded.config,
      rules: { ...loaded.config.rules, ...req.rules },
      ciliumVersion: req.ciliumVersion ?? loaded.config.ciliumVersion,
    };
    collected = collectInputs(req.paths, config, io.cwd, io.stderr);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(e.message);
      return 2;
    }
    throw e;
  }
  for (const folder of collected.emptyFolders) io.stderr(`note: no files to check in ${folder} (include: ${config.include.join(', ')})`);

  // The baseline is read before any output too: a missing or malformed one is a clean exit 2.
  let gate: Gate | undefined;
  if (req.baseline !== undefined) {
    try {
      gate = openGate(req, io.cwd, collected.inputs.map((i) => i.abs), loaded.file?.abs);
    } catch (e) {
      if (e instanceof BaselineError) {
        io.stderr(e.message);
        return 2;
      }
      throw e;
    }
  }

  const out = new Output(io.stdout);
  const formatter: Formatter =
    req.format === 'json' ? new JsonFormatter(out) : req.format === 'sarif' ? new SarifFormatter(out, io.cwd, gate !== undefined) : new TextFormatter(out);
  const totals: Totals = { errors: 0, warnings: 0, infos: 0, hints: 0, files: 0 };
  const count = (findings: Finding[]) => {
    for (const f of findings) {
      if (f.severity === 'error') totals.errors++;
      else if (f.severity === 'warning') totals.warnings++;
      else if (f.severity === 'information') totals.infos++;
      else totals.hints++;
    }
  };

  let inventory: ReturnType<typeof readInventory> | undefined;
  if (req.inventory !== undefined) {
    try {
      inventory = readInventory(req.inventory, io.cwd);
    } catch (e) {
      if (e instanceof InputError) {
        io.stderr(e.message);
        return 2;
      }
      throw e;
    }
  }

  formatter.begin();
  if (loaded.file) {
    const own = withSettings(loaded.file.findings, config.rules);
    const findings = gate ? gate.pass(loaded.file.abs, loaded.file.text, own) : own;
    count(findings);
    formatter.file({ ...loaded.file, findings });
  }

  // Two passes: every file is analysed and modelled first, because some findings (a Capsule placeholder
  // in a GlobalTenantResource, a Cilium peer reaching other namespaces) depend on the whole workspace.
  let unreadable = collected.unreadable;
  const checked: Checked[] = [];
  for (const input of collected.inputs) {
    // Named on the command line, the configuration in use is already reported above.
    if (input.abs !== undefined && input.abs === loaded.file?.abs) continue;
    let bytes: Uint8Array;
    try {
      bytes = input.abs === undefined ? await io.readStdin() : readFileSync(input.abs);
    } catch (e) {
      io.stderr(`cannot read ${input.display}: ${reason(e)}`);
      unreadable++;
      continue;
    }
    checked.push(analyze(config, input, bytes));
  }
  const fileModels = checked.flatMap((c) => c.pieces.map((p) => p.model));
  if (inventory) {
    const analysis = new Engine(config).analyzeFile({ uri: pathToFileURL(inventory.abs).href, text: decode(inventory.bytes).text });
    fileModels.push(extractFile(analysis, 'inventory'));
  }
  const model = buildWorkspaceModel(fileModels, { config });
  for (const c of checked) {
    const findings = [...c.findings];
    for (const piece of c.pieces) {
      for (const f of modelFindingsForFile(model, piece.model.uri, piece.text, config)) findings.push(piece.start === 0 ? f : shift(f, piece.start));
    }
    findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    const reported = gate ? gate.pass(c.input.abs, c.text, findings) : findings;
    count(reported);
    totals.files++;
    formatter.file({ display: c.input.display, abs: c.input.abs, lines: new LineIndex(c.text), findings: reported });
    out.flush();
  }
  if (gate) totals.baseline = { suppressed: gate.suppressed, stale: gate.stale() };
  formatter.end(totals);
  out.flush();
  if (gate?.update) {
    // A baseline written without some of the files would drop their entries and fail the next run.
    if (unreadable > 0) {
      io.stderr(`the baseline ${req.baseline} was not updated: some inputs could not be read.`);
      return 2;
    }
    try {
      io.stderr(gate.write(req.baseline!));
    } catch (e) {
      io.stderr(`cannot write the baseline ${req.baseline}: ${reason(e)}`);
      return 2;
    }
    return 0;
  }
  if (unreadable > 0) return 2;
  if (req.maxWarnings !== undefined && totals.warnings > req.maxWarnings) {
    io.stderr(`${totals.warnings} ${totals.warnings === 1 ? 'warning' : 'warnings'}: more than --max-warnings ${req.maxWarnings} allows.`);
    return 1;
  }
  return totals.errors > 0 ? 1 : 0;
}

/** What --baseline (and --update-baseline) does to each file's findings. */
interface Gate {
  readonly update: boolean;
  /** The findings of one file that are reported. */
  pass(abs: string | undefined, text: string, findings: Finding[]): Finding[];
  readonly suppressed: number;
  /** Entries of the files checked that matched nothing. */
  stale(): number;
  /** Writes the new baseline; returns what to tell the user. */
  write(shown: string): string;
}

function openGate(req: CheckRequest, cwd: string, inputs: (string | undefined)[], configAbs: string | undefined): Gate {
  const abs = resolve(cwd, req.baseline!);
  const shown = req.baseline!;
  const dir = dirname(abs);
  // The files this run is about: under its PATHs, or read by it (the discovered configuration).
  const read = new Set(inputs.map((p) => fileKeyOf(dir, p)));
  if (configAbs !== undefined) read.add(fileKeyOf(dir, configAbs));
  const under = pathScope(req.paths, cwd, dir);
  const scope: Scope = (file) => read.has(file) || under(file);
  if (!req.updateBaseline) {
    const baseline = readBaseline(abs, shown);
    return {
      update: false,
      pass: (file, text, findings) => baseline.filter(file, text, findings),
      get suppressed() {
        return baseline.suppressed;
      },
      stale: () => baseline.stale(scope),
      write: () => '',
    };
  }
  // Updating: entries of files outside this run are kept, so a run over one folder does not forget the others.
  let previous: BaselineEntry[] = [];
  let readable = true;
  try {
    previous = parseBaseline(readFileSync(abs, 'utf8'), shown);
  } catch {
    readable = false;
  }
  const written: BaselineEntry[] = previous.filter((e) => !scope(e.file));
  let suppressed = 0;
  return {
    update: true,
    pass: (file, text, findings) => {
      const { entries, rest } = entriesFor(fileKeyOf(dir, file), text, findings);
      written.push(...entries);
      suppressed += entries.length;
      return rest;
    },
    get suppressed() {
      return suppressed;
    },
    stale: () => 0,
    write: (name) => {
      writeFileSync(abs, serializeBaseline(written));
      const n = written.length === 1 ? '1 finding' : `${written.length} findings`;
      if (!readable) return `wrote the baseline ${name}: ${n}.`;
      const { added, removed } = difference(previous, written);
      return `wrote the baseline ${name}: ${n} (${added} added, ${removed} removed).`;
    },
  };
}

interface Checked {
  input: Input;
  text: string;
  findings: Finding[];
  /** The pieces the text was analysed in, each with its model (see `pieces`). */
  pieces: { start: number; text: string; model: FileModel }[];
}

function analyze(config: ProjectConfig, input: Input, bytes: Uint8Array): Checked {
  // As in the editor: bytes that are not UTF-8 are one invalid-encoding finding, and the text read with
  // replacement characters is still checked.
  const decoded = decode(bytes);
  const text = decoded.text;
  const uri = input.abs ? pathToFileURL(input.abs).href : STDIN_DISPLAY;
  const findings: Finding[] = withSettings(decoded.findings, config.rules);
  const checked: Checked = { input, text, findings, pieces: [] };
  if (input.abs !== undefined && basename(input.abs) === CONFIG_FILE_NAME) {
    // Another project's configuration, named on the command line: checked as a configuration.
    findings.push(...withSettings(parseConfig(text).findings, config.rules));
    return checked;
  }
  for (const piece of pieces(text)) {
    // A fresh engine each time: its cache serves an editor re-analysing as the user types, while the
    // CLI reads each document once, and a cache of 20,000 parsed documents only costs memory here.
    const pieceUri = piece.start === 0 ? uri : `${uri}#offset=${piece.start}`;
    const analysis = new Engine(config).analyzeFile({ uri: pieceUri, text: piece.text, isPatch: input.isPatch });
    for (const f of analysis.findings) findings.push(piece.start === 0 ? f : shift(f, piece.start));
    checked.pieces.push({ start: piece.start, text: piece.text, model: extractFile(analysis, 'declared') });
  }
  return checked;
}

/** The configured severities (rules, then --rule) for findings made outside the engine. */
function withSettings(findings: Finding[], rules: Record<string, SeveritySetting>): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const setting = rules[f.ruleId];
    if (setting === 'off') continue;
    out.push(setting ? { ...f, severity: setting } : f);
  }
  return out;
}
