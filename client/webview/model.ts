// The matrix as the panel shows it: rows and columns are tenant groups, or — for an expanded group —
// its namespaces; a filter by name and by port narrows both. Pure functions, no DOM.
import type { MatrixCell, PreviewMatrix } from '../../server/src/protocol';
import { portsInclude, type PortQuery } from './ports';

export const NO_TENANT = '';

export interface AxisItem {
  /** `ns:NAME` or `tenant:NAME`: stable across updates, used for the selection. */
  key: string;
  kind: 'ns' | 'tenant';
  /** The namespace or tenant name (`(no tenant)` for the group of namespaces without one). */
  label: string;
  /** The group (tenant name, or NO_TENANT). */
  group: string;
  /** Indices into matrix.namespaces the item stands for (one for a namespace). */
  members: number[];
  expanded?: boolean;
}

export interface CellView {
  level: 'none' | 'some' | 'all';
  /** The ports, as the server wrote them, one entry per distinct text. */
  ports: string[];
  /** Namespace pairs connected / pairs in the cell (1/1 for a namespace pair). */
  connected: number;
  pairs: number;
  uncertain: boolean;
  /** Both ends belong to tenants, and not to the same one. */
  crossTenant: boolean;
}

export function groupLabel(group: string): string {
  return group === NO_TENANT ? '(no tenant)' : group;
}

export class MatrixIndex {
  readonly cells = new Map<number, MatrixCell>();
  readonly groups: { name: string; members: number[] }[];

  constructor(readonly matrix: PreviewMatrix) {
    const n = matrix.namespaces.length;
    for (const c of matrix.cells) {
      if (c.src >= 0 && c.src < n && c.dst >= 0 && c.dst < n) this.cells.set(c.src * n + c.dst, c);
    }
    const byGroup = new Map<string, number[]>();
    matrix.namespaces.forEach((ns, i) => {
      const g = ns.tenant ?? NO_TENANT;
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push(i);
    });
    const names = [...byGroup.keys()].sort((a, b) => (a === NO_TENANT ? 1 : b === NO_TENANT ? -1 : a < b ? -1 : a > b ? 1 : 0));
    const nsName = (i: number) => matrix.namespaces[i].name;
    this.groups = names.map((name) => ({ name, members: byGroup.get(name)!.sort((a, b) => (nsName(a) < nsName(b) ? -1 : nsName(a) > nsName(b) ? 1 : 0)) }));
  }

  cell(src: number, dst: number): MatrixCell | undefined {
    return this.cells.get(src * this.matrix.namespaces.length + dst);
  }

  /** Rows and columns (the same list): groups, expanded ones as their namespaces, filtered by name. */
  axis(expanded: ReadonlySet<string>, filter: string): AxisItem[] {
    const f = filter.trim().toLowerCase();
    const out: AxisItem[] = [];
    for (const g of this.groups) {
      const groupMatch = f === '' || groupLabel(g.name).toLowerCase().includes(f);
      const members = groupMatch ? g.members : g.members.filter((i) => this.matrix.namespaces[i].name.toLowerCase().includes(f));
      if (members.length === 0) continue;
      const open = expanded.has(g.name);
      out.push({ key: `tenant:${g.name}`, kind: 'tenant', label: groupLabel(g.name), group: g.name, members, expanded: open });
      if (open) {
        for (const i of members) {
          out.push({ key: `ns:${this.matrix.namespaces[i].name}`, kind: 'ns', label: this.matrix.namespaces[i].name, group: g.name, members: [i] });
        }
      }
    }
    return out;
  }

  view(row: AxisItem, col: AxisItem, port: PortQuery | undefined): CellView {
    const ports = new Set<string>();
    let connected = 0;
    let allAll = true;
    let uncertain = false;
    for (const s of row.members) {
      for (const d of col.members) {
        const c = this.cell(s, d);
        if (!c || (port && !portsInclude(c.level === 'all' ? 'all' : c.ports, port))) {
          allAll = false;
          continue;
        }
        connected++;
        if (c.level !== 'all') allAll = false;
        if (c.uncertain) uncertain = true;
        if (ports.size < 12) ports.add(c.level === 'all' ? 'all' : c.ports);
      }
    }
    const pairs = row.members.length * col.members.length;
    const level = connected === 0 ? 'none' : connected === pairs && allAll ? 'all' : 'some';
    return {
      level,
      ports: [...ports],
      connected,
      pairs,
      uncertain,
      crossTenant: row.group !== NO_TENANT && col.group !== NO_TENANT && row.group !== col.group,
    };
  }
}

export const SYMBOLS: Record<CellView['level'], string> = { none: '·', some: '◐', all: '●' };

export function levelText(v: CellView): string {
  if (v.level === 'none') return 'no connection';
  if (v.pairs > 1) return `${v.connected} of ${v.pairs} namespace pairs connected${v.level === 'all' ? ' on every port' : ''}`;
  return v.level === 'all' ? 'all ports' : 'some ports';
}

/** The one-line description of a cell: its tooltip and its screen-reader label. */
export function describeCell(row: AxisItem, col: AxisItem, v: CellView): string {
  const parts = [`${row.label} → ${col.label}: ${levelText(v)}`];
  if (v.level !== 'none' && !(v.ports.length === 1 && v.ports[0] === 'all')) parts.push(`ports ${v.ports.join('; ')}`);
  if (v.crossTenant && v.level !== 'none') parts.push('cross-tenant');
  if (v.uncertain) parts.push('uncertain: a selecting policy is not fully modelled');
  return parts.join(', ');
}
