// Which modules an esbuild bundle still loads at run time: everything else was bundled into it.
import { builtinModules } from 'node:module';

// A call is `require(` not preceded by a name character, a dot (a method of something else) or a quote:
// libraries such as ajv keep code they generate in strings like 'require("ajv/dist/runtime/equal")'.
const LITERAL = /(?<![\w$.'"`])(?:require|import)\(\s*["'`]([^"'`]+)["'`]\s*\)/g;
const COMPUTED = /(?<![\w$.'"`])require\(\s*(?!["'`])[^)]/g;

/** `require("x")` and `import("x")` with a literal argument, and how many require() calls take anything else. */
export function requiredModules(bundle: string): { literal: Set<string>; dynamic: number } {
  const literal = new Set([...bundle.matchAll(LITERAL)].map((m) => m[1]));
  const dynamic = [...bundle.matchAll(COMPUTED)].length;
  return { literal, dynamic };
}

export const isBuiltin = (m: string): boolean => m.startsWith('node:') || builtinModules.includes(m.split('/')[0]);
