// The preview panel's webview: a policy view and a virtualised namespace × namespace matrix. Data comes
// only from the host through postMessage; every text is written with textContent; state (view, filters,
// expanded tenants, scroll, selection) is kept with setState so the panel survives hiding and reloads.
import './preview.css';
import type { ExplainResult, PreviewLocation, PreviewResult } from '../../server/src/protocol';
import type { HostMessage, WebviewMessage, WebviewState } from '../src/preview/messages';
import { el } from './dom';
import { toCsv, toMarkdown, toSvg } from './exporters';
import { MatrixIndex, SYMBOLS, describeCell, type AxisItem } from './model';
import { renderPolicy } from './policy';
import { parsePortQuery } from './ports';
import { svgToPng } from './raster';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const CELL = 22;
const ROW_HEAD = 190;
const COL_HEAD = 140;
const OVERSCAN = 3;
/** Up to this many namespaces the matrix opens with every tenant expanded. */
const EXPAND_UP_TO = 80;

const saved = vscode.getState();
const state: WebviewState = {
  view: 'matrix', filter: '', port: '', expanded: [], touched: false, scrollTop: 0, scrollLeft: 0,
  ...(saved && typeof saved === 'object' ? saved : {}),
};

let result: PreviewResult | undefined;
let index: MatrixIndex | undefined;
let axis: AxisItem[] = [];
let lastPolicyId: string | undefined;
let renderQueued = false;
let explainFor: string | undefined;
let scrollRestored = false;

function post(m: WebviewMessage): void {
  vscode.postMessage(m);
}
function save(): void {
  vscode.setState(state);
}
const reveal = (location: PreviewLocation) => post({ type: 'reveal', location });

// ---- layout ---------------------------------------------------------------------------------------------

const app = document.getElementById('app')!;
const tabMatrix = el('button', { class: 'tab', text: 'Matrix', attrs: { type: 'button', role: 'tab', id: 'tab-matrix' } });
const tabPolicy = el('button', { class: 'tab', text: 'Policy', attrs: { type: 'button', role: 'tab', id: 'tab-policy' } });
const scope = el('span', { class: 'scope', attrs: { id: 'scope' } });
const filterInput = el('input', { class: 'filter', attrs: { type: 'search', id: 'filter', placeholder: 'Filter tenant or namespace', 'aria-label': 'Filter by tenant or namespace' } });
const portInput = el('input', { class: 'port', attrs: { type: 'search', id: 'port', placeholder: 'Port, e.g. TCP/5432', 'aria-label': 'Filter by port, e.g. TCP/5432' } });
const portError = el('span', { class: 'port-error', attrs: { id: 'port-error', role: 'status' } });
const expandAll = el('button', { text: 'Expand all', attrs: { type: 'button', id: 'expand-all' } });
const collapseAll = el('button', { text: 'Collapse all', attrs: { type: 'button', id: 'collapse-all' } });
const exportSelect = el('select', { attrs: { id: 'export', 'aria-label': 'Export the matrix' } },
  el('option', { text: 'Export…', attrs: { value: '' } }),
  el('option', { text: 'CSV', attrs: { value: 'csv' } }),
  el('option', { text: 'Markdown', attrs: { value: 'md' } }),
  el('option', { text: 'SVG', attrs: { value: 'svg' } }),
  el('option', { text: 'PNG', attrs: { value: 'png' } }),
);
const exportStatus = el('span', { class: 'export-status', attrs: { id: 'export-status', role: 'status' } });
const legend = el('span', { class: 'legend', attrs: { 'aria-hidden': 'true' } },
  el('span', { class: 'cell-sample all', text: SYMBOLS.all }), el('span', { text: ' all ports ' }),
  el('span', { class: 'cell-sample some', text: SYMBOLS.some }), el('span', { text: ' some ports ' }),
  el('span', { class: 'cell-sample none', text: SYMBOLS.none }), el('span', { text: ' none ' }),
  el('span', { class: 'cell-sample some cross', text: SYMBOLS.some }), el('span', { text: ' cross-tenant' }),
);
const status = el('p', { class: 'status', attrs: { id: 'status', role: 'status' } });

