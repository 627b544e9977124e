// What the CLI says about itself: its version and where its documentation lives, both from package.json
// (bundled by esbuild, so dist/cli.js needs no file beside it).
import { repository, version } from '../../../package.json';

export const TOOL_NAME = 'tenant-policy';
export const VERSION: string = version;

/** The repository's web address, from package.json `repository` (a string or `{url}`). */
export const REPOSITORY_URL: string = (() => {
  const raw = typeof repository === 'string' ? repository : (repository as { url?: string } | undefined)?.url;
  const url = (raw ?? 'https://github.com/tenant-policy/tenant-policy').replace(/^git\+/, '').replace(/\.git$/, '');
  return url.replace(/^github:/, 'https://github.com/');
})();

/** The page of a rule: docs/rules/<id>.md, as linked from diagnostics and SARIF. */
export function ruleDocUrl(id: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${encodeURIComponent(id)}.md`;
}
