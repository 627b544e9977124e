// Real engine results for the webview tests, in the panel's protocol shapes, converted by the server's own
// code (server/src/features/preview-data.ts), so the panel is tested on exactly what the server sends.
// This file only loads: it reads a folder's files as the CLI selects them (the folder's
// .tenant-policy.yaml include/exclude globs, kustomize patches), builds the model with the engine facade,
// and places sources with LineIndexes of the texts it read.
import { readFileSync } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildWorkspaceModel, CONFIG_FILE_NAME, Engine, extractFile, LineIndex, Reachability, type FileModel, type ProjectConfig } from '../../server/src/engine';
import { loadConfig } from '../../server/src/cli/config';
import { collectInputs } from '../../server/src/cli/inputs';
import { linePlacer, ModelView, type PlacedFile } from '../../server/src/features/preview-data';
import type { WorkspaceModel } from '../../server/src/engine/model/workspace';
import type { ExplainResult, PreviewResult } from '../../server/src/protocol';

export interface WorkspaceData {
  ws: { model: WorkspaceModel; config: ProjectConfig };
  reach: Reachability;
  /** What `tenantPolicy/preview` answers: the matrix, and the policy with this id when given. */
  result(policyId?: string): PreviewResult;
  /** What `tenantPolicy/explain` answers for a matrix cell. */
  explain(from: string, to: string, port?: string): ExplainResult;
}

export async function loadData(path: string): Promise<WorkspaceData> {
  const config = loadConfig(undefined, path, process.cwd()).config;
  const warnings: string[] = [];
  const { inputs, unreadable } = collectInputs([path], config, process.cwd(), (m) => warnings.push(m));
  if (unreadable > 0) throw new Error(`cannot read ${path}: ${warnings.join('; ')}`);
  const engine = new Engine(config);
  const files = new Map<string, PlacedFile>();
  const models: FileModel[] = [];
  for (const input of inputs) {
    // The configuration configures; it declares no objects (as the CLI and the server read it).
    if (input.abs === undefined || basename(input.abs) === CONFIG_FILE_NAME) continue;
    const text = readFileSync(input.abs, 'utf8');
    const uri = pathToFileURL(input.abs).href;
    const name = relative(path, input.abs).split(sep).join('/');
    files.set(uri, { uri, lines: new LineIndex(text), name: () => name });
    models.push(extractFile(engine.analyzeFile({ uri, text, isPatch: input.isPatch }), 'declared'));
  }
  const model = buildWorkspaceModel(models);
  const reach = new Reachability(model);
  const view = new ModelView(model, 1, (uri) => uri, reach);
  const placer = linePlacer((uri) => files.get(uri));
  return {
    ws: { model, config },
    reach,
    result(policyId) {
      const result: PreviewResult = { stamp: view.stamp, scope: basename(path), state: 'ready', matrix: view.matrix(config.platformNamespaces ?? []) };
      const anchored = policyId !== undefined ? view.policyById(policyId) : undefined;
      const policy = anchored && view.policyView(anchored, placer)?.policy;
      if (policy) result.policy = policy;
      return result;
    },
    explain(from, to, port) {
      return view.explain({ uri: '', from: { namespace: from }, to: { namespace: to }, port }, placer);
    },
  };
}