const gridInner = el('div', { class: 'grid-inner' });
const grid = el('div', { class: 'grid', attrs: { id: 'grid', role: 'grid', tabindex: '0', 'aria-label': 'Reachability matrix: rows are sources, columns destinations' } }, gridInner);
const explain = el('section', { class: 'explain', attrs: { id: 'explain', 'aria-live': 'polite', 'aria-label': 'Explanation' } });
const matrixView = el('div', { class: 'view matrix-view', attrs: { id: 'matrix-view', role: 'tabpanel', 'aria-labelledby': 'tab-matrix' } },
  el('div', { class: 'toolbar' }, filterInput, portInput, portError, expandAll, collapseAll, exportSelect, exportStatus),
  legend, grid, explain);
const policyView = el('div', { class: 'view policy-view', attrs: { id: 'policy-view', role: 'tabpanel', 'aria-labelledby': 'tab-policy' } });

app.replaceChildren(
  el('header', { class: 'header' }, el('div', { class: 'tabs', attrs: { role: 'tablist' } }, tabMatrix, tabPolicy), scope),
  status, matrixView, policyView,
);
app.removeAttribute('aria-busy');
filterInput.value = state.filter;
portInput.value = state.port;

function setView(view: WebviewState['view']): void {
  state.view = view;
  tabMatrix.setAttribute('aria-selected', String(view === 'matrix'));
  tabPolicy.setAttribute('aria-selected', String(view === 'policy'));
  matrixView.hidden = view !== 'matrix';
  policyView.hidden = view !== 'policy';
  save();
  if (view === 'matrix') queueRender();
}
tabMatrix.addEventListener('click', () => setView('matrix'));
tabPolicy.addEventListener('click', () => setView('policy'));

// ---- matrix ---------------------------------------------------------------------------------------------

function portQuery() {
  return state.port.trim() === '' ? undefined : parsePortQuery(state.port);
}

function rebuildAxis(): void {
  if (!index) {
    axis = [];
    return;
  }
  if (!state.touched) {
    state.expanded = index.matrix.namespaces.length <= EXPAND_UP_TO ? index.groups.map((g) => g.name) : [];
  }
  axis = index.axis(new Set(state.expanded), state.filter);
}

function selectedPos(): { r: number; c: number } | undefined {
  if (!state.selected) return undefined;
  const r = axis.findIndex((a) => a.key === state.selected!.row);
  const c = axis.findIndex((a) => a.key === state.selected!.col);
  return r < 0 || c < 0 ? undefined : { r, c };
}

function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderGrid();
  });
}

function toggleGroup(group: string): void {
  const set = new Set(state.expanded);
  if (set.has(group)) set.delete(group);
  else set.add(group);
  state.expanded = [...set];
  state.touched = true;
  rebuildAxis();
  save();
  renderGrid();
}

function headerCell(item: AxisItem, pos: number, axisName: 'row' | 'col'): HTMLElement {
  const isGroup = item.kind === 'tenant';
  const text = isGroup ? `${axisName === 'row' ? (item.expanded ? '▾ ' : '▸ ') : ''}${item.label} (${item.members.length})` : item.label;
  const e = el(isGroup ? 'button' : 'div', {
    class: `head ${axisName}-head ${item.kind}`,
    attrs: {
      role: axisName === 'row' ? 'rowheader' : 'columnheader',
      'aria-rowindex': axisName === 'row' ? String(pos + 2) : '1',
      'aria-colindex': axisName === 'col' ? String(pos + 2) : '1',
      'aria-expanded': isGroup ? String(!!item.expanded) : undefined,
      title: isGroup ? `tenant ${item.label}: ${item.members.length} namespaces (click to ${item.expanded ? 'collapse' : 'expand'})` : `${item.label}${item.group ? ` (tenant ${item.group})` : ''}`,
      tabindex: isGroup ? '-1' : undefined,
      type: isGroup ? 'button' : undefined,
    },
  });
  e.appendChild(el('span', { class: 'label', text }));
  if (isGroup) e.addEventListener('click', () => toggleGroup(item.group));
  if (axisName === 'row') e.style.top = `${COL_HEAD + pos * CELL}px`;
  else e.style.left = `${ROW_HEAD + pos * CELL}px`;
  return e;
}

