// The custom `tenantPolicy/*` messages between the VS Code client and the language server, shared by
// relative import and bundled into both. Each says which way it flows. Standard LSP covers the rest.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

/** What the server is doing; `files` counts the workspace files indexed (or, while indexing, to index). */
export interface StatusParams {
  state: 'starting' | 'indexing' | 'ready' | 'error';
  message?: string;
  files?: number;
}

/** Server → client notification: the server's state changed (starting, indexing N files, ready, error). */
export namespace StatusNotification {
  export const method = 'tenantPolicy/status';
  export const type = new NotificationType<StatusParams>(method);
}

export interface CrashForTestParams {
  /** Written with console.log/info/warn/error before the handler throws: none of it may reach stdout. */
  log?: string;
}

/**
 * Client → server request, registered only when the server runs with TENANT_POLICY_TEST=1: the handler
 * logs through every console method and then throws, so tests can check that a failing handler answers
 * with an error, keeps stdout clean and leaves the server serving.
 */
export namespace CrashForTestRequest {
  export const method = 'tenantPolicy/_crashForTest';
  export const type = new RequestType<CrashForTestParams, null, void>(method);
}

// ---- the preview panel ------------------------------------------------------------------------------
// The panel (client/) asks the server for what the engine knows; everything is plain JSON. Positions
// are LSP positions (0-based line and UTF-16 character), locations LSP Locations, so the client can
// reveal them with the usual APIs.

export interface PreviewLocation {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** A set of connections as people read it: `all`, `none`, or `TCP/80, TCP/443, UDP/53`. */
export type PortsText = string;

export interface PreviewWorkload {
  id: string;
  kind: string;
  ports: PortsText;
}

export interface PreviewAdmittedNamespace {
  namespace: string;
  /** Workloads of the namespace the rule admits, with the ports; empty when the namespace declares none. */
  workloads: PreviewWorkload[];
  /** The union over the namespace (what a pod without declared workloads would get). */
  ports: PortsText;
}

export interface PreviewRule {
  direction: 'ingress' | 'egress';
  /** Index in `ingress`/`egress` (or `ingressDeny`/`egressDeny` for effect deny). */
  index: number;
  effect: 'allow' | 'deny';
  /** The rule's YAML (for a Capsule-materialised policy: inside the Tenant / GlobalTenantResource item). */
  location?: PreviewLocation;
  /** Namespaces grouped by tenant (`tenant` undefined: namespaces of no tenant). */
  admits: { tenant?: string; namespaces: PreviewAdmittedNamespace[] }[];
  externals: { range: string; ports: PortsText }[];
  /** Remarks: parts not modelled, IPv6 blocks, named ports unresolved… */
  notes: string[];
  /** A part of this rule is not modelled (Cilium L7, toFQDNs, an unreadable selector): it may admit more or less. */
  uncertain?: boolean;
}

export interface PreviewPolicy {
  id: string;
  kind: string;
  name: string;
  namespace?: string;
  location: PreviewLocation;
  /** Set for a policy Capsule creates from a Tenant / (Global)TenantResource item. */
  capsule?: { kind: string; name: string; tenant: string; location: PreviewLocation };
  /** For a Capsule item: every namespace it is stamped into (the view shows the first, lists the rest). */
  instances: string[];
  /** The pods the policy selects, by namespace (`workloads` empty: any pod of the namespace). */
  selects: { namespace: string; tenant?: string; workloads: string[]; allPods: boolean }[];
  /** Directions the policy puts its pods into default-deny for: what no rule admits is denied. */
  isolates: { ingress: boolean; egress: boolean };
  rules: PreviewRule[];
  /** Some verdict about the pods it selects depends on a part of a policy that is not modelled. */
  uncertain?: boolean;
}

export interface MatrixNamespace {
  name: string;
  tenant?: string;
  workloads: number;
  /** One of the configuration's platformNamespaces. */
  platform?: boolean;
  /**
   * The namespace declares no workloads: its cells say what a new pod without labels there would get
   * (as `explain` does), not what declared pods get.
   */
  hypothetical?: boolean;
}

export interface MatrixCell {
  /** Indices into `namespaces`. */
  src: number;
  dst: number;
  /** `all`: every port and protocol; else the ports. Cells with no connection are left out. */
  level: 'all' | 'some';
  ports: PortsText;
  /** A part of a selecting policy is not modelled: the verdict may differ. */
  uncertain?: boolean;
}

export interface PreviewMatrix {
  namespaces: MatrixNamespace[];
  tenants: { name: string; namespaces: number[] }[];
  cells: MatrixCell[];
}

export interface PreviewParams {
  /** The document the panel follows (its workspace folder's model is used). */
  uri: string;
  /** The cursor: selects the policy (or Capsule item) under it. */
  position?: { line: number; character: number };
  /** Leave the matrix out (the policy view alone is cheaper). */
  noMatrix?: boolean;
}

export interface PreviewResult {
  /** Changes with every model rebuild: the panel skips re-rendering an unchanged result. */
  stamp: number;
  /** Human name of the model's scope: the workspace folder, or the file alone. */
  scope: string;
  /** `indexing` while the folder is still being read (results may be partial). */
  state: 'ready' | 'indexing' | 'empty';
  policy?: PreviewPolicy;
  matrix?: PreviewMatrix;
}

/** Client → server: what the panel shows for a document and cursor. */
export namespace PreviewRequest {
  export const method = 'tenantPolicy/preview';
  export const type = new RequestType<PreviewParams, PreviewResult, void>(method);
}

export interface ExplainParams {
  uri: string;
  from: { namespace: string };
  to: { namespace: string };
  /** `TCP/5432`; absent: every port. */
  port?: string;
}

export interface ExplainStep {
  side: 'egress' | 'ingress';
  /** `allowed`, `denied` (isolated, no rule admits), `not isolated`, `denied by a deny rule`. */
  verdict: string;
  ports: PortsText;
  /** The responsible policies and rules, each a link. */
  by: { label: string; location?: PreviewLocation }[];
  /** The workloads the step is about (`ns/name`; `ns/*` for a namespace without workloads). */
  src?: string;
  dst?: string;
}

export interface ExplainResult {
  from: string;
  to: string;
  allowed: PortsText;
  uncertain: boolean;
  steps: ExplainStep[];
  /** The same walkthrough as plain text (what `tenant-policy explain` prints). */
  text: string;
}

/** Client → server: why traffic between two namespaces is (not) allowed — a matrix cell's walkthrough. */
export namespace ExplainRequest {
  export const method = 'tenantPolicy/explain';
  export const type = new RequestType<ExplainParams, ExplainResult, void>(method);
}

/** Server → client: a folder's model was rebuilt; open previews of its documents ask again. */
export interface ModelChangedParams {
  /** Documents whose model changed (every modelled file of the folder); the client matches its panel's. */
  folderUri?: string;
  /** For a document outside every workspace folder (modelled alone): that document. */
  uri?: string;
  stamp: number;
}

export namespace ModelChangedNotification {
  export const method = 'tenantPolicy/modelChanged';
  export const type = new NotificationType<ModelChangedParams>(method);
}
