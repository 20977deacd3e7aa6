// One object owns everything the extension creates: the output channel, the status item, the language
// client and every registration. deactivate() disposes it once; nothing leaks across restarts.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  client: LanguageClient | undefined;
  /** Why the server is not running, when it is not; commands show this instead of failing silently. */
  stoppedReason: string | undefined = 'the server is still starting';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel('ESP-IDF TLS Lens', { log: true }));
  }

  own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  get running(): boolean {
    return !!this.client?.isRunning();
  }

  /** Tells the user why a command cannot run now, with a way forward; the command returns at once. */
  notRunning(what: string): undefined {
    const message = `ESP-IDF TLS Lens cannot ${what}: ${this.stoppedReason ?? 'the server is not running'}.`;
    this.log.warn(message);
    void vscode.window.showWarningMessage(message, 'Show Output', 'Restart Server').then((choice) => {
      if (choice === 'Show Output') this.log.show();
      if (choice === 'Restart Server') void vscode.commands.executeCommand('espTlsLens.restartServer');
    });
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
