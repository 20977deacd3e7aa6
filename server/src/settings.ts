// The server's settings and their defaults. package.json `contributes.configuration` must declare the
// same keys with the same defaults; test/unit/settings.test.ts keeps the two equal.
import type { SeverityOrOff } from './rules/finding';

export interface Settings {
  /** "X.Y" or "X.Y.Z" when the project's IDF version cannot be read from sdkconfig or IDF_PATH. */
  idfVersion: string;
  /** Per-rule severity overrides: rule id -> off | hint | info | warning | error. */
  rules: Record<string, SeverityOrOff>;
  /** Show findings in managed_components/ (third-party code; always analysed for cross-file facts). */
  showManagedComponentFindings: boolean;
  /** Files larger than this are skipped with a note (generated tables, binary blobs). */
  maxFileSizeKB: number;
  /** cert-expires-soon warns this many days before a certificate in the firmware expires. */
  expiryWarningDays: number;
}

export const defaultSettings: Settings = {
  idfVersion: '',
  rules: {},
  showManagedComponentFindings: false,
  maxFileSizeKB: 2048,
  expiryWarningDays: 90,
};

/** Section name in VS Code settings: espTlsLens.<key>. */
export const settingsSection = 'espTlsLens';

/** Merges what the client sent over the defaults, ignoring values of the wrong type. */
export function resolveSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof Settings, unknown>>;
  const pick = <K extends keyof Settings>(k: K, ok: (v: unknown) => boolean): Settings[K] =>
    (ok(r[k]) ? r[k] : defaultSettings[k]) as Settings[K];
  return {
    idfVersion: pick('idfVersion', (v) => typeof v === 'string'),
    rules: pick('rules', (v) => !!v && typeof v === 'object' && !Array.isArray(v)),
    showManagedComponentFindings: pick('showManagedComponentFindings', (v) => typeof v === 'boolean'),
    maxFileSizeKB: pick('maxFileSizeKB', (v) => typeof v === 'number' && v > 0),
    expiryWarningDays: pick('expiryWarningDays', (v) => typeof v === 'number' && v >= 0),
  };
}
