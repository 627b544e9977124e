// Aggregated matrices: namespace × namespace (the union over the workload pairs of each namespace pair)
// and group × group (tenants: the union over their namespaces), plus external address ranges in both
// directions. Kept up to date row by row: when the policies of a namespace change, only that namespace's
// row and column (and its group's) are recomputed. Rows are sparse: in a cluster with default-deny
// policies a namespace talks to few others, and thousands of namespaces make a dense matrix large.
import { NONE, type ConnTable } from './conntable';
import type { Evaluator } from './evaluate';

/**
 * Connection ids between sources (rows) and destinations (columns), with an uncertainty flag per cell.
 * A cell is stored as `conn * 2 + uncertain`; absent means nothing allowed, certainly.
 */
export class Grid {
  private readonly data: Map<number, number>[];

  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.data = Array.from({ length: rows }, () => new Map());
  }

  conn(r: number, c: number): number {
    const v = this.data[r].get(c);
    return v === undefined ? NONE : v >> 1;
  }

  uncertain(r: number, c: number): boolean {
    const v = this.data[r].get(c);
    return v !== undefined && (v & 1) === 1;
  }

  /** The stored cells of a row, ascending by column: [column, conn, uncertain]. */
  row(r: number): [number, number, boolean][] {
    const out: [number, number, boolean][] = [];
    for (const [c, v] of this.data[r]) out.push([c, v >> 1, (v & 1) === 1]);
    return out.sort((x, y) => x[0] - y[0]);
  }

  /** Unions a connection (and uncertainty) into a cell. */
  add(table: ConnTable, r: number, c: number, conn: number, uncertain: boolean): void {
    if (conn === NONE && !uncertain) return;
    const m = this.data[r];
    const v = m.get(c);
    const merged = v === undefined ? conn : table.union(v >> 1, conn);
    m.set(c, merged * 2 + (uncertain || (v !== undefined && (v & 1) === 1) ? 1 : 0));
  }

  clearRow(r: number): void {
    this.data[r].clear();
  }

  clearCol(c: number): void {
    for (const m of this.data) m.delete(c);
  }
}

export class NamespaceMatrix {
  readonly N: number;
  readonly grid: Grid;
  /** External source piece × namespace. */
  extIn!: Grid;
  /** Namespace × external destination piece. */
  extOut!: Grid;

  constructor(private readonly ev: Evaluator) {
    this.N = ev.nsNames.length;
    this.grid = new Grid(this.N, this.N);
    const classes = ev.classes;
    const t = ev.table;
    ev.forEachPair((a, b, conn, unc) => this.grid.add(t, classes[a].ns, classes[b].ns, conn, unc));
    this.computeExternals(null);
  }

  /** Row x: every pair whose source is in namespace x. */
  private computeRow(x: number): void {
    const { ev, grid } = this;
    grid.clearRow(x);
    const [start, end] = ev.classesOfNamespace(x);
    for (let a = start; a < end; a++) {
      ev.forEachDestination(a, (b, conn, unc) => grid.add(ev.table, x, ev.classes[b].ns, conn, unc));
    }
  }

  /** Column x, for sources outside x (computeRow covers those inside). */
  private computeCol(x: number): void {
    const { ev, grid } = this;
    const keep = grid.conn(x, x);
    const keepUnc = grid.uncertain(x, x);
    grid.clearCol(x);
    grid.add(ev.table, x, x, keep, keepUnc);
    const [start, end] = ev.classesOfNamespace(x);
    for (let b = start; b < end; b++) {
      ev.forEachSource(b, (a, conn, unc) => {
        const y = ev.classes[a].ns;
        if (y !== x) grid.add(ev.table, y, x, conn, unc);
      });
    }
  }

