// The include/exclude globs of `.tenant-policy.yaml`, as regular expressions over paths relative to the
// workspace folder, always with `/` separators. Supported: `**` (any number of folders), `*` (any run of
// characters within one path segment), `?` (one character), `{a,b}` (alternatives, nestable). Everything
// else is literal. Dotfiles are not special: `**/*.yaml` matches `.tenant-policy.yaml`, which is why the
// defaults exclude `**/.git/**` by name.

/** Compiles one glob into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim();
  while (g.startsWith('./')) g = g.slice(2);
  if (g.startsWith('/')) g = g.slice(1);
  return new RegExp(`^${translate(g)}$`);
}

function translate(g: string): string {
  let out = '';
  let i = 0;
  while (i < g.length) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      const atSegmentStart = i === 0 || g[i - 1] === '/';
      const next = g[i + 2];
      if (atSegmentStart && next === '/') {
        // `**/`: zero or more whole folders.
        out += '(?:[^/]*/)*';
        i += 3;
        continue;
      }
      if (atSegmentStart && next === undefined) {
        // A trailing `**`: everything below, and (after a `/`) the folder itself, so that `dir/**`
        // also prunes the folder `dir` during the walk.
        if (out.endsWith('/')) out = `${out.slice(0, -1)}(?:/.*)?`;
        else out += '.*';
        i += 2;
        continue;
      }
      // `**` inside a segment means no more than `*`.
      out += '[^/]*';
      i += 2;
      continue;
    }
    if (c === '*') {
      out += '[^/]*';
      i++;
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      i++;
      continue;
    }
    if (c === '{') {
      const close = matchingBrace(g, i);
      if (close !== -1) {
        const alternatives = splitTopLevel(g.slice(i + 1, close)).map(translate);
        out += `(?:${alternatives.join('|')})`;
        i = close + 1;
        continue;
      }
    }
    out += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
    i++;
  }
  return out;
}

function matchingBrace(g: string, open: number): number {
  let depth = 0;
  for (let i = open; i < g.length; i++) {
    if (g[i] === '{') depth++;
    else if (g[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** A folder's include/exclude globs, compiled once. */
export class PathFilter {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(globToRegExp);
    this.exclude = exclude.map(globToRegExp);
  }

  /** True for a file (relative path) the workspace index analyses. */
  includesFile(rel: string): boolean {
    return this.include.some((r) => r.test(rel)) && !this.exclude.some((r) => r.test(rel));
  }

  /** True for a folder (relative path) whose whole content is excluded, so the walk need not enter it. */
  excludesFolder(rel: string): boolean {
    return this.exclude.some((r) => r.test(rel));
  }
}
