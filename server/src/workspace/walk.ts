// Lists a workspace folder's files for the index: the ones the include/exclude globs select, and every
// kustomization (whatever the globs say, since it decides which of the selected files are patches).
// Excluded folders are never entered; symbolic links to folders are not followed (they can loop).
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { PathFilter } from './glob';
import { isKustomization } from './kustomize';
import { relativeTo } from './paths';

export interface FolderListing {
  files: string[];
  kustomizations: string[];
  /** True when the listing stopped at `limit` files. */
  truncated: boolean;
}

/** Walks `root`; resolves undefined when `cancelled()` turns true on the way. */
export async function listFolder(root: string, filter: PathFilter, limit: number, cancelled: () => boolean): Promise<FolderListing | undefined> {
  const files: string[] = [];
  const kustomizations: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    if (cancelled()) return undefined;
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      // Unreadable or vanished folders are simply not indexed.
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const rel = relativeTo(root, full);
      if (rel === undefined) continue;
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) isFile = await stat(full).then((s) => s.isFile(), () => false);
      if (entry.isDirectory()) {
        if (!filter.excludesFolder(rel)) pending.push(full);
      } else if (isFile) {
        if (isKustomization(full)) kustomizations.push(full);
        if (filter.includesFile(rel)) {
          if (files.length >= limit) return { files: files.sort(), kustomizations, truncated: true };
          files.push(full);
        }
      }
    }
  }
  return { files: files.sort(), kustomizations, truncated: false };
}
