// What Fetch Certificate Chain and Check Server share: no connection from an untrusted workspace or
// without a server, the target resolved once, and the request run under a notification that can cancel it
// (the token reaches the server as $/cancelRequest, which closes the socket).
import * as vscode from 'vscode';
import type { ServerTarget } from '../../../server/src/protocol';
import type { Ctx } from '../context';
import { formatServer } from '../serverText';
import { resolveTarget } from './target';

export interface ServerRequest {
  /** For "ESP-IDF TLS Lens cannot <what>": "fetch a certificate chain". */
  what: string;
  /** The input box title: "ESP-IDF TLS: Fetch Certificate Chain". */
  title: string;
  method: string;
  /** The progress notification for "host:port". */
  progress: (server: string) => string;
  /** Set when the request needs a document of the project (the active editor's when the target names
   *  none): what to tell the person when there is none. */
  needsDocument?: string;
}

/** The target and the server's answer; undefined when refused, cancelled or failed (the person was told). */
export async function requestForServer<R>(ctx: Ctx, req: ServerRequest, arg?: ServerTarget): Promise<{ target: ServerTarget; result: R } | undefined> {
  if (!mayConnect()) return undefined;
  if (!ctx.running || !ctx.client) return ctx.notRunning(req.what);
  const fallbackUri = vscode.window.activeTextEditor?.document.uri.toString();
  if (req.needsDocument && !arg?.uri && !fallbackUri) return void vscode.window.showInformationMessage(req.needsDocument);
  const target = await resolveTarget(ctx, req.title, arg);
  if (!target) return undefined;
  if (req.needsDocument) target.uri ??= fallbackUri;
  const result = await withCancellableProgress<R>(ctx, req, target);
  return result === undefined ? undefined : { target, result };
}

/** False, with the reason shown, in an untrusted workspace: the extension then only analyses. */
export function mayConnect(): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showWarningMessage('ESP-IDF TLS Lens does not connect to servers in an untrusted workspace.', manage).then((c) => {
    if (c === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

async function withCancellableProgress<R>(ctx: Ctx, req: ServerRequest, target: ServerTarget): Promise<R | undefined> {
  const server = formatServer(target);
  const state = { cancelled: false };
  const options = { location: vscode.ProgressLocation.Notification, cancellable: true, title: req.progress(server) };
  try {
    return await vscode.window.withProgress(options, (_, token) => {
      token.onCancellationRequested(() => (state.cancelled = true));
      return ctx.client!.sendRequest<R>(req.method, { ...target }, token);
    });
  } catch (e) {
    if (state.cancelled) return undefined;
    const message = `ESP-IDF TLS Lens cannot ${req.what} (${server}): ${e instanceof Error ? e.message : String(e)}`;
    ctx.log.error(message);
    void vscode.window.showErrorMessage(message, 'Show Output').then((c) => c && ctx.log.show());
    return undefined;
  }
}
