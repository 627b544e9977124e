// URIs as the client sends them ↔ file-system paths. Editors spell the same file in different ways
// (VS Code percent-encodes `:` and `@`, others do not), so the index keys its files by path.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The file-system path of a `file:` URI, or undefined for other schemes (`untitled:`) and bad URIs. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

/** The key of a document in the index: its path when it has one, else its URI. */
export function uriKey(uri: string): string {
  return uriToPath(uri) ?? uri;
}

/** `child` relative to `root` with `/` separators, or undefined when it is not below `root`. */
export function relativeTo(root: string, child: string): string | undefined {
  const rel = path.relative(root, child);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
