// Every ObjectRule and WorkspaceRule the engine runs. A rule file exports one rule object; add it here.
import type { ObjectRule, WorkspaceRule } from './types';

export const OBJECT_RULES: readonly ObjectRule[] = [
];

export const WORKSPACE_RULES: readonly WorkspaceRule[] = [
];
