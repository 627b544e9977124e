// Exports of the matrix as the user filtered it, namespace by namespace: CSV, Markdown and SVG (PNG is
// drawn from the SVG, client/webview/raster.ts). The
// texts are built here and handed to the host, which asks where to save them.
import type { PortQuery } from './ports';
import { MatrixIndex, SYMBOLS, type AxisItem, type CellView } from './model';

function nsItems(index: MatrixIndex, filter: string): AxisItem[] {
  const all = new Set(index.groups.map((g) => g.name));
  return index.axis(all, filter).filter((i) => i.kind === 'ns');
}

function cellText(v: CellView): string {
  if (v.level === 'none') return '';
  return v.ports.join('; ');
}

function csvField(s: string): string {
  // A leading = + - @ would be read as a formula by spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(index: MatrixIndex, filter: string, port: PortQuery | undefined): string {
  const items = nsItems(index, filter);
  const lines = [['from \\ to', ...items.map((i) => i.label)].map(csvField).join(',')];
  for (const r of items) lines.push([r.label, ...items.map((c) => cellText(index.view(r, c, port)))].map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

function mdField(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[\r\n]+/g, ' ');
}

export function toMarkdown(index: MatrixIndex, filter: string, port: PortQuery | undefined): string {
  const items = nsItems(index, filter);
  const out = [
    `| from \\ to | ${items.map((i) => mdField(i.label)).join(' | ')} |`,
    `|---|${items.map(() => '---').join('|')}|`,
  ];
  for (const r of items) {
    out.push(`| **${mdField(r.label)}** | ${items.map((c) => {
      const v = index.view(r, c, port);
      return v.level === 'none' ? '' : `${SYMBOLS[v.level]} ${mdField(cellText(v))}`;
    }).join(' | ')} |`);
  }
  out.push('', `● all ports · ◐ some ports · empty: none${port ? ` (port filter ${port.protocol}/${port.port})` : ''}`);
  return out.join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface SvgOptions {
  /**
   * For the PNG export: the same picture without what a raster cannot show: no tooltips, and the empty
   * cells drawn as one grid path instead of a rectangle each (600 namespaces: 48 MB of SVG → under 1 MB,
   * which a browser can decode as an image).
   */
  forRaster?: boolean;
}

export function toSvg(index: MatrixIndex, filter: string, port: PortQuery | undefined, options: SvgOptions = {}): string {
  const items = nsItems(index, filter);
  const cell = 16;
  const longest = items.reduce((m, i) => Math.max(m, i.label.length), 4);
  const head = Math.min(240, 12 + longest * 7);
  const size = head + items.length * cell;
  const fill = { none: '#ffffff', some: '#f2c14e', all: '#3fa34d' };
  const raster = options.forRaster === true;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="11">`,
    `<rect width="${size}" height="${size}" fill="#ffffff"/>`,
  ];
  items.forEach((it, k) => {
    const p = head + k * cell;
    out.push(`<text x="${head - 4}" y="${p + cell - 4}" text-anchor="end">${xml(it.label)}</text>`);
    out.push(`<text transform="translate(${p + cell - 4},${head - 4}) rotate(-90)">${xml(it.label)}</text>`);
  });
  if (raster && items.length > 0) {
    // The strokes every cell's rectangle would draw, as lines on the cell edges.
    const d: string[] = [];
    for (let k = 0; k <= items.length; k++) {
      const p = head + k * cell;
      d.push(`M${head} ${p}H${size}M${p} ${head}V${size}`);
    }
    out.push(`<path d="${d.join('')}" fill="none" stroke="#cccccc"/>`);
  }
  items.forEach((r, y) => {
    items.forEach((c, x) => {
      const v = index.view(r, c, port);
      if (raster && v.level === 'none') return;
      const px = head + x * cell;
      const py = head + y * cell;
      const stroke = v.crossTenant && v.level !== 'none' ? '#c62828' : '#cccccc';
      const title = raster ? '' : `<title>${xml(`${r.label} → ${c.label}: ${v.level === 'none' ? 'none' : cellText(v)}`)}</title>`;
      out.push(`<rect x="${px}" y="${py}" width="${cell}" height="${cell}" fill="${fill[v.level]}" stroke="${stroke}"${v.crossTenant && v.level !== 'none' ? ' stroke-width="2"' : ''}>${title}</rect>`);
      if (v.level !== 'none') out.push(`<text x="${px + cell / 2}" y="${py + cell - 4}" text-anchor="middle">${SYMBOLS[v.level]}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