function renderGrid(): void {
  if (!index || state.view !== 'matrix') return;
  const n = axis.length;
  grid.setAttribute('aria-rowcount', String(n + 1));
  grid.setAttribute('aria-colcount', String(n + 1));
  gridInner.style.width = `${ROW_HEAD + n * CELL}px`;
  gridInner.style.height = `${COL_HEAD + n * CELL}px`;
  grid.dataset.stamp = String(result?.stamp ?? '');
  if (n === 0) {
    gridInner.replaceChildren(el('p', { class: 'empty', text: state.filter ? 'No tenant or namespace matches the filter.' : 'No namespaces in this workspace.' }));
    grid.removeAttribute('aria-activedescendant');
    return;
  }
  const top = grid.scrollTop;
  const left = grid.scrollLeft;
  const h = grid.clientHeight || 600;
  const w = grid.clientWidth || 800;
  const r0 = Math.max(0, Math.floor(top / CELL) - OVERSCAN);
  const r1 = Math.min(n, Math.ceil((top + h) / CELL) + OVERSCAN);
  const c0 = Math.max(0, Math.floor(left / CELL) - OVERSCAN);
  const c1 = Math.min(n, Math.ceil((left + w) / CELL) + OVERSCAN);
  const port = portQuery();
  const sel = selectedPos();
  const frag = document.createDocumentFragment();
  const colHeads = el('div', { class: 'col-heads', attrs: { role: 'row', 'aria-rowindex': '1' } });
  colHeads.style.width = `${ROW_HEAD + n * CELL}px`;
  colHeads.appendChild(el('div', { class: 'corner', text: 'from \\ to', attrs: { role: 'columnheader', 'aria-colindex': '1' } }));
  for (let c = c0; c < c1; c++) colHeads.appendChild(headerCell(axis[c], c, 'col'));
  frag.appendChild(colHeads);
  for (let r = r0; r < r1; r++) {
    const row = axis[r];
    const rowEl = el('div', { class: `row${row.kind === 'tenant' ? ' group-row' : ''}`, attrs: { role: 'row', 'aria-rowindex': String(r + 2) } });
    rowEl.style.top = `${COL_HEAD + r * CELL}px`;
    rowEl.style.width = `${ROW_HEAD + n * CELL}px`;
    const head = headerCell(row, r, 'row');
    head.style.top = '';
    rowEl.appendChild(head);
    for (let c = c0; c < c1; c++) {
      const col = axis[c];
      const v = index.view(row, col, port);
      const label = describeCell(row, col, v);
      const cell = el('div', {
        class: `cell ${v.level}${v.crossTenant ? ' cross' : ''}${v.uncertain ? ' uncertain' : ''}${row.kind === 'tenant' || col.kind === 'tenant' ? ' agg' : ''}${sel && sel.r === r && sel.c === c ? ' selected' : ''}`,
        text: SYMBOLS[v.level] + (v.uncertain ? '?' : ''),
        attrs: {
          role: 'gridcell',
          id: `cell-${r}-${c}`,
          'aria-colindex': String(c + 2),
          'aria-label': label,
          'aria-selected': sel && sel.r === r && sel.c === c ? 'true' : 'false',
          title: label,
          'data-row': row.label,
          'data-col': col.label,
          'data-level': v.level,
        },
      });
      cell.style.left = `${ROW_HEAD + c * CELL}px`;
      rowEl.appendChild(cell);
    }
    frag.appendChild(rowEl);
  }
  gridInner.replaceChildren(frag);
  if (sel && sel.r >= r0 && sel.r < r1 && sel.c >= c0 && sel.c < c1) grid.setAttribute('aria-activedescendant', `cell-${sel.r}-${sel.c}`);
  else grid.removeAttribute('aria-activedescendant');
}

function scrollIntoView(r: number, c: number): void {
  const top = r * CELL;
  const left = c * CELL;
  const h = grid.clientHeight - COL_HEAD;
  const w = grid.clientWidth - ROW_HEAD;
  if (top < grid.scrollTop) grid.scrollTop = top;
  else if (top + CELL > grid.scrollTop + h) grid.scrollTop = top + CELL - h;
  if (left < grid.scrollLeft) grid.scrollLeft = left;
  else if (left + CELL > grid.scrollLeft + w) grid.scrollLeft = left + CELL - w;
}

