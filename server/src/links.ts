// Where the project's documentation lives, from package.json `repository` (bundled by esbuild, so no file
// is read at run time). Diagnostics in the editor and SARIF results in CI link to the same rule pages.
import { repository } from '../../package.json';

/** The repository's web address, from package.json `repository` (a string or `{url}`). */
export const REPOSITORY_URL: string = (() => {
  const raw = typeof repository === 'string' ? repository : (repository as { url?: string } | undefined)?.url;
  const url = (raw ?? 'https://github.com/tenant-policy/tenant-policy').replace(/^git\+/, '').replace(/\.git$/, '');
  return url.replace(/^github:/, 'https://github.com/');
})();

/** The page of a rule: docs/rules/<id>.md. */
export function ruleDocUrl(id: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${encodeURIComponent(id)}.md`;
}
