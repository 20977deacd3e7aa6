// The rendered, read-only view of Decode, Inspect Certificate and Check Server results: one webview panel,
// reused, showing the server's Markdown as HTML with copy buttons. Nothing to save, nothing asked on close
// (an untitled Markdown document did both).
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { markdownToHtml } from './markdownHtml';
import { webviewPage } from './webviewPage';

export class ResultPanel {
  /** The open panel, if any; the integration tests read what it shows. */
  static current: ResultPanel | undefined;
  private copies: string[] = [];
  /** The Markdown shown, for the tests. */
  markdown = '';

  private constructor(private readonly ctx: Ctx, private readonly panel: vscode.WebviewPanel) {
    panel.onDidDispose(() => { if (ResultPanel.current === this) ResultPanel.current = undefined; });
    panel.webview.onDidReceiveMessage((m: unknown) => void this.copy(m));
  }

  /** Shows `markdown` under `title`, in the open panel when there is one. */
  static show(ctx: Ctx, title: string, markdown: string): ResultPanel {
    if (!ResultPanel.current) {
      const panel = vscode.window.createWebviewPanel('espTlsLens.result', title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
        enableScripts: true,
        enableFindWidget: true,
        localResourceRoots: [vscode.Uri.joinPath(ctx.extension.extensionUri, 'media')],
      });
      ResultPanel.current = new ResultPanel(ctx, panel);
      ctx.own(panel);
    }
    return ResultPanel.current.render(title, markdown);
  }

  private render(title: string, markdown: string): this {
    const { html, copies } = markdownToHtml(markdown);
    this.copies = copies;
    this.markdown = markdown;
    this.panel.title = title;
    this.panel.webview.html = webviewPage(this.panel.webview, this.ctx.extension.extensionUri, { title, css: 'result.css', js: 'result.js', body: `<main class="markdown-body">${html}</main>` });
    this.panel.reveal(undefined, false);
    return this;
  }

  /** A copy button was pressed: its text goes to the clipboard (the page names it by index only). */
  private async copy(message: unknown): Promise<void> {
    const index = (message as { copy?: unknown })?.copy;
    const text = typeof index === 'number' ? this.copies[index] : undefined;
    if (text === undefined) return void this.ctx.log.warn(`result view: ignored message ${JSON.stringify(message)}`);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(`ESP-IDF TLS Lens: copied ${text.length > 40 ? `${text.slice(0, 37)}…` : text}`, 3000);
  }
}
