// Findings to LSP diagnostics and code actions. Fixes travel inside Diagnostic.data, so a code action
// request reads them off the diagnostic the editor hands back instead of re-running any analysis.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeAction, CodeActionKind, DiagnosticSeverity, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import type { DiagnosticData } from './protocol';
import { docsUrl } from './rules/catalogue';
import type { Finding, Severity } from './rules/finding';

export const SOURCE = 'esp-tls-lens';

const severity: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const uriOf = (file: string) => pathToFileURL(file).href;
export const fileOf = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);

export function toDiagnostic(f: Finding): Diagnostic {
  const data: DiagnosticData = {
    fixes: (f.fixes ?? []).map((fix) => ({
      title: fix.title,
      preferred: fix.preferred,
      edits: fix.edits.map((e) => ({ uri: uriOf(e.file), edits: e.edits })),
    })),
  };
  return {
    range: f.range,
    severity: severity[f.severity],
    code: f.rule,
    codeDescription: { href: docsUrl(f.rule) },
    source: SOURCE,
    message: f.message,
    relatedInformation: f.related?.map((r) => ({ location: { uri: uriOf(r.file), range: r.range }, message: r.message })),
    data,
  };
}

/** Quick fixes for the diagnostics of ours that the editor passes in a code action request. */
export function codeActionsFor(diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== SOURCE) continue;
    for (const fix of (d.data as DiagnosticData | undefined)?.fixes ?? []) {
      const edit: WorkspaceEdit = { changes: Object.fromEntries(fix.edits.map((e) => [e.uri, e.edits])) };
      const action = CodeAction.create(fix.title, edit, CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.isPreferred = fix.preferred;
      actions.push(action);
    }
  }
  return actions;
}
