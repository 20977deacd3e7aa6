// Registers every command up front, before the server starts: a command always answers, with a
// reason when the server cannot serve it.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { ChainPanel, chainPanelAction } from '../views/chainPanel';
import { checkServer } from './checkServer';
import { checkWorkspace } from './checkWorkspace';
import { decodeError } from './decodeError';
import { PREVIEW_SCHEME, PreviewDocuments, asEmbedArgs, embedCertificates } from './embedCertificates';
import { fetchChain } from './fetchChain';
import { inspectCertificate } from './inspectCertificate';
import { restartServer } from './restartServer';
import { asServerTarget } from './target';

export function registerCommands(ctx: Ctx, startServer: () => Promise<void>): void {
  const register = (id: string, fn: (...args: unknown[]) => unknown) => ctx.own(vscode.commands.registerCommand(id, fn));
  register('espTlsLens.checkWorkspace', () => checkWorkspace(ctx));
  register('espTlsLens.inspectCertificate', (uri) => inspectCertificate(ctx, uri instanceof vscode.Uri ? uri : undefined));
  register('espTlsLens.decodeError', (input) => decodeError(ctx, typeof input === 'string' ? input : undefined));
  register('espTlsLens.showOutput', () => ctx.log.show());
  register('espTlsLens.restartServer', () => restartServer(ctx, startServer));
  register('espTlsLens.fetchChain', (target) => fetchChain(ctx, asServerTarget(target)));
  register('espTlsLens.checkServer', (target) => checkServer(ctx, asServerTarget(target)));
  const previews = new PreviewDocuments();
  ctx.own(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews));
  register('espTlsLens.embedCertificates', (args) => embedCertificates(ctx, previews, asEmbedArgs(args)));
  register('espTlsLens.chainPanelAction', (action) => chainPanelAction(action)); // hidden: the panel's buttons, for tests
  ctx.own(new vscode.Disposable(() => ChainPanel.current?.dispose())); // deactivate closes the chain panel
}