  /** External rows and columns: for the given namespaces, or all of them (null, also re-cut pieces). */
  private computeExternals(namespaces: Iterable<number> | null): void {
    const { ev, N } = this;
    const SI = ev.segIn.length;
    const SO = ev.segOut.length;
    if (namespaces === null) {
      this.extIn = new Grid(SI, N);
      this.extOut = new Grid(N, SO);
    }
    const list = namespaces === null ? Array.from({ length: N }, (_, i) => i) : [...namespaces];
    const t = ev.table;
    for (const x of list) {
      this.extIn.clearCol(x);
      this.extOut.clearRow(x);
      const [start, end] = ev.classesOfNamespace(x);
      // Most sides treat every address alike: their union is added once per piece, not once per class.
      let constIn = NONE;
      let constOut = NONE;
      let uncIn = false;
      let uncOut = false;
      for (let c = start; c < end; c++) {
        const sIn = ev.sides[0][c];
        const sOut = ev.sides[1][c];
        if (sIn.external >= 0) {
          constIn = t.union(constIn, sIn.external);
          uncIn ||= sIn.uncertain;
        } else for (let s = 0; s < SI; s++) this.extIn.add(t, s, x, ev.fromExternal(s, c), sIn.uncertain);
        if (sOut.external >= 0) {
          constOut = t.union(constOut, sOut.external);
          uncOut ||= sOut.uncertain;
        } else for (let s = 0; s < SO; s++) this.extOut.add(t, x, s, ev.toExternal(c, s), sOut.uncertain);
      }
      if (constIn !== NONE || uncIn) for (let s = 0; s < SI; s++) this.extIn.add(t, s, x, constIn, uncIn);
      if (constOut !== NONE || uncOut) for (let s = 0; s < SO; s++) this.extOut.add(t, x, s, constOut, uncOut);
    }
  }

  /** After policies changed: the namespaces whose classes changed sides; whether the pieces were re-cut. */
  recompute(namespaces: ReadonlySet<number>, externalsCut: boolean): void {
    for (const x of namespaces) this.computeRow(x);
    for (const x of namespaces) this.computeCol(x);
    this.computeExternals(externalsCut ? null : namespaces);
  }
}

/** Namespaces grouped (by tenant): the union of the namespace matrix over each group pair. */
export class GroupMatrix {
  readonly G: number;
  grid!: Grid;
  extIn!: Grid;
  extOut!: Grid;
  private readonly members: number[][];

  constructor(
    private readonly ev: Evaluator,
    private readonly ns: NamespaceMatrix,
    /** Group index of each namespace. */
    readonly groupOf: Int32Array,
    groupCount: number,
  ) {
    this.G = groupCount;
    this.members = Array.from({ length: groupCount }, () => []);
    groupOf.forEach((g, x) => this.members[g].push(x));
    this.recompute(null, true);
  }

  recompute(namespaces: ReadonlySet<number> | null, externalsCut: boolean): void {
    const { G, groupOf } = this;
    const t = this.ev.table;
    const nsGrid = this.ns.grid;
    const N = this.ns.N;
    const groups = namespaces === null ? null : new Set([...namespaces].map((x) => groupOf[x]));
    if (groups === null) {
      this.grid = new Grid(G, G);
      for (let x = 0; x < N; x++) for (const [y, conn, unc] of nsGrid.row(x)) this.grid.add(t, groupOf[x], groupOf[y], conn, unc);
    } else {
      for (const g of groups) {
        this.grid.clearRow(g);
        this.grid.clearCol(g);
      }
      // Union is idempotent: a cell reached by both loops is simply added twice.
      for (const g of groups) {
        for (const x of this.members[g]) for (const [y, conn, unc] of nsGrid.row(x)) this.grid.add(t, g, groupOf[y], conn, unc);
        for (let x = 0; x < N; x++) {
          for (const y of this.members[g]) this.grid.add(t, groupOf[x], g, nsGrid.conn(x, y), nsGrid.uncertain(x, y));
        }
      }
    }
    const SI = this.ns.extIn.rows;
    const SO = this.ns.extOut.cols;
    const all = externalsCut || !this.extIn || groups === null;
    if (all) {
      this.extIn = new Grid(SI, G);
      this.extOut = new Grid(G, SO);
    }
    for (const g of all ? Array.from({ length: G }, (_, i) => i) : groups!) {
      if (!all) {
        this.extIn.clearCol(g);
        this.extOut.clearRow(g);
      }
      for (const x of this.members[g]) {
        for (let s = 0; s < SI; s++) this.extIn.add(t, s, g, this.ns.extIn.conn(s, x), this.ns.extIn.uncertain(s, x));
        for (const [s, conn, unc] of this.ns.extOut.row(x)) this.extOut.add(t, g, s, conn, unc);
      }
    }
  }
}
