// Applies the server's trust edits for a TLS client: embed root certificates (a new PEM file, the
// EMBED_TXTFILES entry, the extern symbols and the config field) or attach the ESP-IDF bundle. The server
// computes the edits and never overwrites a file; they are applied as one undoable edit and left unsaved.
import * as vscode from 'vscode';
import type { WorkspaceEdit as LspWorkspaceEdit } from 'vscode-languageclient/node';
import { Methods, type ChainView, type TrustEditParams, type TrustEditResult } from '../../../server/src/protocol';
import type { Ctx } from '../context';

export interface TrustEditOutcome {
  applied: boolean;
  summary: string[];
  /** Why nothing was applied, when the server refused. */
  error?: string;
}

/** Sends espTlsLens/trustEdit for the view's client and applies the answer; undefined when it cannot ask. */
export async function applyTrustEdit(ctx: Ctx, view: ChainView, action: 'embed' | 'bundle', pems?: string[]): Promise<TrustEditOutcome | undefined> {
  const client = view.client;
  if (!client) {
    void vscode.window.showInformationMessage('ESP-IDF TLS Lens: this chain was fetched for no TLS client; run Fetch Certificate Chain from the TLS config (or its code lens) in the C file.');
    return undefined;
  }
  if (!ctx.running || !ctx.client) return ctx.notRunning(action === 'embed' ? 'embed the root certificate' : 'attach the certificate bundle');
  const name = view.embeddable.find((e) => e.pem === pems?.[0])?.name ?? view.embeddable[0]?.name;
  const params: TrustEditParams = { uri: client.uri, position: client.position, action, pems, name };
  const result = await ctx.client.sendRequest<TrustEditResult>(Methods.trustEdit, params);
  if (!result.ok) {
    void vscode.window.showErrorMessage(`ESP-IDF TLS Lens: ${result.error}`);
    return { applied: false, summary: [], error: result.error };
  }
  const edit = await ctx.client.protocol2CodeConverter.asWorkspaceEdit(result.edit as LspWorkspaceEdit);
  const applied = await vscode.workspace.applyEdit(edit);
  reportApplied(ctx, client.uri, applied, result.summary);
  return { applied, summary: result.summary };
}

/** Says what an applied edit did (unsaved; Undo reverts it), or that VS Code refused it. */
export function reportApplied(ctx: Ctx, uri: string, applied: boolean, summary: string[]): void {
  if (!applied) {
    ctx.log.warn(`VS Code did not apply the edit: ${summary.join('; ')}`);
    void vscode.window.showErrorMessage('ESP-IDF TLS Lens: VS Code did not apply the edit (a file it creates may exist by now, or a document changed).');
    return;
  }
  ctx.log.info(`edit applied: ${summary.join('; ')}`);
  const show = 'Show File';
  void vscode.window.showInformationMessage(`ESP-IDF TLS Lens: ${summary.join(' · ')} (not saved yet; Undo reverts it)`, show).then((c) => {
    if (c === show) void vscode.window.showTextDocument(vscode.Uri.parse(uri));
  });
}
