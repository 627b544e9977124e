// Finds and reads the project configuration for a run: --config FILE, else the nearest
// .tenant-policy.yaml from the first PATH up to the repository root (a folder with .git) or the
// filesystem root. Its own problems are reported like any file's.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CONFIG_FILE_NAME, DEFAULT_CONFIG, LineIndex, decodeUtf8, parseConfig, type Finding, type ProjectConfig } from '../engine';
import { InputError, reason } from './inputs';

export interface LoadedConfig {
  config: ProjectConfig;
  /** The file read, with its findings; undefined when none was found. */
  file?: { display: string; abs: string; text: string; lines: LineIndex; findings: Finding[] };
}

export function loadConfig(explicit: string | undefined, firstPath: string, cwd: string): LoadedConfig {
  const abs = explicit !== undefined ? resolve(cwd, explicit) : findConfigFile(firstPath === '-' ? cwd : resolve(cwd, firstPath));
  if (!abs) return { config: DEFAULT_CONFIG };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    throw new InputError(`cannot read the configuration ${explicit ?? abs}: ${reason(e)}`);
  }
  const { text } = decodeUtf8(bytes);
  const { config, findings } = parseConfig(text);
  const display = explicit ?? (relative(cwd, abs) || CONFIG_FILE_NAME);
  return { config, file: { display, abs, text, lines: new LineIndex(text), findings } };
}

export function findConfigFile(start: string): string | undefined {
  let dir = isDirectory(start) ? start : dirname(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate) && !isDirectory(candidate)) return candidate;
    // The repository root is as far as a project's configuration reaches.
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
