// The pieces of the preview panel that need no browser: the HTML shell's CSP, the port texts, the
// matrix model (grouping, aggregation, port filter) and the exports' escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewCsp, previewHtml } from '../../client/src/preview/html';
import { parsePortQuery, parsePorts, portsInclude } from '../../client/webview/ports';
import { MatrixIndex, describeCell } from '../../client/webview/model';
import { toCsv, toMarkdown, toSvg } from '../../client/webview/exporters';
import { MAX_PNG_SIDE, rasterPlan, svgSize } from '../../client/webview/raster';
import { exportBytes, isExportFormat, pngSize } from '../../client/src/preview/export-file';
import type { PreviewMatrix } from '../../server/src/protocol';

test('the shell: strict CSP, one nonced script, no inline style, attributes escaped', () => {
  const html = previewHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x/webview.js?a=1&b="2"', styleUri: 'https://x/webview.css' });
  assert.ok(html.includes(`content="${previewCsp('https://x.vscode-cdn.net', 'abc123').replace(/'/g, "'")}"`));
  assert.equal(previewCsp('S', 'N'), "default-src 'none'; script-src 'nonce-N'; style-src S; img-src S data:; font-src S");
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<script nonce="abc123" src="https:\/\/x\/webview.js\?a=1&amp;b=&quot;2&quot;"><\/script>/);
  assert.doesNotMatch(html, /style=|<style/);
});

test('port texts in both forms the server writes', () => {
  assert.deepEqual(parsePortQuery('TCP/5432'), { protocol: 'TCP', port: 5432 });
  assert.deepEqual(parsePortQuery(' udp 53 '), { protocol: 'UDP', port: 53 });
  assert.deepEqual(parsePortQuery('8080'), { protocol: 'TCP', port: 8080 });
  for (const bad of ['', 'TCP/', 'TCP/0', 'TCP/70000', 'ICMP/1', '<img>', 'TCP/5432/1']) assert.equal(parsePortQuery(bad), undefined, bad);
  assert.equal(parsePorts('all').all, true);
  assert.equal(parsePorts('All Connections').all, true);
  assert.deepEqual(parsePorts('TCP 53,80-82;UDP 53').ranges, [
    { protocol: 'TCP', from: 53, to: 53 }, { protocol: 'TCP', from: 80, to: 82 }, { protocol: 'UDP', from: 53, to: 53 },
  ]);
  assert.ok(portsInclude('TCP/80, TCP/443, UDP/53', { protocol: 'UDP', port: 53 }));
  assert.ok(!portsInclude('TCP/80, TCP/443, UDP/53', { protocol: 'TCP', port: 53 }));
  assert.ok(portsInclude('TCP 53,80-82;UDP 53', { protocol: 'TCP', port: 81 }));
  assert.ok(!portsInclude('garbage <img>', { protocol: 'TCP', port: 81 }));
  // `all TCP`: what the server writes for every port of one protocol (a rule with `protocol: TCP` only).
  assert.ok(portsInclude('all TCP', { protocol: 'TCP', port: 5432 }));
  assert.ok(portsInclude('all TCP, UDP/53', { protocol: 'TCP', port: 5432 }));
  assert.ok(portsInclude('all TCP, UDP/53', { protocol: 'UDP', port: 53 }));
  assert.ok(!portsInclude('all TCP, UDP/53', { protocol: 'UDP', port: 54 }));
  assert.equal(parsePortQuery('UDP:53')?.port, 53);
});

const M: PreviewMatrix = {
  namespaces: [
    { name: 'a1', tenant: 'a', workloads: 1 },
    { name: 'a2', tenant: 'a', workloads: 1 },
    { name: 'b1', tenant: 'b', workloads: 1 },
    { name: 'sys', workloads: 1 },
    { name: '=cmd|x', tenant: 'b', workloads: 0 },
  ],
  tenants: [{ name: 'a', namespaces: [0, 1] }, { name: 'b', namespaces: [2, 4] }],
  cells: [
    { src: 0, dst: 1, level: 'all', ports: 'all' },
    { src: 1, dst: 0, level: 'all', ports: 'all' },
    { src: 0, dst: 2, level: 'some', ports: 'TCP/5432' },
    { src: 3, dst: 0, level: 'some', ports: 'TCP/80, UDP/53', uncertain: true },
    { src: 99, dst: -1, level: 'all', ports: 'all' },
  ],
};

