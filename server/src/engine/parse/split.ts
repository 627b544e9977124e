// Splits a YAML stream into its `---` documents by scanning lines, before any parsing. In YAML a line
// that starts with `---` (or `...`) followed by a space or the line end is a document marker wherever it
// stands (the spec forbids it inside scalars), while an indented `---` is content. Splitting first lets
// the engine parse and validate each document on its own and reuse the results of documents an edit did
// not touch.

export interface Chunk {
  /** Offset of the chunk in the file's text (UTF-16 code units). */
  start: number;
  /** The chunk's text, from its `---` line (if any) up to the next marker line. */
  text: string;
}

function isMarker(text: string, i: number, ch: string): boolean {
  if (text.charCodeAt(i) !== ch.charCodeAt(0) || text.charCodeAt(i + 1) !== ch.charCodeAt(0) || text.charCodeAt(i + 2) !== ch.charCodeAt(0)) {
    return false;
  }
  const next = text.charCodeAt(i + 3);
  // End of text, space, tab, CR or LF.
  return Number.isNaN(next) || next === 32 || next === 9 || next === 13 || next === 10;
}

/** True when the text holds only blank lines, comments and directives: it belongs to the next document. */
function isPreamble(text: string): boolean {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t !== '' && !t.startsWith('#') && !t.startsWith('%')) return false;
  }
  return true;
}

export function splitDocuments(text: string): Chunk[] {
  const cuts: number[] = [0];
  let lineStart = 0;
  const n = text.length;
  while (lineStart < n) {
    let nl = text.indexOf('\n', lineStart);
    if (nl === -1) nl = n;
    if (lineStart > 0 && isMarker(text, lineStart, '-')) cuts.push(lineStart);
    else if (isMarker(text, lineStart, '.')) {
      // `...` ends a document: what follows starts the next one.
      if (nl + 1 < n) cuts.push(nl + 1);
    }
    lineStart = nl + 1;
  }
  const chunks: Chunk[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const start = cuts[i];
    const end = i + 1 < cuts.length ? cuts[i + 1] : n;
    if (end <= start && chunks.length > 0) continue;
    chunks.push({ start, text: text.slice(start, end) });
  }
  // A leading chunk of comments or directives only is glued to the document it precedes.
  const merged: Chunk[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    const next = chunks[i + 1];
    if (next && isPreamble(c.text) && !c.text.trimStart().startsWith('---')) {
      chunks[i + 1] = { start: c.start, text: c.text + next.text };
      continue;
    }
    merged.push(c);
  }
  return merged;
}
