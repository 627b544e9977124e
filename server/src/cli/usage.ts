// Help texts. The command line itself is fixed by DESIGN.md; keep these in step with it.
import { CONFIG_FILE_NAME, RULES, type Severity } from '../engine';
import { REPOSITORY_URL, ruleDocUrl, VERSION } from './meta';

export const MAIN_HELP = `tenant-policy ${VERSION}: validate Kubernetes multi-tenancy YAML (Capsule, NetworkPolicy, Cilium).

Usage:
  tenant-policy check PATH... [options]      report problems; exit 1 when there are errors
  tenant-policy --list-rules [--format json] the rule ids, their default severity and title
  tenant-policy --help | --version

Not implemented yet: connectivity, explain, diff.

Run \`tenant-policy check --help\` for the options. Documentation: ${REPOSITORY_URL}
`;

export const CHECK_HELP = `Usage: tenant-policy check PATH... [options]

PATH is a file, a folder (its *.yaml and *.yml files, recursively, as the configuration's include and
exclude globs select them) or - for standard input (for example: kustomize build | tenant-policy check -).
Files listed as patches by a kustomization.yaml are checked as partial objects.

Options:
  --format text|json|sarif    output format (default: text)
                              text:  file:line:col: severity code message, then a summary
                              json:  {"diagnostics": [...]} with 0-based line/character (UTF-16)
                              sarif: SARIF 2.1.0, for code-scanning dashboards
  --config FILE               the project configuration (default: the nearest ${CONFIG_FILE_NAME}
                              from the first PATH up to the repository root)
  --rule ID=SEVERITY          set a rule to off, error, warning, info or hint; repeatable; applied on
                              top of the configuration
  --cilium-version 1.18|1.20  the Cilium CRDs to validate CiliumNetworkPolicy against
  --list-rules                list the rule ids and exit
  -h, --help                  show this help

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or unreadable input.
`;

export function listRulesText(): string {
  const width = Math.max(...RULES.map((r) => r.id.length));
  const sevWidth = Math.max(...RULES.map((r) => r.defaultSeverity.length));
  return `${RULES.map((r) => `${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(sevWidth)}  ${r.title}`).join('\n')}\n`;
}

export function listRulesJson(): string {
  const rules = RULES.map((r) => ({ id: r.id, defaultSeverity: r.defaultSeverity as Severity, category: r.category, title: r.title, docs: ruleDocUrl(r.id) }));
  return `${JSON.stringify(rules, null, 2)}\n`;
}
