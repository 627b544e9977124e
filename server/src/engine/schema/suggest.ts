// "Did you mean …?" for misspelt field names and enum values.

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string, max = Infinity): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > max) return Infinity;
  const n = s.length;
  const m = t.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return Infinity;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/**
 * The closest candidates to `word`: an exact case-insensitive match wins; otherwise those within an
 * edit distance that grows with the word's length (1 for short words, up to 3), or that extend or
 * truncate it (`policy` → `policyTypes`). Best first.
 */
export function closest(word: string, candidates: readonly string[]): string[] {
  const lower = word.toLowerCase();
  const exact = candidates.filter((c) => c.toLowerCase() === lower);
  if (exact.length) return exact;
  const limit = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best = Infinity;
  let out: string[] = [];
  for (const c of candidates) {
    const d = editDistance(word, c, limit);
    if (d < best) {
      best = d;
      out = [c];
    } else if (d === best && d !== Infinity) out.push(c);
  }
  if (out.length) return out;
  if (word.length >= 3) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lower) || (lower.startsWith(c.toLowerCase()) && c.length >= 3));
    if (prefixed.length && prefixed.length <= 3) return prefixed;
  }
  return [];
}
