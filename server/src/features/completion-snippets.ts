// The snippets of snippets/snippets.json (their one source), bundled into the server, and their plain
// text for clients without snippet support: every placeholder replaced by its default (a choice by its
// first option), tab stops removed, escapes resolved.
import data from '../../../snippets/snippets.json';

export type SnippetScope = 'document' | 'ingress' | 'egress';

export interface Snippet {
  name: string;
  label: string;
  scope: SnippetScope;
  description: string;
  /** Kinds whose rule lists the snippet fits (rule snippets only). */
  kinds?: string[];
  body: string[];
}

export const SNIPPETS: readonly Snippet[] = (data as { snippets: Snippet[] }).snippets;

/** The snippet's body in LSP snippet syntax. */
export function snippetText(s: Snippet): string {
  return s.body.join('\n');
}

/** The body as plain text: what the snippet expands to when every placeholder keeps its default. */
export function expandDefaults(snippet: string): string {
  let out = '';
  let i = 0;
  const readUntilClose = (): string => {
    // Inside ${n:...}: nested placeholders expand to their defaults too.
    let inner = '';
    let depth = 1;
    while (i < snippet.length) {
      const c = snippet[i];
      if (c === '\\' && i + 1 < snippet.length) {
        inner += snippet.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '$' && snippet[i + 1] === '{') depth++;
      if (c === '}' && --depth === 0) {
        i++;
        return inner;
      }
      inner += c;
      i++;
    }
    return inner;
  };
  while (i < snippet.length) {
    const c = snippet[i];
    if (c === '\\' && i + 1 < snippet.length && '$}\\'.includes(snippet[i + 1])) {
      out += snippet[i + 1];
      i += 2;
      continue;
    }
    if (c === '$') {
      const tab = /^\$(\d+)/.exec(snippet.slice(i));
      if (tab) {
        i += tab[0].length;
        continue;
      }
      if (snippet[i + 1] === '{') {
        const head = /^\$\{(\d+)([:|])?/.exec(snippet.slice(i));
        if (head) {
          i += head[0].length;
          const inner = readUntilClose();
          if (head[2] === '|') out += expandDefaults(inner.replace(/\|$/, '').split(',')[0] ?? '');
          else if (head[2] === ':') out += expandDefaults(inner);
          continue;
        }
      }
    }
    out += c;
    i++;
  }
  return out;
}
