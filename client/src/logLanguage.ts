// ESP-IDF monitor logs get the "ESP-IDF Log" language (highlighting, error-code links) by content, not by
// extension: a `*.log` is any program's log, and taking every one from the built-in Log language was a trap.
// The language itself claims only monitor file names (package.json); a `.log` or text file whose first lines
// are a monitor's is switched when it opens.
import * as vscode from 'vscode';
import { looksLikeMonitorLog } from '../../server/src/logs/monitorLog';
import type { Ctx } from './context';

export const LOG_LANGUAGE = 'esp-idf-log';
/** The lines read of each opened log or text file: a monitor shows itself in its first lines. */
const HEAD_LINES = 200;

export function registerLogLanguage(ctx: Ctx): void {
  const check = (doc: vscode.TextDocument) => {
    if ((doc.languageId === 'log' || doc.languageId === 'plaintext') && looksLikeMonitorLog(doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, HEAD_LINES), 0)))) {
      void vscode.languages.setTextDocumentLanguage(doc, LOG_LANGUAGE);
    }
  };
  ctx.own(vscode.workspace.onDidOpenTextDocument(check));
  vscode.workspace.textDocuments.forEach(check);
}
