import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettings, resolveSettings, settingsSection } from '../../server/src/settings';
import { RULES } from '../../server/src/rules/catalogue';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
const properties: Record<string, { default: unknown; enum?: string[]; additionalProperties?: { enum: string[] } }> =
  manifest.contributes.configuration.properties;
/** Settings the client consumes itself; the server never sees them. */
const clientOnly = new Set([`${settingsSection}.trace.server`]);

describe('settings', () => {
  it('package.json declares exactly the server settings, with the same defaults', () => {
    const declared = Object.fromEntries(
      Object.entries(properties)
        .filter(([key]) => !clientOnly.has(key))
        .map(([key, schema]) => [key.slice(settingsSection.length + 1), schema.default]),
    );
    assert.deepEqual(declared, defaultSettings);
  });

  it('the rule severity schema offers the same levels as the CLI', () => {
    assert.deepEqual(properties[`${settingsSection}.rules`].additionalProperties?.enum, ['off', 'hint', 'info', 'warning', 'error']);
  });

  it('package.json names every rule with its levels, for completion in settings.json (scripts/gen-manifest-rules.mjs)', () => {
    const rules = (properties[`${settingsSection}.rules`] as unknown as { properties: Record<string, { enum: string[]; markdownDescription: string }> }).properties;
    assert.deepEqual(Object.keys(rules), RULES.map((r) => r.id), 'run: node --import tsx scripts/gen-manifest-rules.mjs');
    for (const r of RULES) {
      assert.deepEqual(rules[r.id].enum, ['off', 'hint', 'info', 'warning', 'error']);
      assert.ok(rules[r.id].markdownDescription.startsWith(r.summary) && rules[r.id].markdownDescription.includes(`Default: \`${r.severity}\``), r.id);
    }
  });

  it('numbers are integers, and a wrong IDF version gets a message', () => {
    const p = properties as unknown as Record<string, { type: string; patternErrorMessage?: string }>;
    assert.equal(p[`${settingsSection}.maxFileSizeKB`].type, 'integer');
    assert.equal(p[`${settingsSection}.expiryWarningDays`].type, 'integer');
    assert.match(p[`${settingsSection}.idfVersion`].patternErrorMessage ?? '', /5\.1/);
  });

  it('falls back to defaults for missing or mistyped values', () => {
    assert.deepEqual(resolveSettings(undefined), defaultSettings);
    const s = resolveSettings({ idfVersion: 5, maxFileSizeKB: -1, showManagedComponentFindings: true, rules: ['x'] });
    assert.deepEqual(s, { ...defaultSettings, showManagedComponentFindings: true });
  });

  it('every rule id is unique and documented', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.ok(readFileSync(path.resolve(__dirname, `../../docs/rules/${id}.md`), 'utf8').startsWith(`# ${id}`), id);
  });
});
