// Kustomize patches are partial objects: a strategic-merge patch of a NetworkPolicy names the policy and
// the fields it changes, nothing else. Files a kustomization lists as patches are analysed with
// `isPatch`, so they are not told they lack required fields.
import * as path from 'node:path';
import { parseDocument } from 'yaml';

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const PATCH_FIELDS = ['patches', 'patchesStrategicMerge', 'patchesJson6902'] as const;

export function isKustomization(filePath: string): boolean {
  return KUSTOMIZATION_NAMES.has(path.basename(filePath));
}

/**
 * The absolute paths of the patch files a kustomization lists. Entries are a path or `{path: …}`;
 * inline patches (`patch:`, or a multi-line string under patchesStrategicMerge) and remote URLs name no
 * local file. A kustomization that does not parse lists nothing.
 */
export function patchPaths(text: string, kustomizationPath: string): string[] {
  let value: unknown;
  try {
    // A kustomization has no business using aliases; a handful is allowed, an alias bomb is not.
    value = parseDocument(text, { uniqueKeys: false }).toJS({ maxAliasCount: 100 });
  } catch {
    return [];
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const dir = path.dirname(kustomizationPath);
  const out: string[] = [];
  for (const field of PATCH_FIELDS) {
    const entries = (value as Record<string, unknown>)[field];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const p = typeof entry === 'string' ? entry : entry && typeof entry === 'object' ? (entry as { path?: unknown }).path : undefined;
      if (typeof p !== 'string' || p.trim() === '' || p.includes('\n') || p.includes('://')) continue;
      out.push(path.resolve(dir, p.trim()));
    }
  }
  return out;
}
