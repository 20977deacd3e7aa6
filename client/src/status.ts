// The status bar item: what the analysis is doing and how many findings it has, one click to the log.
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';
import type { Ctx } from './context';

export class StatusItem {
  private readonly item: vscode.StatusBarItem;

  constructor(ctx: Ctx) {
    this.item = ctx.own(vscode.window.createStatusBarItem('espTlsLens.status', vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'ESP-IDF TLS Lens';
    this.item.command = 'espTlsLens.showOutput';
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.set('$(sync~spin) TLS', 'ESP-IDF TLS Lens: starting');
  }

  update(s: StatusParams): void {
    if (s.state === 'indexing') return this.set('$(sync~spin) TLS', 'ESP-IDF TLS Lens: analysing the workspace');
    if (s.state === 'error') return this.set('$(error) TLS', `ESP-IDF TLS Lens: ${s.message ?? 'error'}`, true);
    const what = `${s.projects} ESP-IDF project(s), ${s.findings} TLS finding(s)`;
    const versions = s.versions?.length ? `\n${s.versions.slice(0, 8).join('\n')}${s.versions.length > 8 ? `\n… and ${s.versions.length - 8} more (see the log)` : ''}` : '';
    this.set(s.findings ? `$(shield) TLS ${s.findings}` : '$(shield) TLS', `ESP-IDF TLS Lens: ${what}${versions}`);
  }

  stopped(reason: string): void {
    this.set('$(error) TLS', `ESP-IDF TLS Lens: server stopped (${reason}). Click for the log.`, true);
  }

  private set(text: string, tooltip: string, error = false): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}
