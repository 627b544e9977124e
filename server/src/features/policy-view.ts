// The language server's side of the preview: one ModelView (preview-data.ts, the pure conversion from
// engine results to the preview protocol) per model group of a session, brought up to date with each
// model build, and a Placer over the session's files. preview.ts and code-lens.ts use both.
import { relativeTo, uriKey, uriToPath } from '../workspace/paths';
import type { IndexedFile } from '../workspace/workspace-index';
import { linePlacer, ModelView, type Placer } from './preview-data';
import type { FeatureContext } from './types';

export {
  lensPorts,
  ModelView,
  parsePort,
  policyLensTitle,
  portsText,
  ruleLensTitle,
  type AnchoredPolicy,
  type DocumentsOfFile,
  type Placer,
  type PolicyView,
  type RuleView,
} from './preview-data';

// ---- per session: one view per model group ---------------------------------------------------------

/** The view of a file's model, created or brought up to date with the model's stamp; undefined before the first build. */
export interface FileView {
  file: IndexedFile;
  view: ModelView;
  /** The file's key in the model's anchors. */
  key: string;
}

const registries = new WeakMap<FeatureContext, Map<string, ModelView>>();

/** The ModelView of the file's model group, shared by every feature of the session. */
export function viewOf(ctx: FeatureContext, uri: string): FileView | undefined {
  if (typeof uri !== 'string' || uri === '') return undefined;
  const file = ctx.file(uri);
  if (!file) return undefined;
  const built = ctx.model(file);
  if (!built) return undefined;
  let registry = registries.get(ctx);
  if (!registry) registries.set(ctx, (registry = new Map()));
  const group = file.folderUri !== undefined ? `folder:${uriKey(file.folderUri)}` : `loose:${uriKey(file.uri)}`;
  let view = registry.get(group);
  if (!view) registry.set(group, (view = new ModelView(built.model, built.stamp, uriKey)));
  else view.update(built.model, built.stamp);
  return { file, view, key: uriKey(file.uri) };
}

/** Places model sources with the line indexes of the session's files (editor text when open). */
export function placerFor(ctx: FeatureContext, folderUri: string | undefined): Placer {
  const root = folderUri !== undefined ? uriToPath(folderUri) : undefined;
  return linePlacer((uri) => {
    const file = ctx.file(uri);
    if (!file) return undefined;
    return {
      uri: file.uri,
      lines: file.lines,
      name() {
        const p = file.path;
        return (root && p ? relativeTo(root, p) : undefined) ?? (p ? (p.split(/[\\/]/).pop() ?? file.uri) : file.uri);
      },
    };
  });
}
