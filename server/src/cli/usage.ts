// Help texts. The command line itself is fixed by DESIGN.md; keep these in step with it.
import { CONFIG_FILE_NAME, RULES, type Severity } from '../engine';
import { REPOSITORY_URL, ruleDocUrl, VERSION } from './meta';

export const MAIN_HELP = `tenant-policy ${VERSION}: validate Kubernetes multi-tenancy YAML (Capsule, NetworkPolicy, Cilium).

Usage:
  tenant-policy check PATH... [options]         report problems; exit 1 when there are errors
  tenant-policy connectivity PATH... [options]  who may talk to whom, on which ports
  tenant-policy explain PATH... --from SRC --to DST [--port PROTO/PORT]
                                                why a connection is allowed or denied, rule by rule
  tenant-policy diff OLD_PATH NEW_PATH | PATH --against GIT_REF
                                                the connections a change adds, removes or changes
  tenant-policy --list-rules [--format json]    the rule ids, their default severity, title and quick fix
  tenant-policy --help | --version

Run \`tenant-policy COMMAND --help\` for the options. Documentation: ${REPOSITORY_URL}
`;

const COMMON = `PATH is a file, a folder (its *.yaml and *.yml files, recursively, as the configuration's include and
exclude globs select them) or - for standard input, read as \`tenant-policy check\` reads them. Namespaces,
workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob: one peer each; a Pod with a
controller owner stands for its owner), Capsule tenants and the policies Capsule will create from them,
NetworkPolicies and CiliumNetworkPolicies all count.`;

const WORKSPACE_OPTIONS = `  --inventory FILE            a cluster export (kubectl get namespaces,pods,deployments,statefulsets,
                              daemonsets -A -o yaml), merged with the PATHs (the PATHs win)
  --config FILE               the project configuration (default: the nearest ${CONFIG_FILE_NAME})
  --cilium-version 1.18|1.20  the Cilium CRDs to read CiliumNetworkPolicy with
  -h, --help                  show this help`;

export const CONNECTIVITY_HELP = `Usage: tenant-policy connectivity PATH... [options]

Every pair of peers that may talk, with the connections allowed (\`All Connections\`, or ports by protocol
such as \`TCP 53,80-82;UDP 53\`); pairs with nothing allowed are left out. A pair is allowed what the
source's egress policies allow towards the destination and the destination's ingress policies allow
from the source. External addresses are IPv4 ranges, cut where some policy's ipBlock or CIDR begins or
ends, written as a CIDR when they are one and as first-last otherwise.

${COMMON}

Options:
  --level workload|namespace|tenant
                              the peers (default: workload)
                              workload:  one per workload, \`namespace/name\`
                              namespace: the union over the workloads of each pair of namespaces
                                         (\`ns -> ns\`: between two workloads of one namespace);
                                         namespaces without workloads have no traffic
                              tenant:    namespaces grouped by Capsule tenant; a namespace without a
                                         tenant is a group of its own, named after it
  --format table|json|md|dot  output format (default: table)
                              table: a list (workload level), or a matrix with a legend (namespace and
                                     tenant levels, up to 24 columns; a list beyond)
                              json:  [{"src","srcKind","dst","dstKind","conns"}], kinds being the workload
                                     kind, Namespace, Tenant or External; "uncertain": true where a part
                                     of a policy that is not modelled could change the answer
                              md:    a Markdown table
                              dot:   Graphviz, namespaces clustered by tenant
${WORKSPACE_OPTIONS}

Exit status: 0 (findings are \`check\`'s job; what the model leaves out is reported on stderr), 2 bad
usage or unreadable input.
`;

export const EXPLAIN_HELP = `Usage: tenant-policy explain PATH... --from SRC --to DST [--port PROTO/PORT] [options]

Why SRC may or may not reach DST: the connections split into groups with the same answer and, for each,
on the source's egress side and the destination's ingress side, the policies and rules responsible with
the file and line of the rule (for a policy Capsule creates, of the Tenant or TenantResource item).

SRC and DST are NAMESPACE/WORKLOAD, NAMESPACE (each of its workloads; a namespace without workloads is
explained for a pod without labels there) or external IPv4 addresses (1.2.3.4, 10.0.0.0/8 or
10.0.0.1-10.0.0.9).

${COMMON}

Options:
  --from SRC, --to DST        the two ends (required)
  --port PROTO/PORT           only this port, e.g. TCP/443, UDP/53 (the protocol defaults to TCP)
  --format text|json          output format (default: text)
${WORKSPACE_OPTIONS}

Exit status: 0 whatever the verdict, 2 bad usage, unreadable input or an unknown workload.
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
  --inventory FILE            a cluster export (kubectl get namespaces,pods,deployments,statefulsets,
                              daemonsets -A -o yaml) whose namespaces and workloads complete the
                              workspace for the checks that need them; it is not itself reported on
  --max-warnings N            exit 1 when more than N warnings remain (default: no limit)
  --baseline FILE             findings listed in FILE are not reported and do not count; FILE is
                              JSON written by --update-baseline, matched by path (relative to FILE's
                              folder), rule, message and the text of the finding's line, so moved lines
                              still match; the summary says how many it hid and how many entries no
                              longer occur
  --update-baseline           write FILE (of --baseline) from this run's errors and warnings and exit 0;
                              entries of files outside the PATHs are kept
  --list-rules                list the rule ids and exit
  -h, --help                  show this help

Adopting on a repository with findings: run once with --baseline FILE --update-baseline and commit
FILE; CI then runs with --baseline FILE (and --max-warnings 0) and fails only on new findings.

Exit status: 0 no errors (warnings allowed, up to --max-warnings), 1 errors found or too many warnings,
2 bad usage, unreadable input or an unreadable baseline.
`;

export function listRulesText(): string {
  const width = Math.max(...RULES.map((r) => r.id.length));
  const sevWidth = Math.max(...RULES.map((r) => r.defaultSeverity.length));
  // The fix marker trails the title: the columns before it are what scripts read.
  return `${RULES.map((r) => `${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(sevWidth)}  ${r.title}${r.hasFix ? ' [quick fix]' : ''}`).join('\n')}\n`;
}

export function listRulesJson(): string {
  const rules = RULES.map((r) => ({ id: r.id, defaultSeverity: r.defaultSeverity as Severity, category: r.category, title: r.title, hasFix: r.hasFix === true, docs: ruleDocUrl(r.id) }));
  return `${JSON.stringify(rules, null, 2)}\n`;
}
