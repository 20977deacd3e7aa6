// SARIF 2.1.0 for code-scanning services: one run, every rule of the catalogue, one physical location per result.
import { docsUrl, RULES } from '../rules/catalogue';
import type { Finding, Severity } from '../rules/finding';
import { relativePath } from './format';

const level: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function formatSarif(findings: readonly Finding[], base: string, toolVersion: string): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const region = (f: { range: Finding['range'] }) => ({
    startLine: f.range.start.line + 1,
    startColumn: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
  });
  const location = (file: string, r: { range: Finding['range'] }) => ({
    physicalLocation: { artifactLocation: { uri: encodeURI(relativePath(base, file)) }, region: region(r) },
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'esp-tls-lens',
          version: toolVersion,
          rules: RULES.map((r) => ({
            id: r.id,
            shortDescription: { text: r.summary },
            helpUri: docsUrl(r.id),
            defaultConfiguration: { level: level[r.severity] },
          })),
        },
      },
      columnKind: 'utf16CodeUnits',
      results: findings.map((f) => ({
        ruleId: f.rule,
        ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
        level: level[f.severity],
        message: { text: f.message },
        locations: [location(f.file, f)],
        ...(f.related?.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, ...location(r.file, r), message: { text: r.message } })) } : {}),
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
