// Aggregated matrices: namespace × namespace (the union over the workload pairs of each namespace pair)
// and group × group (tenants: the union over their namespaces), plus external address ranges in both
// directions. Kept up to date row by row: when the policies of a namespace change, only that namespace's
// row and column (and its group's) are recomputed.
import { NONE } from './conntable';
import type { Evaluator } from './evaluate';

/** Connection ids between N sources and M destinations, with an uncertainty flag per cell. */
export class Grid {
  readonly cells: Int32Array;
  readonly uncertain: Uint8Array;
  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.cells = new Int32Array(rows * cols);
    this.uncertain = new Uint8Array(rows * cols);
  }

  clearRow(r: number): void {
    this.cells.fill(NONE, r * this.cols, (r + 1) * this.cols);
    this.uncertain.fill(0, r * this.cols, (r + 1) * this.cols);
  }

  clearCol(c: number): void {
    for (let r = 0; r < this.rows; r++) {
      this.cells[r * this.cols + c] = NONE;
      this.uncertain[r * this.cols + c] = 0;
    }
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
    const { grid, N } = this;
    const classes = ev.classes;
    ev.forEachPair((a, b, conn, unc) => this.add(grid, classes[a].ns * N + classes[b].ns, conn, unc));
    this.computeExternals(null);
  }

  private add(grid: Grid, i: number, conn: number, uncertain: boolean): void {
    if (conn !== NONE) grid.cells[i] = this.ev.table.union(grid.cells[i], conn);
    if (uncertain) grid.uncertain[i] = 1;
  }

  /** Row x: every pair whose source is in namespace x. */
  private computeRow(x: number): void {
    const { ev, grid, N } = this;
    grid.clearRow(x);
    const [start, end] = ev.classesOfNamespace(x);
    for (let a = start; a < end; a++) {
      ev.forEachDestination(a, (b, conn, unc) => this.add(grid, x * N + ev.classes[b].ns, conn, unc));
    }
  }

  /** Column x, for sources outside x (computeRow covers those inside). */
  private computeCol(x: number): void {
    const { ev, grid, N } = this;
    for (let y = 0; y < N; y++) {
      if (y === x) continue;
      grid.cells[y * N + x] = NONE;
      grid.uncertain[y * N + x] = 0;
    }
    const [start, end] = ev.classesOfNamespace(x);
    for (let b = start; b < end; b++) {
      ev.forEachSource(b, (a, conn, unc) => {
        const y = ev.classes[a].ns;
        if (y !== x) this.add(grid, y * N + x, conn, unc);
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
        } else for (let s = 0; s < SI; s++) this.add(this.extIn, s * N + x, ev.fromExternal(s, c), sIn.uncertain);
        if (sOut.external >= 0) {
          constOut = t.union(constOut, sOut.external);
          uncOut ||= sOut.uncertain;
        } else for (let s = 0; s < SO; s++) this.add(this.extOut, x * SO + s, ev.toExternal(c, s), sOut.uncertain);
      }
      if (constIn !== NONE || uncIn) for (let s = 0; s < SI; s++) this.add(this.extIn, s * N + x, constIn, uncIn);
      if (constOut !== NONE || uncOut) for (let s = 0; s < SO; s++) this.add(this.extOut, x * SO + s, constOut, uncOut);
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
  readonly grid: Grid;
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
    this.grid = new Grid(groupCount, groupCount);
    this.members = Array.from({ length: groupCount }, () => []);
    groupOf.forEach((g, x) => this.members[g].push(x));
    this.recompute(null, true);
  }

  recompute(namespaces: ReadonlySet<number> | null, externalsCut: boolean): void {
    const { grid, G, groupOf } = this;
    const N = this.ns.N;
    const t = this.ev.table;
    const nsGrid = this.ns.grid;
    const groups = namespaces === null ? null : new Set([...namespaces].map((x) => groupOf[x]));
    const addFrom = (src: Grid, si: number, dst: Grid, di: number) => {
      const c = src.cells[si];
      if (c !== NONE) dst.cells[di] = t.union(dst.cells[di], c);
      if (src.uncertain[si]) dst.uncertain[di] = 1;
    };
    if (groups === null) {
      grid.cells.fill(NONE);
      grid.uncertain.fill(0);
      for (let x = 0; x < N; x++) for (let y = 0; y < N; y++) addFrom(nsGrid, x * N + y, grid, groupOf[x] * G + groupOf[y]);
    } else {
      for (const g of groups) {
        grid.clearRow(g);
        grid.clearCol(g);
      }
      // Union is idempotent: a cell reached by both loops is simply added twice.
      for (const g of groups) {
        for (const x of this.members[g]) for (let y = 0; y < N; y++) addFrom(nsGrid, x * N + y, grid, g * G + groupOf[y]);
        for (let x = 0; x < N; x++) for (const y of this.members[g]) addFrom(nsGrid, x * N + y, grid, groupOf[x] * G + g);
      }
    }
    const SI = this.ns.extIn.rows;
    const SO = this.ns.extOut.cols;
    if (externalsCut || !this.extIn || groups === null) {
      this.extIn = new Grid(SI, G);
      this.extOut = new Grid(G, SO);
      for (let x = 0; x < N; x++) {
        for (let s = 0; s < SI; s++) addFrom(this.ns.extIn, s * N + x, this.extIn, s * G + groupOf[x]);
        for (let s = 0; s < SO; s++) addFrom(this.ns.extOut, x * SO + s, this.extOut, groupOf[x] * SO + s);
      }
    } else {
      for (const g of groups) {
        this.extIn.clearCol(g);
        this.extOut.clearRow(g);
        for (const x of this.members[g]) {
          for (let s = 0; s < SI; s++) addFrom(this.ns.extIn, s * N + x, this.extIn, s * G + g);
          for (let s = 0; s < SO; s++) addFrom(this.ns.extOut, x * SO + s, this.extOut, g * SO + s);
        }
      }
    }
  }
}
