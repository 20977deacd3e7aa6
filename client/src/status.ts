// The status bar item: what the analysis is doing and how many findings it has, one click to the log. Shown
// only where the server found an ESP-IDF project (or when something is wrong); the context key
// `espTlsLens.active` does the same for the menus.
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';
import type { Ctx } from './context';

export class StatusItem {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly ctx: Ctx) {
    this.item = ctx.own(vscode.window.createStatusBarItem('espTlsLens.status', vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'ESP-IDF TLS Lens';
    this.item.command = 'espTlsLens.showOutput';
    this.starting();
  }

  starting(): void {
    this.set('$(sync~spin) TLS', 'ESP-IDF TLS Lens: starting');
  }

  update(s: StatusParams): void {
    if (s.state === 'indexing') return this.set('$(sync~spin) TLS', 'ESP-IDF TLS Lens: analysing the workspace');
    if (s.state === 'error') return this.set('$(error) TLS', `ESP-IDF TLS Lens: ${s.message ?? 'error'}`, true);
    if (this.known !== s.projects) {
      this.ctx.log.info(s.projects ? `${s.projects} ESP-IDF project(s) in the workspace` : 'no ESP-IDF project in the workspace (no CMakeLists.txt includes project.cmake): nothing to analyse, the status item and menus stay hidden');
      this.known = s.projects;
    }
    this.active = s.projects > 0;
    const what = `${s.projects} ESP-IDF project(s), ${s.findings} TLS finding(s)`;
    const versions = s.versions?.length ? `\n${s.versions.slice(0, 8).join('\n')}${s.versions.length > 8 ? `\n… and ${s.versions.length - 8} more (see the log)` : ''}` : '';
    this.set(s.findings ? `$(shield) TLS ${s.findings}` : '$(shield) TLS', `ESP-IDF TLS Lens: ${what}${versions}`);
  }

  stopped(reason: string): void {
    this.set('$(error) TLS', `ESP-IDF TLS Lens: server stopped (${reason}). Click for the log.`, true);
  }

  /** Whether the workspace holds an ESP-IDF project; unknown (false) until the first analysis ends. */
  private active = false;
  private known: number | undefined;
  /** What `espTlsLens.active` was last set to (it starts unset, which when-clauses read as false). */
  private contextSet = false;

  private set(text: string, tooltip: string, error = false): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (this.active !== this.contextSet) {
      this.contextSet = this.active;
      void vscode.commands.executeCommand('setContext', 'espTlsLens.active', this.active);
    }
    if (this.active || error) this.item.show();
    else this.item.hide();
  }
}