function select(r: number, c: number): void {
  if (axis.length === 0) return;
  r = Math.max(0, Math.min(axis.length - 1, r));
  c = Math.max(0, Math.min(axis.length - 1, c));
  state.selected = { row: axis[r].key, col: axis[c].key };
  scrollIntoView(r, c);
  state.scrollTop = grid.scrollTop;
  state.scrollLeft = grid.scrollLeft;
  save();
  renderGrid();
}

function activate(r: number, c: number): void {
  if (!index) return;
  select(r, c);
  const row = axis[r];
  const col = axis[c];
  if (row.kind === 'tenant' || col.kind === 'tenant') {
    // A tenant cell opens into its namespaces: explain works between two namespaces.
    const set = new Set(state.expanded);
    set.add(row.group);
    set.add(col.group);
    state.expanded = [...set];
    state.touched = true;
    rebuildAxis();
    save();
    renderGrid();
    return;
  }
  const port = portQuery();
  const request = { from: row.label, to: col.label, port: port ? `${port.protocol}/${port.port}` : undefined };
  explainFor = JSON.stringify(request);
  explain.replaceChildren(el('p', { class: 'muted', text: `Explaining ${row.label} → ${col.label}…` }));
  post({ type: 'explain', ...request });
}

grid.addEventListener('scroll', () => {
  state.scrollTop = grid.scrollTop;
  state.scrollLeft = grid.scrollLeft;
  save();
  queueRender();
});
grid.addEventListener('click', (e) => {
  const cell = (e.target as HTMLElement).closest('.cell');
  if (!cell) return;
  const m = /^cell-(\d+)-(\d+)$/.exec(cell.id);
  if (m) activate(Number(m[1]), Number(m[2]));
});
grid.addEventListener('keydown', (e) => {
  if (axis.length === 0) return;
  const pos = selectedPos() ?? { r: 0, c: 0 };
  const page = Math.max(1, Math.floor((grid.clientHeight - COL_HEAD) / CELL) - 1);
  const moves: Record<string, [number, number]> = {
    ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-page, 0], PageDown: [page, 0],
  };
  if (e.key in moves) {
    e.preventDefault();
    if (!state.selected) select(0, 0);
    else select(pos.r + moves[e.key][0], pos.c + moves[e.key][1]);
  } else if (e.key === 'Home') {
    e.preventDefault();
    select(e.ctrlKey ? 0 : pos.r, 0);
  } else if (e.key === 'End') {
    e.preventDefault();
    select(e.ctrlKey ? axis.length - 1 : pos.r, axis.length - 1);
  } else if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    activate(pos.r, pos.c);
  }
});
grid.addEventListener('focus', () => {
  // Give screen readers an active cell at once. The DOM is only marked, not rebuilt: a rebuild between
  // a pointer's mousedown and mouseup would swallow the click that focused the grid.
  if (state.selected || axis.length === 0) return;
  state.selected = { row: axis[0].key, col: axis[0].key };
  save();
  const first = document.getElementById('cell-0-0');
  if (first) {
    first.classList.add('selected');
    first.setAttribute('aria-selected', 'true');
    grid.setAttribute('aria-activedescendant', 'cell-0-0');
  }
});

filterInput.addEventListener('input', () => {
  state.filter = filterInput.value;
  rebuildAxis();
  save();
  renderGrid();
});
portInput.addEventListener('input', () => {
  state.port = portInput.value;
  const bad = state.port.trim() !== '' && !parsePortQuery(state.port);
  portError.textContent = bad ? 'Write a port as TCP/5432, UDP/53 or 8080.' : '';
  portInput.setAttribute('aria-invalid', String(bad));
  save();
  renderGrid();
});
expandAll.addEventListener('click', () => {
  state.expanded = index ? index.groups.map((g) => g.name) : [];
  state.touched = true;
  rebuildAxis();
  save();
  renderGrid();
});
collapseAll.addEventListener('click', () => {
  state.expanded = [];
  state.touched = true;
  rebuildAxis();
  save();
  renderGrid();
});
let pngBusy = false;
async function exportPng(svg: string): Promise<void> {
  pngBusy = true;
  exportSelect.disabled = true;
  exportStatus.textContent = 'Drawing the PNG…';
  try {
    const png = await svgToPng(svg);
    exportStatus.textContent = png.note ?? '';
    post({ type: 'export', format: 'png', content: png.base64, width: png.width, height: png.height, note: png.note });
  } catch (e) {
    exportStatus.textContent = `The PNG export failed: ${e instanceof Error ? e.message : String(e)}. Export SVG instead.`;
  } finally {
    pngBusy = false;
    exportSelect.disabled = false;
  }
}

