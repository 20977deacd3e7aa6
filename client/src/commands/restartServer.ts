// ESP-IDF TLS: Restart Server. Works whether the server is running, stopped or failed to start.
import * as vscode from 'vscode';
import type { Ctx } from '../context';

export async function restartServer(ctx: Ctx, start: () => Promise<void>): Promise<void> {
  if (ctx.client) {
    const old = ctx.client;
    ctx.client = undefined;
    await old.stop().catch((e) => ctx.log.warn(`stopping the server: ${String(e)}`));
    await old.dispose().catch(() => undefined);
  }
  await start();
  if (ctx.running) void vscode.window.showInformationMessage('ESP-IDF TLS Lens: server restarted.');
}
