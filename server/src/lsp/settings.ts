// The `tenantPolicy` settings section as the client sends it (any JSON) → EditorSettings. A bad value is
// logged and replaced by its default: a typo in settings.json must not turn validation off.
import { normalizeSeverity } from '../engine';
import { DEFAULT_EDITOR_SETTINGS, type EditorSettings } from '../settings';

export const SETTINGS_SECTION = 'tenantPolicy';

const CILIUM_VERSIONS: readonly EditorSettings['ciliumVersion'][] = ['', '1.18', '1.20'];

export function readEditorSettings(raw: unknown, warn: (message: string) => void): EditorSettings {
  if (raw === null || raw === undefined) return DEFAULT_EDITOR_SETTINGS;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    warn(`The ${SETTINGS_SECTION} settings must be an object; using the defaults.`);
    return DEFAULT_EDITOR_SETTINGS;
  }
  const s = raw as Record<string, unknown>;
  const settings: EditorSettings = { ...DEFAULT_EDITOR_SETTINGS, rules: {} };
  if (s.enable !== undefined && s.enable !== null) {
    if (typeof s.enable === 'boolean') settings.enable = s.enable;
    else warn(`${SETTINGS_SECTION}.enable must be true or false, not ${JSON.stringify(s.enable)}.`);
  }
  if (s.ciliumVersion !== undefined && s.ciliumVersion !== null) {
    if (CILIUM_VERSIONS.includes(s.ciliumVersion as EditorSettings['ciliumVersion'])) settings.ciliumVersion = s.ciliumVersion as EditorSettings['ciliumVersion'];
    else warn(`${SETTINGS_SECTION}.ciliumVersion must be one of ${CILIUM_VERSIONS.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(s.ciliumVersion)}.`);
  }
  if (s.rules !== undefined && s.rules !== null) {
    if (typeof s.rules === 'object' && !Array.isArray(s.rules)) {
      for (const [id, value] of Object.entries(s.rules as Record<string, unknown>)) {
        const severity = typeof value === 'string' ? normalizeSeverity(value) : undefined;
        if (severity) settings.rules[id] = severity;
        else warn(`${SETTINGS_SECTION}.rules.${id} must be off, error, warning, information or hint, not ${JSON.stringify(value)}.`);
      }
    } else warn(`${SETTINGS_SECTION}.rules must map rule ids to severities.`);
  }
  return settings;
}
