// ESP-IDF TLS: Fetch Certificate Chain. Connects to the server (the lens's, the selected, the one under the
// cursor or a typed one), and shows what it presents, whether a device would trust it and how to fix that.
import * as vscode from 'vscode';
import { Methods, type FetchChainResult, type ServerTarget } from '../../../server/src/protocol';
import type { Ctx } from '../context';
import { formatServer } from '../serverText';
import { ChainPanel } from '../views/chainPanel';
import { requestForServer } from './serverRequest';

export async function fetchChain(ctx: Ctx, arg?: ServerTarget): Promise<FetchChainResult | undefined> {
  const answer = await requestForServer<FetchChainResult>(ctx, {
    what: 'fetch a certificate chain',
    title: 'ESP-IDF TLS: Fetch Certificate Chain',
    method: Methods.fetchChain,
    progress: (server) => `ESP-IDF TLS: fetching the certificate chain of ${server}`,
  }, arg);
  if (!answer) return undefined;
  const { target, result } = answer;
  if (result.ok) ChainPanel.show(ctx, result.view);
  else if (result.code !== 'aborted') {
    const message = `ESP-IDF TLS Lens: could not fetch the certificate chain of ${formatServer(target)}: ${result.error}`;
    ctx.log.warn(message);
    void vscode.window.showErrorMessage(message, 'Show Output').then((c) => c && ctx.log.show());
  }
  return result;
}