test('the matrix model: groups by tenant, aggregates collapsed groups, filters by name and port', () => {
  const ix = new MatrixIndex(M);
  assert.deepEqual(ix.groups.map((g) => g.name), ['a', 'b', '']);
  const top = ix.axis(new Set(), '');
  assert.deepEqual(top.map((i) => i.key), ['tenant:a', 'tenant:b', 'tenant:']);
  const aa = ix.view(top[0], top[0], undefined);
  assert.deepEqual([aa.level, aa.connected, aa.pairs, aa.crossTenant], ['some', 2, 4, false]);
  const ab = ix.view(top[0], top[1], undefined);
  assert.deepEqual([ab.level, ab.connected, ab.crossTenant], ['some', 1, true]);
  assert.match(describeCell(top[0], top[1], ab), /^a → b: 1 of 4 namespace pairs connected, ports TCP\/5432, cross-tenant$/);
  const open = ix.axis(new Set(['a']), '');
  assert.deepEqual(open.map((i) => i.key), ['tenant:a', 'ns:a1', 'ns:a2', 'tenant:b', 'tenant:']);
  assert.equal(ix.view(open[1], open[2], undefined).level, 'all');
  assert.equal(ix.view(open[1], open[2], { protocol: 'TCP', port: 5432 }).level, 'all', 'all ports include the filtered one');
  assert.equal(ix.view(open[1], open[3], { protocol: 'TCP', port: 5432 }).level, 'some');
  assert.equal(ix.view(open[1], open[3], { protocol: 'TCP', port: 80 }).level, 'none');
  const sysToA1 = ix.view(open[4], open[1], undefined);
  assert.deepEqual([sysToA1.level, sysToA1.uncertain, sysToA1.crossTenant], ['some', true, false]);
  assert.deepEqual(ix.axis(new Set(['a', 'b', '']), 'a2').map((i) => i.key), ['tenant:a', 'ns:a2']);
  assert.deepEqual(ix.axis(new Set(['b']), 'B').map((i) => i.key), ['tenant:b', 'ns:=cmd|x', 'ns:b1'], 'a tenant name matches all its namespaces');
});

test('exports escape names: CSV formulas, Markdown pipes and HTML, SVG markup', () => {
  const ix = new MatrixIndex({ ...M, namespaces: M.namespaces.map((n, i) => (i === 3 ? { ...n, name: '<img src=x onerror=alert(1)>' } : n)) });
  const csv = toCsv(ix, '', undefined);
  assert.match(csv, /^from \\ to,a1,a2,=?/);
  assert.ok(csv.includes(`"'=cmd|x"`) || csv.includes(`'=cmd|x`), csv);
  assert.ok(!/(^|,)=cmd/m.test(csv), 'no cell starts with =');
  assert.match(csv.split('\r\n')[1], /^a1,,all,,TCP\/5432,/, 'columns: a1, a2, =cmd|x, b1, then sys');
  const md = toMarkdown(ix, '', undefined);
  assert.ok(md.includes('=cmd\\|x'));
  assert.ok(md.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!md.includes('<img'));
  const svg = toSvg(ix, '', { protocol: 'TCP', port: 5432 });
  assert.ok(svg.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!svg.includes('<img'));
  assert.match(svg, /a1 → b1: TCP\/5432/);
});

test('PNG export: the raster plan caps the longest side, the host accepts only a PNG', () => {
  assert.deepEqual(rasterPlan(400, 300), { width: 800, height: 600, scale: 2 });
  const big = rasterPlan(9840, 9840);
  assert.equal(Math.max(big.width, big.height), MAX_PNG_SIDE);
  assert.match(big.note!, /scaled down to 8192 × 8192 px \(83 %\)/);
  assert.equal(rasterPlan(5000, 100).note, undefined, 'drawn at 1.6×: not a scale-down');
  assert.ok(rasterPlan(0, 0).width >= 1);
  assert.deepEqual(svgSize('<svg xmlns="http://www.w3.org/2000/svg" width="12" height="34" viewBox="0 0 12 34">'), { width: 12, height: 34 });
  assert.equal(svgSize('<svg>'), undefined);
  // IHDR of a 3 × 5 image.
  const png = Buffer.from('89504e470d0a1a0a0000000d494844520000000300000005080600000000000000', 'hex');
  assert.deepEqual(pngSize(png), { width: 3, height: 5 });
  assert.deepEqual(exportBytes('png', png.toString('base64')), new Uint8Array(png));
  for (const bad of ['', 'not base64!', Buffer.from('GIF89a........................').toString('base64'), 42, null]) assert.equal(exportBytes('png', bad), undefined, String(bad));
  assert.equal(new TextDecoder().decode(exportBytes('csv', 'a,b\r\n')), 'a,b\r\n');
  assert.ok(isExportFormat('png') && !isExportFormat('exe') && !isExportFormat('__proto__'));
});

test('the SVG drawn for the PNG: the same size and coloured cells, without tooltips or a rectangle per empty cell', () => {
  const m: PreviewMatrix = {
    namespaces: [{ name: 'a1', tenant: 'a', workloads: 1 }, { name: 'b1', tenant: 'b', workloads: 1 }, { name: '<x>&', workloads: 0 }],
    tenants: [{ name: 'a', namespaces: [0] }, { name: 'b', namespaces: [1] }],
    cells: [{ src: 0, dst: 1, level: 'some', ports: 'TCP/5432' }, { src: 1, dst: 1, level: 'all', ports: 'all' }],
  };
  const ix = new MatrixIndex(m);
  const full = toSvg(ix, '', undefined);
  const raster = toSvg(ix, '', undefined, { forRaster: true });
  assert.deepEqual(svgSize(raster), svgSize(full));
  assert.doesNotMatch(raster, /<title>/);
  assert.equal(raster.match(/<rect x=/g)?.length, 2, 'only the connected cells');
  assert.equal(full.match(/<rect x=/g)?.length, 9);
  assert.match(raster, /stroke="#c62828" stroke-width="2"/, 'the cross-tenant cell keeps its border');
  assert.ok(raster.includes('&lt;x&gt;&amp;') && !raster.includes('<x>'));
});
