// Applies the server's trust edits for a TLS client: embed root certificates (a new PEM file, the
// EMBED_TXTFILES entry, the extern symbols and the config field) or attach the ESP-IDF bundle. The server
// computes the edits and never overwrites a file; they are applied as one undoable edit and never saved here.
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
  const applied = await applyLspEdit(ctx, result.edit as LspWorkspaceEdit, client.uri, result.summary);
  return { applied, summary: result.summary };
}

/** Applies the server's edit as one undoable WorkspaceEdit (never saved here) and says what happened. */
export async function applyLspEdit(ctx: Ctx, lspEdit: LspWorkspaceEdit, uri: string, summary: string[]): Promise<boolean> {
  const edit = await ctx.client!.protocol2CodeConverter.asWorkspaceEdit(lspEdit);
  const applied = await vscode.workspace.applyEdit(edit);
  reportApplied(ctx, uri, applied, summary, createdFiles(lspEdit));
  return applied;
}

const createdFiles = (edit: LspWorkspaceEdit): string[] =>
  (edit.documentChanges ?? []).flatMap((c) => ('kind' in c && c.kind === 'create' ? [vscode.Uri.parse(c.uri)] : [])).map((u) => vscode.workspace.asRelativePath(u));

/**
 * Says what an applied edit did, truly: the edited files are unsaved unless auto-save is on, and a file the
 * edit creates exists on disk at once, empty until it is saved (VS Code writes file creations immediately).
 */
export function reportApplied(ctx: Ctx, uri: string, applied: boolean, summary: string[], created: string[] = []): void {
  if (!applied) {
    ctx.log.warn(`VS Code did not apply the edit: ${summary.join('; ')}`);
    void vscode.window.showErrorMessage('ESP-IDF TLS Lens: VS Code did not apply the edit (a file it creates may exist by now, or a document changed).');
    return;
  }
  ctx.log.info(`edit applied: ${summary.join('; ')}`);
  const autoSave = vscode.workspace.getConfiguration('files', vscode.Uri.parse(uri)).get<string>('autoSave', 'off');
  const saved = autoSave === 'off' ? 'Not saved yet' : `Auto-save (files.autoSave: ${autoSave}) will save the changes`;
  const empty = created.length ? `; ${created.join(', ')} exists on disk but stays empty until saved` : '';
  const show = 'Show File';
  void vscode.window.showInformationMessage(`ESP-IDF TLS Lens: ${summary.join(' · ')}. ${saved}${empty}; Undo reverts it all.`, show).then((c) => {
    if (c === show) void vscode.window.showTextDocument(vscode.Uri.parse(uri));
  });
}