exportSelect.addEventListener('change', () => {
  const format = exportSelect.value as 'csv' | 'md' | 'svg' | 'png' | '';
  exportSelect.value = '';
  if (!format || !index || pngBusy) return;
  const port = portQuery();
  exportStatus.textContent = '';
  if (format === 'png') {
    void exportPng(toSvg(index, state.filter, port, { forRaster: true }));
    return;
  }
  const content = format === 'csv' ? toCsv(index, state.filter, port) : format === 'md' ? toMarkdown(index, state.filter, port) : toSvg(index, state.filter, port);
  post({ type: 'export', format, content });
});

// ---- explain --------------------------------------------------------------------------------------------

function renderExplain(x: ExplainResult): void {
  const parts: HTMLElement[] = [
    el('h3', { text: `${x.from} → ${x.to}` }),
    el('p', { class: 'allowed', text: `Allowed: ${x.allowed}${x.uncertain ? ' (uncertain: a selecting policy is not fully modelled)' : ''}` }),
  ];
  const steps = el('ol', { class: 'steps' });
  for (const s of x.steps) {
    const li = el('li', { class: `step ${s.side}` }, el('span', { class: 'side', text: `${s.side}: ` }), el('span', { class: 'verdict', text: s.verdict }), el('span', { class: 'ports', text: s.ports ? ` (${s.ports})` : '' }));
    if (s.by.length > 0) {
      const by = el('ul', { class: 'by' });
      for (const b of s.by) by.appendChild(el('li', {}, b.location ? el('button', { class: 'link', text: b.label, attrs: { type: 'button', title: 'Show in the editor' }, on: { click: () => reveal(b.location!) } }) : el('span', { text: b.label })));
      li.appendChild(by);
    }
    steps.appendChild(li);
  }
  parts.push(steps);
  if (x.text) parts.push(el('details', {}, el('summary', { text: 'As text' }), el('pre', { text: x.text })));
  explain.replaceChildren(...parts);
}

// ---- messages from the host -----------------------------------------------------------------------------

function onData(uri: string, next: PreviewResult): void {
  const sameMatrix = result && next.stamp === result.stamp && result.matrix && !!next.matrix;
  state.uri = uri;
  scope.textContent = `${next.scope}${next.state === 'indexing' ? ' (indexing…)' : ''}`;
  status.textContent = next.state === 'empty' ? 'Nothing to show: the workspace declares no namespaces or policies yet.' : '';
  const policyId = next.policy?.id;
  if (policyId && policyId !== lastPolicyId) setView('policy');
  lastPolicyId = policyId;
  renderPolicy(policyView, next.policy, reveal);
  if (next.matrix && !sameMatrix) {
    index = new MatrixIndex(next.matrix);
    result = next;
    rebuildAxis();
  } else {
    result = { ...next, matrix: next.matrix ?? result?.matrix };
  }
  save();
  renderGrid();
  if (!scrollRestored && index) {
    // The saved scroll position can only be applied once the matrix has its size.
    scrollRestored = true;
    grid.scrollTop = state.scrollTop;
    grid.scrollLeft = state.scrollLeft;
    renderGrid();
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as HostMessage;
  if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
  try {
    if (m.type === 'data' && m.result && typeof m.result === 'object') onData(String(m.uri ?? ''), m.result);
    else if (m.type === 'explain') {
      if (JSON.stringify({ from: m.request?.from, to: m.request?.to, port: m.request?.port }) !== explainFor) return;
      if (m.result) renderExplain(m.result);
      else explain.replaceChildren(el('p', { class: 'error', text: m.error ?? 'No explanation.' }));
    } else if (m.type === 'error') status.textContent = m.message;
    else if (m.type === 'noDocument') status.textContent = 'Open a YAML file of the workspace to preview it.';
  } catch (err) {
    status.textContent = `The preview could not show this data: ${String(err)}`;
  }
});

setView(state.view);
post({ type: 'ready', state });
