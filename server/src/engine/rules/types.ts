// The two shapes of rule. An ObjectRule looks at one manifest as written (a NetworkPolicy, a Tenant, a
// CiliumNetworkPolicy, a rawItem of a GlobalTenantResource…) and runs with schema validation, per
// document and per keystroke. A WorkspaceRule needs the whole workspace (namespaces, tenants, every
// policy, the configuration) and runs when the WorkspaceModel is assembled.
import type { Obj } from '../plain';
import type { ProjectConfig } from '../config';
import type { ParsedDocument } from '../parse/document';
import type { DocumentPlace } from '../model/locate';
import type { FileModel } from '../model/extract';
import type { SourceRef, Workload } from '../model/types';
import type { PolicyEffect, WorkspaceModel } from '../model/workspace';
import type { Reachability } from '../reachability';
import type { Reporter, Seg } from '../schema/report';
import type { CiliumVersion, Finding } from '../types';

export type { Obj };


export interface ObjectRuleContext {
  /** Adds findings with offsets local to the document; `reporter.parsed.text` is the document's text. */
  reporter: Reporter;
  parsed: ParsedDocument;
  /** The object's kind (`NetworkPolicy`, `Tenant`, …) and apiVersion, as identified. */
  kind: string;
  apiVersion: string;
  /** Path of the object inside the document: `[]`, `['items', 2]`, `[…, 'rawItems', 0]`. */
  base: Seg[];
  /** The object as plain data (placeholders NOT rendered; see `templated`). */
  value: Obj;
  /** A Capsule rawItem: `{{tenant.name}}` / `{{namespace}}` are rendered per namespace by Capsule. */
  templated: boolean;
  /** A Kustomize patch: partial object, absent fields mean nothing. */
  isPatch: boolean;
  ciliumVersion: CiliumVersion;
}

export interface ObjectRule {
  /** The rule id (also the diagnostic code); a catalogue entry must exist. */
  id: string;
  /** Kinds the rule looks at; the runner calls `check` only for these. */
  kinds: readonly string[];
  check(ctx: ObjectRuleContext): void;
}

export interface WorkspaceRuleContext {
  model: WorkspaceModel;
  config: ProjectConfig;
  /** The files the model was built from, with their parsed documents (`places`). */
  files: readonly FileModel[];
  /**
   * The policies that may select pods of a namespace (those scoped to it, and cluster-wide ones): a
   * superset to test with `selects`, indexed once per run so rules do not scan every policy per pod.
   */
  policiesFor(namespace: string): readonly PolicyEffect[];
  /** The workloads of a namespace, indexed once per run. */
  workloadsIn(namespace: string): readonly Workload[];
  /** The reachability facade over `model`, built on first use and shared by the rules of one run. */
  reachability(): Reachability;
  /** The parsed `---` document that contains a source span (for exact spans and for fixes). */
  placeOf(ref: SourceRef): DocumentPlace | undefined;
  /** The length of a file's text: where a fix appends a new document. */
  fileEnd(uri: string): number | undefined;
  /** Reports a finding with file offsets (spans and fix edits), in `uri`. */
  report(uri: string, finding: Finding): void;
}

export interface WorkspaceRule {
  id: string;
  check(ctx: WorkspaceRuleContext): void;
}
