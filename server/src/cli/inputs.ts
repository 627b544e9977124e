// PATH arguments → the files to check, in a stable order: each file as given, each folder walked in name
// order through the configuration's include/exclude globs, `-` for standard input. Files a kustomization
// lists as patches are marked so the engine reads them as partial objects. The globs and the
// kustomization reading are the language server's (server/src/workspace), so the editor and CI select
// the same files; as there, symbolic links to folders are not followed (they can loop).
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { CONFIG_FILE_NAME, MAX_FILE_CHARS, type ProjectConfig } from '../engine';
import { PathFilter } from '../workspace/glob';
import { isKustomization, patchPaths } from '../workspace/kustomize';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Bad usage or unreadable input: the run stops with exit code 2. */
export class InputError extends Error {}

export interface Input {
  /** The path as the user wrote it, joined with the path inside a folder; `<stdin>` for standard input. */
  display: string;
  /** Absolute path; undefined for standard input. */
  abs?: string;
  isPatch: boolean;
}

export const STDIN_DISPLAY = '<stdin>';

/** Why a file could not be read, in the words the CLI's messages use. */
export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return err.message ?? String(e);
  }
}

/** The --inventory file (a cluster export), read before any output so that an unreadable one is a clean exit 2. */
export function readInventory(path: string, cwd: string): { abs: string; bytes: Uint8Array } {
  const abs = resolve(cwd, path);
  try {
    return { abs, bytes: readFileSync(abs) };
  } catch (e) {
    throw new InputError(`cannot read the inventory ${path}: ${reason(e)}`);
  }
}

export interface Collected {
  inputs: Input[];
  /** Folders or entries that could not be read; each was reported through `warn`. */
  unreadable: number;
  /** Folders given on the command line in which nothing matched. */
  emptyFolders: string[];
}

export function collectInputs(paths: readonly string[], config: ProjectConfig, cwd: string, warn: (message: string) => void): Collected {
  const missing: string[] = [];
  const kinds = paths.map((p) => {
    if (p === '-') return 'stdin' as const;
    try {
      return statSync(resolve(cwd, p)).isDirectory() ? ('folder' as const) : ('file' as const);
    } catch (e) {
      missing.push(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
      return 'missing' as const;
    }
  });
  if (missing.length > 0) throw new InputError(missing.join('\n'));

  const filter = new PathFilter(config.include, config.exclude);
  const inputs: Input[] = [];
  const seen = new Set<string>();
  const kustomizations = new Set<string>();
  const emptyFolders: string[] = [];
  let unreadable = 0;

  const add = (input: Input) => {
    const key = input.abs ?? STDIN_DISPLAY;
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push(input);
  };

  paths.forEach((p, i) => {
    const kind = kinds[i];
    if (kind === 'stdin') {
      add({ display: STDIN_DISPLAY, isPatch: false });
      return;
    }
    const abs = resolve(cwd, p);
    if (kind === 'file') {
      add({ display: p, abs, isPatch: false });
      for (const name of KUSTOMIZATION_NAMES) kustomizations.add(join(dirname(abs), name));
      return;
    }
    const before = inputs.length;
    unreadable += walk(abs, p, filter, add, kustomizations, warn);
    if (inputs.length === before) emptyFolders.push(p);
  });

  const patches = new Set<string>();
  for (const k of kustomizations) {
    let text: string;
    try {
      text = readFileSync(k, 'utf8');
    } catch {
      // Beside a file named on the command line every kustomization name is tried; most do not exist.
      continue;
    }
    for (const p of patchPaths(text, k)) patches.add(p);
  }
  if (patches.size > 0) {
    for (const input of inputs) if (input.abs && patches.has(input.abs)) input.isPatch = true;
  }
  return { inputs, unreadable, emptyFolders };
}

/** Walks a folder depth-first in name order; returns how many entries could not be read. */
function walk(
  root: string,
  display: string,
  filter: PathFilter,
  add: (input: Input) => void,
  kustomizations: Set<string>,
  warn: (message: string) => void,
): number {
  let unreadable = 0;
  const base = display.length > 1 ? display.replace(/[\\/]+$/, '') : display;
  const shown = (rel: string) => (base === sep || base === '/' ? `${base}${rel}` : `${base}${sep}${rel.split('/').join(sep)}`);
  const visit = (dir: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      warn(`cannot read the folder ${rel === '' ? display : shown(rel)}: ${(e as Error).message}`);
      unreadable++;
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const abs = join(dir, entry.name);
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          isFile = statSync(abs).isFile();
        } catch {
          warn(`skipping ${shown(childRel)}: a symbolic link to nothing`);
          continue;
        }
      }
      if (entry.isDirectory()) {
        if (!filter.excludesFolder(childRel)) visit(abs, childRel);
      } else if (isFile) {
        if (isKustomization(abs)) kustomizations.add(abs);
        // The configuration is read as such, and reported as such, not as a manifest.
        if (entry.name === CONFIG_FILE_NAME) continue;
        if (filter.includesFile(childRel)) add({ display: shown(childRel), abs, isPatch: false });
      }
    }
  };
  visit(root, '');
  return unreadable;
}

/**
 * The engine analyses files up to MAX_FILE_CHARS, the most an editor user writes by hand. The CLI also
 * reads generated streams (`kustomize build`, hundreds of MB), so it hands those over in pieces cut at
 * `---` lines; suppression comments work per document, so nothing changes but the size.
 */
const PIECE_CHARS = 1024 * 1024;

export function pieces(text: string): { start: number; text: string }[] {
  if (text.length <= MAX_FILE_CHARS) return [{ start: 0, text }];
  // Small pieces keep memory flat: the engine holds every parsed document of a piece until it is done.
  const limit = PIECE_CHARS;
  const out: { start: number; text: string }[] = [];
  let start = 0;
  for (let line = 0; line < text.length; ) {
    if (line - start >= limit && isMarker(text, line)) {
      out.push({ start, text: text.slice(start, line) });
      start = line;
    }
    const nl = text.indexOf('\n', line);
    if (nl === -1) break;
    line = nl + 1;
  }
  out.push({ start, text: text.slice(start) });
  return out;
}

function isMarker(text: string, i: number): boolean {
  if (!text.startsWith('---', i)) return false;
  const next = text.charCodeAt(i + 3);
  return Number.isNaN(next) || next === 32 || next === 9 || next === 13 || next === 10;
}
