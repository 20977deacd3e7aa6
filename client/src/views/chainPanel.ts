// The "TLS chain" webview: what a server presented, whether a device would trust it, and buttons that
// embed the root or attach the bundle for the TLS client the chain was fetched for. One panel, reused.
// The page is media/chain.js under a strict CSP; certificate text comes from a remote server, so the view
// travels as data (postMessage) and is put into the page with textContent only.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { ChainView } from '../../../server/src/protocol';
import { applyTrustEdit, type TrustEditOutcome } from '../commands/trustEdit';
import type { Ctx } from '../context';
import { formatServer } from '../serverText';
import { webviewPage } from './webviewPage';

/** What the panel's buttons (and the hidden espTlsLens.chainPanelAction command) ask for. */
export interface PanelAction { type: 'embed' | 'bundle'; indices?: number[] }

type PanelMessage =
  | { type: 'ready' }
  | PanelAction
  | { type: 'copy'; index: number }
  | { type: 'save'; what: 'root' | 'chain' }
  | { type: 'forms'; indices: number[] };

export class ChainPanel {
  /** The open panel, if any; tests read `ChainPanel.current?.view`. */
  static current: ChainPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private busy = false;

  private constructor(private readonly ctx: Ctx, private readonly panel: vscode.WebviewPanel, public view: ChainView) {
    panel.onDidDispose(() => this.disposed(), undefined, this.subscriptions);
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), undefined, this.subscriptions);
    this.render();
  }

  /** Shows `view`, in the open panel when there is one. */
  static show(ctx: Ctx, view: ChainView): ChainPanel {
    if (ChainPanel.current) return ChainPanel.current.update(view);
    const panel = vscode.window.createWebviewPanel('espTlsLens.chain', title(view), vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [mediaFolder(ctx)],
    });
    ChainPanel.current = new ChainPanel(ctx, panel, view);
    return ChainPanel.current;
  }

  /** Embeds the chosen roots (all of them when `indices` is absent) or attaches the bundle, for the view's client. */
  async perform(action: PanelAction): Promise<TrustEditOutcome | undefined> {
    if (this.busy) return undefined; // a second click while the first edit is applied would embed twice
    this.busy = true;
    try {
      const view = this.view;
      // The anchor goes along so that the server can switch a CMN bundle to FULL when the root is only there.
      if (action.type === 'bundle') return await applyTrustEdit(this.ctx, view, 'bundle', view.anchor ? [view.anchor.pem] : undefined);
      const pems = chosenRoots(view, action.indices);
      if (pems.length) return await applyTrustEdit(this.ctx, view, 'embed', pems);
      void vscode.window.showWarningMessage('ESP-IDF TLS Lens: select at least one root certificate to embed.');
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    this.panel.dispose();
  }

  private update(view: ChainView): this {
    this.view = view;
    this.panel.title = title(view);
    this.render();
    this.panel.reveal(undefined);
    return this;
  }

  /** A fresh page (and nonce); the script asks for the view with {type:'ready'}. */
  private render(): void {
    this.panel.webview.html = webviewPage(this.panel.webview, this.ctx.extension.extensionUri, {
      title: 'TLS chain', css: 'chain.css', js: 'chain.js', body: '<main id="root"><p class="loading">Loading the certificate chain…</p></main>',
    });
  }

  private receive(raw: unknown): void {
    const message = asPanelMessage(raw);
    if (!message) return void this.ctx.log.warn(`chain panel: ignored message ${JSON.stringify(raw)}`);
    this.handle(message).catch((e: unknown) => {
      const text = `ESP-IDF TLS Lens: ${e instanceof Error ? e.message : String(e)}`;
      this.ctx.log.error(text);
      void vscode.window.showErrorMessage(text);
    });
  }

  private async handle(message: PanelMessage): Promise<void> {
    if (message.type === 'ready') void this.panel.webview.postMessage({ type: 'show', view: this.view });
    else if (message.type === 'copy') await copyPem(this.view, message.index);
    else if (message.type === 'save') await savePem(this.view, message.what);
    else if (message.type === 'forms') await otherForms(this.view, message.indices);
    else await this.perform(message);
  }

  private disposed(): void {
    if (ChainPanel.current === this) ChainPanel.current = undefined;
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}

/** espTlsLens.chainPanelAction: the panel's embed/bundle buttons, for the integration tests. */
export async function chainPanelAction(arg: unknown): Promise<TrustEditOutcome | undefined> {
  const action = asPanelMessage(arg);
  if (!action || (action.type !== 'embed' && action.type !== 'bundle')) {
    throw new Error(`espTlsLens.chainPanelAction takes {type: 'embed' | 'bundle', indices?: number[]}, not ${JSON.stringify(arg)}`);
  }
  if (ChainPanel.current) return ChainPanel.current.perform(action);
  void vscode.window.showInformationMessage('ESP-IDF TLS Lens: fetch a certificate chain first (ESP-IDF TLS: Fetch Certificate Chain).');
  return undefined;
}

function title(view: ChainView): string {
  return `TLS chain: ${formatServer(view)}`;
}

function mediaFolder(ctx: Ctx): vscode.Uri {
  return vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
}

/** The webview's message, checked: it is data from a page that shows text from a remote server. */
function asPanelMessage(raw: unknown): PanelMessage | undefined {
  const m = raw as { type?: unknown; indices?: unknown; index?: unknown; what?: unknown } | null;
  if (!m || typeof m !== 'object') return undefined;
  if (m.type === 'ready' || m.type === 'bundle') return { type: m.type };
  if (m.type === 'embed' && m.indices === undefined) return { type: 'embed' };
  if (m.type === 'embed' && Array.isArray(m.indices) && m.indices.every(Number.isInteger)) return { type: 'embed', indices: m.indices as number[] };
  if (m.type === 'forms' && Array.isArray(m.indices) && m.indices.every(Number.isInteger)) return { type: 'forms', indices: m.indices as number[] };
  if (m.type === 'copy' && Number.isInteger(m.index)) return { type: 'copy', index: m.index as number };
  if (m.type === 'save' && (m.what === 'root' || m.what === 'chain')) return { type: 'save', what: m.what };
  return undefined;
}

/** The PEMs of the chosen embeddable roots, each once, in the view's order; all of them without a choice. */
function chosenRoots(view: ChainView, indices: number[] | undefined): string[] {
  return view.embeddable.filter((_, i) => !indices || indices.includes(i)).map((r) => r.pem);
}

/** The chosen roots into Embed Certificates / Build Bundle, which asks for the form (bundle, C array, ...). */
async function otherForms(view: ChainView, indices: number[]): Promise<void> {
  const certs = chosenRoots(view, indices).map((pem) => ({ kind: 'pem' as const, pem }));
  if (!certs.length) return void vscode.window.showWarningMessage('ESP-IDF TLS Lens: select at least one root certificate.');
  await vscode.commands.executeCommand('espTlsLens.embedCertificates', { uri: view.client?.uri, position: view.client?.position, certs });
}

async function copyPem(view: ChainView, index: number): Promise<void> {
  const pem = index === -1 ? view.anchor?.pem : view.certificates[index]?.pem;
  if (!pem) return;
  await vscode.env.clipboard.writeText(pem);
  vscode.window.setStatusBarMessage('$(check) ESP-IDF TLS: PEM copied', 3000);
}

/** Save root / chain as PEM: the save dialog asks before replacing a file, so that is the confirmation. */
async function savePem(view: ChainView, what: 'root' | 'chain'): Promise<void> {
  const roots = view.embeddable.length ? view.embeddable.map((r) => r.pem) : view.anchor ? [view.anchor.pem] : [];
  const pems = what === 'root' ? roots : view.certificates.map((c) => c.pem);
  if (!pems.length) return void vscode.window.showInformationMessage(`ESP-IDF TLS Lens: there is no ${what} certificate to save.`);
  const rootName = view.embeddable[0]?.name ?? view.anchor?.name ?? 'root';
  const name = what === 'root' ? `${fileSafe(rootName)}.pem` : `${fileSafe(view.host)}-chain.pem`;
  const uri = await vscode.window.showSaveDialog({
    title: what === 'root' ? 'Save the root certificate as PEM' : `Save the chain ${formatServer(view)} presented as PEM`,
    defaultUri: vscode.Uri.joinPath(saveFolder(view), name),
    filters: { 'PEM certificates': ['pem', 'crt'], 'All files': ['*'] },
  });
  if (!uri) return;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(pems.map((p) => `${p.trimEnd()}\n`).join(''), 'utf8'));
  const open = 'Open';
  void vscode.window.showInformationMessage(`ESP-IDF TLS Lens: saved ${uri.fsPath}`, open).then((c) => {
    if (c === open) void vscode.window.showTextDocument(uri);
  });
}

/** The workspace folder of the chain's client, else the first folder, else the home directory. */
function saveFolder(view: ChainView): vscode.Uri {
  const client = view.client ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(view.client.uri)) : undefined;
  return client?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, 80) || 'certificate';
}
