// ESP-IDF TLS: Check Server Against Project. Shakes hands with the server the way the device would (the
// project's sdkconfig suites, its trust settings) and says which error the device would most likely log.
import * as vscode from 'vscode';
import { Methods, type CheckServerResult, type ServerTarget } from '../../../server/src/protocol';
import type { Ctx } from '../context';
import { formatServer } from '../serverText';
import { requestForServer } from './serverRequest';
import { ResultPanel } from '../views/resultPanel';

export async function checkServer(ctx: Ctx, arg?: ServerTarget): Promise<CheckServerResult | undefined> {
  const answer = await requestForServer<CheckServerResult>(ctx, {
    what: 'check a server',
    title: 'ESP-IDF TLS: Check Server Against Project',
    method: Methods.checkServer,
    progress: (server) => `ESP-IDF TLS: checking ${server} against the project`,
    needsDocument: 'ESP-IDF TLS Lens: open a file of the ESP-IDF project (a C file or its sdkconfig), then run Check Server Against Project.',
  }, arg);
  if (!answer) return undefined;
  const { target, result } = answer;
  ResultPanel.show(ctx, `Check Server: ${formatServer(target)}`, result.markdown);
  notify(ctx, formatServer(target), result);
  return result;
}

function notify(ctx: Ctx, server: string, result: CheckServerResult): void {
  if (result.ok) void vscode.window.showInformationMessage(`ESP-IDF TLS Lens: the device would connect to ${server}.`);
  else if (result.expected) {
    void vscode.window.showWarningMessage(`ESP-IDF TLS Lens: the device would ${result.engine ? '' : 'most likely '}fail with ${result.expected.code} (${result.expected.name}) connecting to ${server}.`);
  } else if (result.error) {
    const message = `ESP-IDF TLS Lens: could not check ${server}: ${result.error}`;
    ctx.log.warn(message);
    void vscode.window.showErrorMessage(message, 'Show Output').then((c) => c && ctx.log.show());
  }
}
