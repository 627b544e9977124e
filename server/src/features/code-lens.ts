// Code lenses above each policy (a NetworkPolicy / Cilium document or `specs[i]`, a Capsule Tenant
// `networkPolicies.items[i]`, a (Global)TenantResource rawItem) and above each of its rules: what it
// selects and isolates, what each rule admits ("admits 4 namespaces (2 tenants) · TCP 80, 443"). The
// titles come from the same view as the preview panel. Clicking runs `tenantPolicy.openPreview` with
// [uri, position] — a command the VS Code client registers; the server does not list it in
// executeCommandProvider (vscode-languageclient would register the id a second time), so in other
// editors the lens is text. Lenses appear once the folder's model is built, and are refreshed after
// every rebuild when the client accepts workspace/codeLens/refresh.
import { CodeLensRefreshRequest, type CodeLens, type CodeLensParams, type Position } from 'vscode-languageserver/node';
import { guardNotification, guardRequest } from '../lsp/guard';
import { placerFor, policyLensTitle, ruleLensTitle, viewOf } from './policy-view';
import type { Feature, FeatureContext } from './types';

export const OPEN_PREVIEW_COMMAND = 'tenantPolicy.openPreview';

function lens(uri: string, at: Position, title: string): CodeLens {
  return {
    range: { start: at, end: at },
    command: { title, command: OPEN_PREVIEW_COMMAND, arguments: [uri, at] },
  };
}

export function codeLenses(ctx: FeatureContext, params: CodeLensParams): CodeLens[] {
  const uri = params?.textDocument?.uri;
  if (typeof uri !== 'string') return [];
  const fv = viewOf(ctx, uri);
  if (!fv || !fv.file.enabled) return [];
  const { file, view, key } = fv;
  const placer = placerFor(ctx, file.folderUri);
  const out: CodeLens[] = [];
  const seen = new Set<string>();
  for (const { policy, span } of view.placedPolicies(key, file.analysis)) {
    const pv = view.policyView(policy, placer);
    if (!pv) continue;
    const at = file.lines.positionAt(span.start);
    out.push(lens(file.uri, at, policyLensTitle(pv)));
    const first = policy.namespace;
    for (const r of pv.rules) {
      const ruleAt = r.rule.location;
      // Only rules written in this file; a rule on the policy's own line would stack two lenses there.
      if (!ruleAt || ctx.file(ruleAt.uri)?.uri !== file.uri) continue;
      const k = `${ruleAt.range.start.line}|${r.rule.direction}|${r.rule.index}|${r.rule.effect}`;
      if (seen.has(k) || ruleAt.range.start.line === at.line) continue;
      seen.add(k);
      out.push(lens(file.uri, ruleAt.range.start, ruleLensTitle(r, pv.instances.length, first)));
    }
  }
  return out;
}

export const codeLensFeature: Feature = {
  name: 'code-lens',
  capabilities: () => ({ codeLensProvider: { resolveProvider: false } }),
  register(ctx) {
    ctx.connection.onCodeLens(guardRequest(ctx.log, 'textDocument/codeLens', (params) => codeLenses(ctx, params), (): CodeLens[] => []));
    if (!ctx.client.codeLensRefresh) return;
    ctx.onModelBuilt(
      guardNotification(ctx.log, 'workspace/codeLens/refresh', () => {
        ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch((e: unknown) => ctx.log.debug(`workspace/codeLens/refresh failed: ${String(e)}`));
      }),
    );
  },
};
