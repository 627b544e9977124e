// Folding ranges over the wire: documents, block collections from their key or `-` line, block scalars,
// comment runs and regions, each ending at its last line of content; broken and skipped files still fold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FoldingRangeKind, FoldingRangeRequest, type FoldingRange } from 'vscode-languageserver-protocol/node';
import { TestClient, tempWorkspace } from './client';

const TEXT = [
  /* 0 */ '# The default policy,',
  /* 1 */ '# written by the platform team.',
  /* 2 */ 'apiVersion: networking.k8s.io/v1',
  /* 3 */ 'kind: NetworkPolicy',
  /* 4 */ 'metadata:',
  /* 5 */ '  name: deny',
  /* 6 */ '  annotations:',
  /* 7 */ '    note: |',
  /* 8 */ '      line one',
  /* 9 */ '      line two',
  /* 10 */ '',
  /* 11 */ 'spec:',
  /* 12 */ '  podSelector: {}',
  /* 13 */ '  egress:',
  /* 14 */ '    - to:',
  /* 15 */ '        - ipBlock:',
  /* 16 */ '            cidr: 10.0.0.0/8',
  /* 17 */ '      ports: [{ port: 53 },',
  /* 18 */ '        { port: 54 }]',
  /* 19 */ '  # a comment about what follows',
  /* 20 */ '',
  /* 21 */ '---',
  /* 22 */ '# region tenants',
  /* 23 */ 'apiVersion: v1',
  /* 24 */ 'kind: Namespace',
  /* 25 */ 'metadata:',
  /* 26 */ '  name: solar',
  /* 27 */ '# endregion',
  /* 28 */ '',
].join('\n');

const key = (r: FoldingRange) => `${r.startLine}-${r.endLine}${r.kind ? ` ${r.kind}` : ''}`;

test('folding: documents, blocks, scalars, comments and regions end at their last line of content', async () => {
  const ws = tempWorkspace({ 'policy.yaml': TEXT });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    assert.equal(client.initializeResult.capabilities.foldingRangeProvider, true);
    const uri = ws.uri('policy.yaml');
    await client.open(uri, TEXT);
    const ranges = await client.request<FoldingRange[]>(FoldingRangeRequest.method, { textDocument: { uri } });
    assert.deepEqual(ranges.map(key), [
      // The first document (its leading comments included), folded without the trailing blank line.
      `0-19`,
      '4-9', // metadata: up to the block scalar's last line, not the blank line after it
      '6-9', // annotations
      '7-9', // the block scalar
      '11-18', // spec: the comment at the document's end is the document's, not spec's
      '13-18', // egress: the comment at spec's indentation is not part of egress
      '14-18', // the rule, from its `-` line
      '15-16', // the peer
      '17-18', // a flow sequence over two lines
      '21-27', // the second document, from its `---` line
      `22-27 ${FoldingRangeKind.Region}`,
      '25-26',
    ]);
    // Comment runs fold (the first document's leading comment is two lines, but its start line is the document's).
    const comments = `apiVersion: v1\n# one\n# two\n# three\nkind: Namespace\n`;
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 29, character: 0 } }, newText: comments }]);
    const again = await client.request<FoldingRange[]>(FoldingRangeRequest.method, { textDocument: { uri } });
    assert.deepEqual(again.map(key), [`1-3 ${FoldingRangeKind.Comment}`]);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('folding: broken YAML and Helm templates still fold; unknown documents answer empty', async () => {
  const helm = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    app: x\nspec:\n  podSelector: {}\n`;
  const broken = `kind: NetworkPolicy\nmetadata:\n  name: [unclosed\n  labels:\n    a: b\nspec:\n\tingress: x\n`;
  const ws = tempWorkspace({ 'helm.yaml': helm, 'broken.yaml': broken });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const helmRanges = await client.request<FoldingRange[]>(FoldingRangeRequest.method, { textDocument: { uri: ws.uri('helm.yaml') } });
    assert.deepEqual(helmRanges.map(key), ['2-5', '4-5', '6-7']);
    const brokenRanges = await client.request<FoldingRange[]>(FoldingRangeRequest.method, { textDocument: { uri: ws.uri('broken.yaml') } });
    assert.ok(Array.isArray(brokenRanges));
    for (const r of brokenRanges) assert.ok(r.startLine < r.endLine && r.endLine <= 7, key(r));
    assert.deepEqual(await client.request(FoldingRangeRequest.method, { textDocument: { uri: ws.uri('missing.yaml') } }), []);
    assert.deepEqual(await client.request(FoldingRangeRequest.method, { textDocument: {} }), []);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});
