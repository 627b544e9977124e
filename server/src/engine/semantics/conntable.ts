// Connection sets by number. The evaluator meets the same few sets millions of times (everything,
// nothing, "TCP 53;UDP 53", …), so each distinct set gets an id once and unions, intersections and
// differences of ids are remembered: the inner loops then handle integers, not objects.
import { ConnSet } from './connset';

export const NONE = 0;
export const ALL = 1;

const HOT_SIZE = 4096;

/**
 * A memo key for an (a, b) pair of ids: a small integer (V8 keeps those unboxed, which makes the Map
 * several times faster) while both ids are below 2^15, a larger number beyond.
 */
function pairKey(a: number, b: number): number {
  return (a | b) < 0x8000 ? (a << 15) | b : a * 0x4000000 + b + 0x40000000;
}

export class ConnTable {
  private readonly sets: ConnSet[] = [ConnSet.NONE, ConnSet.ALL];
  private readonly ids = new Map<string, number>([
    [ConnSet.NONE.toString(), NONE],
    [ConnSet.ALL.toString(), ALL],
  ]);
  private readonly unions = new Map<number, number>();
  private readonly intersections = new Map<number, number>();
  private readonly differences = new Map<number, number>();

  id(c: ConnSet): number {
    if (c === ConnSet.NONE) return NONE;
    if (c === ConnSet.ALL) return ALL;
    const key = c.toString();
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(c);
      this.ids.set(key, id);
    }
    return id;
  }

  set(id: number): ConnSet {
    return this.sets[id];
  }

  get size(): number {
    return this.sets.length;
  }

  // A small direct-mapped cache in front of each memo: the hot pairs of an evaluation are few, and an
  // array probe is much cheaper than a Map lookup. Slot = [a, b, result]; a = -1 marks it empty.
  private readonly hotUnion = new Int32Array(HOT_SIZE * 3).fill(-1);
  private readonly hotIntersect = new Int32Array(HOT_SIZE * 3).fill(-1);

  union(a: number, b: number): number {
    if (a === b || b === NONE || a === ALL) return a;
    if (a === NONE || b === ALL) return b;
    if (a > b) [a, b] = [b, a];
    const h = ((Math.imul(a, 0x9e3779b1) ^ b) & (HOT_SIZE - 1)) * 3;
    const hot = this.hotUnion;
    if (hot[h] === a && hot[h + 1] === b) return hot[h + 2];
    const key = pairKey(a, b);
    let r = this.unions.get(key);
    if (r === undefined) {
      r = this.id(this.sets[a].union(this.sets[b]));
      this.unions.set(key, r);
    }
    hot[h] = a;
    hot[h + 1] = b;
    hot[h + 2] = r;
    return r;
  }

  intersect(a: number, b: number): number {
    if (a === b || b === ALL) return a;
    if (a === ALL) return b;
    if (a === NONE || b === NONE) return NONE;
    if (a > b) [a, b] = [b, a];
    const h = ((Math.imul(a, 0x9e3779b1) ^ b) & (HOT_SIZE - 1)) * 3;
    const hot = this.hotIntersect;
    if (hot[h] === a && hot[h + 1] === b) return hot[h + 2];
    const key = pairKey(a, b);
    let r = this.intersections.get(key);
    if (r === undefined) {
      r = this.id(this.sets[a].intersect(this.sets[b]));
      this.intersections.set(key, r);
    }
    hot[h] = a;
    hot[h + 1] = b;
    hot[h + 2] = r;
    return r;
  }

  subtract(a: number, b: number): number {
    if (a === NONE || b === NONE) return a;
    if (a === b || b === ALL) return NONE;
    const key = pairKey(a, b);
    let r = this.differences.get(key);
    if (r === undefined) {
      r = this.id(this.sets[a].subtract(this.sets[b]));
      this.differences.set(key, r);
    }
    return r;
  }
}
