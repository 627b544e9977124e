// The project configuration, `.tenant-policy.yaml` at the repository root. The CLI and the server read
// the same file through this module, so the editor and CI never disagree; editor settings only add to it.
import type { CiliumVersion, Finding, SeveritySetting } from './types';

export const CONFIG_FILE_NAME = '.tenant-policy.yaml';

export interface PeerRef {
  tenant?: string;
  namespace?: string;
}

export interface IntendedFlow {
  from: PeerRef;
  to: PeerRef;
  /** `PROTO/PORT` or `PROTO/FIRST-LAST`; absent: any port. */
  ports?: string[];
}

export interface Expectation {
  from: PeerRef;
  to: PeerRef;
  /** `never`: no connection at all; `only`: connections limited to `ports`. */
  reach: 'never' | 'only';
  ports?: string[];
}

export interface DnsConfig {
  namespace: string;
  podLabels: Record<string, string>;
  ports: number[];
  /** NodeLocal DNSCache link-local address, when the cluster runs it. */
  nodeLocalAddress?: string;
}

export interface ProjectConfig {
  include: string[];
  exclude: string[];
  ciliumVersion: CiliumVersion;
  rules: Record<string, SeveritySetting>;
  platformNamespaces: string[];
  dns: DnsConfig;
  intendedFlows: IntendedFlow[];
  expectations: Expectation[];
}

export const DEFAULT_CONFIG: ProjectConfig = {
  include: ['**/*.yaml', '**/*.yml'],
  exclude: ['**/node_modules/**', '**/.git/**'],
  ciliumVersion: '1.18',
  rules: {},
  platformNamespaces: ['kube-system'],
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, ports: [53] },
  intendedFlows: [],
  expectations: [],
};

export interface ConfigResult {
  config: ProjectConfig;
  /** Problems in the configuration file itself, on its exact nodes. */
  findings: Finding[];
}

/** Merges settings layered on top of a base (editor settings add to the project file). */
export function mergeConfig(base: ProjectConfig, extra: Partial<ProjectConfig>): ProjectConfig {
  return {
    ...base,
    ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
    rules: { ...base.rules, ...(extra.rules ?? {}) },
    dns: { ...base.dns, ...(extra.dns ?? {}) },
  } as ProjectConfig;
}
