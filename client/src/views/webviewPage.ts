// The page every webview of the extension gets: a strict CSP (no inline script, styles and scripts only from
// media/, a fresh nonce per page), one stylesheet, one script, and the body given.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function webviewPage(webview: vscode.Webview, extension: vscode.Uri, o: { title: string; css: string; js: string; body: string }): string {
  const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extension, 'media', file)).toString();
  const nonce = randomBytes(18).toString('base64');
  const csp = `default-src 'none'; img-src ${webview.cspSource}; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${media(o.css)}">
  <title>${o.title}</title>
</head>
<body>
  ${o.body}
  <script nonce="${nonce}" src="${media(o.js)}"></script>
</body>
</html>`;
}
