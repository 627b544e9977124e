// The engine's facade: the only module the server, the CLI and the tests import from the engine.
export { Engine, MAX_FILE_CHARS, shiftFinding, type AnalyzedDocument, type DocumentOptions, type FileAnalysis } from './analyze';
export { DEFAULT_CONFIG, CONFIG_FILE_NAME, mergeConfig, type ProjectConfig, type DnsConfig, type IntendedFlow, type Expectation, type PeerRef } from './config';
export { parseConfig, normalizeSeverity, closest, CILIUM_VERSIONS } from './config-parse';
export { RULES, ruleMeta, type RuleMeta } from './rules/catalog';
export { LineIndex, type Position } from './parse/lines';
export { decodeUtf8 } from './parse/encoding';
export type * from './types';
export { extractFile, clearExtractCache, type FileModel, type Origin as ModelOrigin } from './model/extract';
export { buildWorkspaceModel, modelFindingsForFile, type BuildOptions } from './model/assemble';
export type { Locator } from './model/locate';
export { Reachability } from './reachability';
export { fixAllEdits, type FixAllResult } from './fixes/fix-all';
export { workspaceRuleSteps } from './rules/run';
