// ESP-IDF TLS: Check Workspace. Re-analyses every folder and reports what was found.
import * as vscode from 'vscode';
import { Methods, type CheckWorkspaceResult } from '../../../server/src/protocol';
import type { Ctx } from '../context';

export async function checkWorkspace(ctx: Ctx): Promise<CheckWorkspaceResult | undefined> {
  if (!ctx.running || !ctx.client) return ctx.notRunning('check the workspace');
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'ESP-IDF TLS Lens: checking the workspace' },
    () => ctx.client!.sendRequest<CheckWorkspaceResult>(Methods.checkWorkspace),
  );
  const skipped = result.skipped.length ? `, ${result.skipped.length} file(s) skipped (see the output)` : '';
  for (const s of result.skipped) ctx.log.info(`skipped ${s.file}: ${s.reason}`);
  const summary = `ESP-IDF TLS Lens: ${result.projects} project(s), ${result.files} file(s) analysed, ${result.findings} finding(s)${skipped}.`;
  void vscode.window.showInformationMessage(summary, 'Show Problems').then((c) => {
    if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return result;
}
