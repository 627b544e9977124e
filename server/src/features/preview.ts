// The preview panel's requests: `tenantPolicy/preview` (the policy under the cursor and the namespace
// matrix of its folder), `tenantPolicy/explain` (a matrix cell's walkthrough), and the
// `tenantPolicy/modelChanged` notification after every rebuild so an open panel asks again. Other LSP
// clients ignore the notification. Everything the client gets is plain JSON from policy-view.ts.
import type { CancellationToken } from 'vscode-languageserver/node';
import { checkCancelled, guardNotification, guardRequest } from '../lsp/guard';
import {
  ExplainRequest,
  ModelChangedNotification,
  PreviewRequest,
  type ExplainParams,
  type ExplainResult,
  type ModelChangedParams,
  type PreviewParams,
  type PreviewResult,
} from '../protocol';
import { placerFor, viewOf } from './policy-view';
import type { Feature, FeatureContext } from './types';

function scopeName(folderUri: string | undefined, uri: string): string {
  const target = folderUri ?? uri;
  const name = decodeURIComponent(target.replace(/\/+$/, '').split('/').pop() ?? target);
  return name || target;
}

function isPosition(p: unknown): p is { line: number; character: number } {
  const o = p as { line?: unknown; character?: unknown } | null | undefined;
  return !!o && Number.isInteger(o.line) && Number.isInteger(o.character) && (o.line as number) >= 0 && (o.character as number) >= 0;
}

export function preview(ctx: FeatureContext, params: PreviewParams, token?: CancellationToken): PreviewResult {
  const uri = typeof params?.uri === 'string' ? params.uri : '';
  const file = uri ? ctx.file(uri) : undefined;
  const empty: PreviewResult = { stamp: 0, scope: uri ? scopeName(undefined, uri) : '', state: 'empty' };
  if (!file) return empty;
  const scope = scopeName(file.folderUri, file.uri);
  const fv = viewOf(ctx, uri);
  if (!fv) return { ...empty, scope, state: ctx.modelPending(file) ? 'indexing' : 'empty' };
  const { view, key } = fv;
  const placer = placerFor(ctx, file.folderUri);
  const result: PreviewResult = { stamp: view.stamp, scope, state: 'ready' };
  // A position past the end of the text is clamped by the line index, so it means "the last line".
  const offset = isPosition(params.position) ? file.lines.offsetAt(params.position) : undefined;
  const anchored = view.policyAt(key, offset, file.analysis);
  if (anchored) {
    const pv = view.policyView(anchored, placer);
    if (pv) result.policy = pv.policy;
  }
  checkCancelled(token);
  if (!params.noMatrix) result.matrix = view.matrix(file.config.platformNamespaces ?? []);
  return result;
}

export function explain(ctx: FeatureContext, params: ExplainParams): ExplainResult {
  const from = typeof params?.from?.namespace === 'string' ? params.from.namespace : '';
  const to = typeof params?.to?.namespace === 'string' ? params.to.namespace : '';
  const none = (text: string): ExplainResult => ({ from, to, allowed: 'none', uncertain: false, steps: [], text });
  const uri = typeof params?.uri === 'string' ? params.uri : '';
  const file = uri ? ctx.file(uri) : undefined;
  if (!file) return none('explain: the document is not known to the server.');
  const fv = viewOf(ctx, uri);
  if (!fv) return none('explain: the workspace is still being indexed.');
  return fv.view.explain(params, placerFor(ctx, file.folderUri));
}

export const previewFeature: Feature = {
  name: 'preview',
  capabilities: () => ({}),
  register(ctx) {
    const { connection, log } = ctx;
    connection.onRequest(
      PreviewRequest.type,
      guardRequest(log, PreviewRequest.method, (params, token) => preview(ctx, params, token), (): PreviewResult => ({ stamp: 0, scope: '', state: 'empty' })),
    );
    connection.onRequest(
      ExplainRequest.type,
      guardRequest(log, ExplainRequest.method, (params) => explain(ctx, params), (): ExplainResult => ({ from: '', to: '', allowed: 'none', uncertain: false, steps: [], text: 'explain failed: see the server log.' })),
    );
    ctx.onModelBuilt(
      guardNotification(log, ModelChangedNotification.method, (built) => {
        const params: ModelChangedParams = { stamp: built.stamp };
        if (built.folderUri !== undefined) params.folderUri = built.folderUri;
        if (built.looseUri !== undefined) params.uri = built.looseUri;
        void connection.sendNotification(ModelChangedNotification.type, params).catch(() => undefined);
      }),
    );
  },
};
