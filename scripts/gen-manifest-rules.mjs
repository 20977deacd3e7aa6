// Writes the per-rule properties of the `espTlsLens.rules` setting in package.json from the rule catalogue
// (server/src/rules/catalogue.ts), so that settings.json completes rule ids and their levels and shows what
// each rule finds. test/unit/settings.test.ts fails when the two disagree.
//   node --import tsx scripts/gen-manifest-rules.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../server/src/rules/catalogue.ts';

const file = path.resolve(import.meta.dirname, '../package.json');
const manifest = JSON.parse(readFileSync(file, 'utf8'));
const rules = manifest.contributes.configuration.properties['espTlsLens.rules'];
const levels = rules.additionalProperties.enum;
rules.properties = Object.fromEntries(RULES.map((r) => [r.id, {
  type: 'string',
  enum: levels,
  markdownDescription: `${r.summary} Default: \`${r.severity}\`. [Documentation](https://github.com/esp-tls-lens/esp-tls-lens/blob/main/docs/rules/${r.id}.md)`,
}]));
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`package.json: ${RULES.length} rule properties`);
