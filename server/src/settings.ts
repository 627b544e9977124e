// The extension's settings, declared once. package.json's contributes.configuration is checked against
// this list by a test; the server reads the same keys through workspace/configuration.

export interface SettingDecl {
  key: string;
  type: 'boolean' | 'string' | 'object' | 'array';
  default: unknown;
  enum?: string[];
  description: string;
  scope?: 'window' | 'resource';
}

export const SETTINGS: readonly SettingDecl[] = [
  { key: 'tenantPolicy.enable', type: 'boolean', default: true, scope: 'resource', description: 'Validate Kubernetes multi-tenancy YAML (Capsule, NetworkPolicy, Cilium) in this workspace.' },
  { key: 'tenantPolicy.trace.server', type: 'string', default: 'off', enum: ['off', 'messages', 'verbose'], scope: 'window', description: 'Traces the communication between VS Code and the Tenant Policy language server.' },
  { key: 'tenantPolicy.ciliumVersion', type: 'string', default: '', enum: ['', '1.18', '1.20'], scope: 'resource', description: 'Cilium CRD version to validate CiliumNetworkPolicy against. Empty: the project file (.tenant-policy.yaml) decides, else 1.18 (stable).' },
  { key: 'tenantPolicy.rules', type: 'object', default: {}, scope: 'resource', description: 'Severity per rule id (off, error, warning, information, hint); added on top of the rules in .tenant-policy.yaml.' },
];

/** What the server needs from the editor's settings, after defaults. */
export interface EditorSettings {
  enable: boolean;
  ciliumVersion: '' | '1.18' | '1.20';
  rules: Record<string, string>;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { enable: true, ciliumVersion: '', rules: {} };
