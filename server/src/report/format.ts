// The CLI's text and JSON renderings of findings (DESIGN.md §3). Paths are relative to a base folder
// with forward slashes, so output is the same on every machine and in CI logs.
import path from 'node:path';
import type { Finding } from '../rules/finding';
import type { EspIdfProject } from '../project/model';
import { projectNotes } from '../project/describe';
import { formatIdfVersion } from '../project/idfVersion';

export const relativePath = (base: string, file: string) => path.relative(base, file).split(path.sep).join('/');

/** `path:line:col: severity: message [rule-id]`, 1-based, like a compiler. */
export function formatText(findings: readonly Finding[], base: string): string {
  return findings
    .map((f) => `${printable(relativePath(base, f.file))}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity}: ${printable(f.message)} [${f.rule}]`)
    .map((line) => line + '\n')
    .join('');
}

/** `check --format json`: the findings, and per project the IDF version with the reason it was chosen. */
export function formatJson(findings: readonly Finding[], base: string, projects: readonly EspIdfProject[] = []): string {
  const out = {
    version: 1,
    projects: projects.map((p) => ({
      root: relativePath(base, p.root) || '.',
      idfVersion: formatIdfVersion(p.idfVersion),
      idfVersionSource: p.idfVersion.source,
      idfVersionWhy: (p.idfVersion.why ?? p.idfVersion.source).split(base + path.sep).join(''),
      target: p.target,
      buildFolder: p.build ? relativePath(base, p.build.dir) : null,
      notes: projectNotes(p),
    })),
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: relativePath(base, f.file),
      range: f.range,
      message: f.message,
    })),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

/** Stable order: by file, then position, then rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) =>
    a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
}

/** Text for a terminal: control characters (a newline or an ANSI escape in a file name) shown as \n, \x1b, never interpreted. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
