// ESP-IDF TLS: Inspect Certificate. The selection, the certificate literal under the cursor, or a whole
// file (from the explorer): subject, issuer, validity, role, key, fingerprint, in the rendered result view.
import * as vscode from 'vscode';
import { Methods, type InspectParams, type InspectResult } from '../../../server/src/protocol';
import type { Ctx } from '../context';
import { ResultPanel } from '../views/resultPanel';

export async function inspectCertificate(ctx: Ctx, resource?: vscode.Uri): Promise<InspectResult | undefined> {
  if (!ctx.running || !ctx.client) return ctx.notRunning('inspect a certificate');
  const editor = vscode.window.activeTextEditor;
  const target = resource ?? editor?.document.uri;
  if (!target) {
    void vscode.window.showInformationMessage('ESP-IDF TLS Lens: open a certificate, a key or a C file holding one, or select a PEM block, then run Inspect Certificate.');
    return undefined;
  }
  const inEditor = !resource && editor;
  const params: InspectParams = { uri: target.toString() };
  if (inEditor && !editor.selection.isEmpty) params.text = editor.document.getText(editor.selection);
  else if (inEditor) params.position = editor.selection.active;
  const result = await ctx.client.sendRequest<InspectResult>(Methods.inspect, params);
  ResultPanel.show(ctx, `Certificate: ${target.path.split('/').pop()}`, result.markdown);
  return result;
}
