// Activation: one context owns everything; commands are registered before the server starts so they
// answer even when it never does; a failed start is shown to the user, not swallowed.
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { Methods, type StatusParams } from '../../server/src/protocol';
import { registerCommands } from './commands/index';
import { registerTerminalLinks, type TlsTerminalLinks } from './terminalLinks';
import { registerLogLanguage } from './logLanguage';
import { Ctx } from './context';
import { createClient } from './languageClient';
import { StatusItem } from './status';

let ctx: Ctx | undefined;

/** What activate() returns: the context, for the extension's own integration tests. */
export interface Api { ctx: Ctx; terminalLinks: TlsTerminalLinks }

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  const status = new StatusItem(ctx);
  const c = ctx;
  const start = () => startServer(c, status);
  registerCommands(ctx, start);
  const terminalLinks = registerTerminalLinks(ctx);
  registerLogLanguage(ctx);
  // Trust granted: Espressif's workspace settings (IDF path, build folder) now apply, and the server's
  // environment is fixed at its start.
  ctx.own(vscode.workspace.onDidGrantWorkspaceTrust(() => void vscode.commands.executeCommand('espTlsLens.restartServer')));
  await start();
  return { ctx, terminalLinks };
}

async function startServer(ctx: Ctx, status: StatusItem): Promise<void> {
  status.starting();
  ctx.stoppedReason = 'the server is still starting';
  const client = createClient(ctx);
  ctx.client = client;
  client.onDidChangeState(({ newState }) => {
    if (newState === State.Stopped && ctx.client === client) {
      ctx.stoppedReason ??= 'the server stopped (see the ESP-IDF TLS Lens output)';
      status.stopped(ctx.stoppedReason);
    }
  });
  try {
    await client.start();
    ctx.stoppedReason = undefined;
    client.onNotification(Methods.status, (s: StatusParams) => status.update(s));
    ctx.log.info(`server started (${ctx.extension.asAbsolutePath('dist/server.js')})`);
  } catch (e) {
    ctx.stoppedReason = `the server failed to start: ${e instanceof Error ? e.message : String(e)}`;
    ctx.log.error(ctx.stoppedReason);
    status.stopped(ctx.stoppedReason);
    void vscode.window.showErrorMessage(`ESP-IDF TLS Lens: ${ctx.stoppedReason}`, 'Show Output').then((c) => c && ctx.log.show());
  }
}

export async function deactivate(): Promise<void> {
  const client = ctx?.client;
  ctx = undefined;
  if (client) await client.stop();
}
