// ESP-IDF TLS: Embed Certificates / Build Bundle. Pick certificates (workspace files, Mozilla roots by
// name, the roots of ESP-IDF's default CMN bundle, a server's chain), pick the form (PEM file, custom
// bundle replacing or extending the default, C array), read the preview with the flash it costs, apply as
// one undoable WorkspaceEdit. The server computes everything; nothing is written before "Apply".
// Arguments (the chain panel and tests): any of uri, position, certs, form, name, keepDefaultBundle;
// `confirm: false` skips the dialog (the preview is still shown).
import * as vscode from 'vscode';
import type { WorkspaceEdit as LspWorkspaceEdit } from 'vscode-languageclient/node';
import {
  Methods, type CertificateChoice, type CertificateChoicesResult, type CertificateRef, type ChainView, type ClientAtResult, type EmbedForm,
  type EmbedPlanParams, type EmbedPlanResult, type FetchChainResult,
} from '../../../server/src/protocol';
import type { Ctx } from '../context';
import { requestForServer } from './serverRequest';
import { applyLspEdit } from './trustEdit';

export interface EmbedArgs {
  uri?: string;
  position?: { line: number; character: number };
  certs?: CertificateRef[];
  form?: EmbedForm;
  keepDefaultBundle?: boolean;
  name?: string;
  confirm?: boolean;
}

export interface EmbedOutcome { applied: boolean; summary: string[]; flash?: string; error?: string }

/** Command arguments, from the explorer (a Uri: the file the certificates go to) or a caller (EmbedArgs). */
export function asEmbedArgs(arg: unknown): EmbedArgs | undefined {
  if (arg instanceof vscode.Uri) return { uri: arg.toString() };
  return arg && typeof arg === 'object' && !Array.isArray(arg) ? arg as EmbedArgs : undefined;
}

export const PREVIEW_SCHEME = 'esp-tls-lens-preview';

/** Read-only preview documents: closing them never asks to save. The last few are kept. */
export class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private serial = 0;
  provideTextDocumentContent(uri: vscode.Uri): string { return this.texts.get(uri.path) ?? 'This preview is no longer available: run the command again.'; }
  uriFor(title: string, text: string): vscode.Uri {
    const p = `/${++this.serial}/${title}.md`;
    this.texts.set(p, text);
    for (const old of [...this.texts.keys()].slice(0, -5)) this.texts.delete(old);
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: p });
  }
}

export async function embedCertificates(ctx: Ctx, previews: PreviewDocuments, args: EmbedArgs = {}): Promise<EmbedOutcome | undefined> {
  if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('ESP-IDF TLS Lens does not change files in an untrusted workspace.');
  if (!ctx.running || !ctx.client) return ctx.notRunning('embed certificates');
  const editor = vscode.window.activeTextEditor;
  const uri = args.uri ?? editor?.document.uri.toString();
  if (!uri) return void vscode.window.showInformationMessage('ESP-IDF TLS Lens: open a file of the ESP-IDF project first (the TLS config to point at the certificates, if any).');
  const position = args.position ?? (editor && editor.document.uri.toString() === uri ? editor.selection.active : undefined);
  const target = position ? await ctx.client.sendRequest<ClientAtResult | null>(Methods.clientAt, { uri, position: { line: position.line, character: position.character } }) : null;

  const certs = args.certs ?? await pickCertificates(ctx, uri);
  if (!certs?.length) return undefined;
  const choice = args.form ? { form: args.form, keepDefaultBundle: args.keepDefaultBundle } : await pickForm(target);
  if (!choice) return undefined;
  const name = args.name ?? (args.form ? undefined : await vscode.window.showInputBox({
    title: 'ESP-IDF TLS: Embed Certificates / Build Bundle',
    prompt: choice.form === 'c-array' ? 'A name for the C array (made a C identifier)' : 'A name for the PEM file (without .pem)',
    placeHolder: choice.form === 'custom-bundle' ? 'custom_bundle' : 'taken from the certificate when empty',
  }));
  if (name === undefined && !args.form) return undefined;

  const params: EmbedPlanParams = { uri, position: target?.position, certs, form: choice.form, keepDefaultBundle: choice.keepDefaultBundle, name: name || undefined };
  const plan = await ctx.client.sendRequest<EmbedPlanResult>(Methods.embedPlan, params);
  if (!plan.ok) {
    void vscode.window.showErrorMessage(`ESP-IDF TLS Lens: ${plan.error}`);
    return { applied: false, summary: [], error: plan.error };
  }
  const preview = previews.uriFor('Embed Certificates preview', `# Embed Certificates / Build Bundle${target ? ` for \`${target.name}\`` : ''}\n\n${plan.preview}`);
  await vscode.commands.executeCommand('markdown.showPreviewToSide', preview).then(undefined, () => vscode.window.showTextDocument(preview, { preview: true, viewColumn: vscode.ViewColumn.Beside }));
  if (args.confirm !== false) {
    const apply = 'Apply';
    const detail = [...plan.warnings.map((w) => `Warning: ${w}`), plan.flash.text, '', ...plan.summary.map((s) => `• ${s}`)].join('\n');
    if (await vscode.window.showInformationMessage('Apply these changes?', { modal: true, detail }, apply) !== apply) return { applied: false, summary: plan.summary, flash: plan.flash.text };
  }
  const applied = await applyLspEdit(ctx, plan.edit as LspWorkspaceEdit, uri, plan.summary);
  return { applied, summary: plan.summary, flash: plan.flash.text };
}

type Source = 'files' | 'mozilla' | 'cmn' | 'server' | 'done';

/** Certificates from one or several sources; undefined when the person cancels. */
async function pickCertificates(ctx: Ctx, uri: string): Promise<CertificateRef[] | undefined> {
  const choices = await ctx.client!.sendRequest<CertificateChoicesResult>(Methods.certificateChoices, { uri });
  const chosen = new Map<string, { ref: CertificateRef; label: string }>();
  for (;;) {
    const items: (vscode.QuickPickItem & { source: Source })[] = [
      ...(chosen.size ? [{ source: 'done' as const, label: `$(check) Continue with ${chosen.size} certificate(s)`, detail: [...chosen.values()].map((c) => c.label).join(', ') }] : []),
      { source: 'files', label: '$(file) Certificate files in the workspace', description: `${choices.files.length}` },
      { source: 'mozilla', label: '$(globe) Mozilla root CAs by name', description: `${choices.mozilla.length}` },
      { source: 'cmn', label: `$(package) Roots of ESP-IDF's default bundle (CMN list, v${choices.idf})`, description: `${choices.mozilla.filter((m) => m.inCmn).length}` },
      { source: 'server', label: "$(cloud-download) From a server's certificate chain…", description: 'connects to the server' },
    ];
    const source = await vscode.window.showQuickPick(items, { title: 'ESP-IDF TLS: Embed Certificates: where from?', placeHolder: chosen.size ? 'add more, or continue' : 'pick a source' });
    if (!source) return undefined;
    if (source.source === 'done') return [...chosen.values()].map((c) => c.ref);
    const picked = source.source === 'server' ? await fromServer(ctx)
      : await pickMany(source.source === 'files' ? choices.files : source.source === 'cmn' ? choices.mozilla.filter((m) => m.inCmn) : choices.mozilla, source.label);
    for (const p of picked ?? []) chosen.set(JSON.stringify(p.ref), p);
  }
}

async function pickMany(list: CertificateChoice[], title: string): Promise<{ ref: CertificateRef; label: string }[] | undefined> {
  if (!list.length) return void vscode.window.showInformationMessage('ESP-IDF TLS Lens: no certificate there.');
  const items = list.map((c) => ({ label: c.label, description: `${c.expired ? '$(warning) expired · ' : ''}${c.description}`, detail: c.detail, choice: c }));
  const picked = await vscode.window.showQuickPick(items, { title: title.replace(/^\$\([a-z-]+\) /, ''), canPickMany: true, matchOnDescription: true, matchOnDetail: true });
  return picked?.map((p) => ({ ref: p.choice.ref, label: p.choice.label }));
}

/** Fetches a chain (a person asked: this command's "From a server" item) and offers its CA certificates. */
async function fromServer(ctx: Ctx): Promise<{ ref: CertificateRef; label: string }[] | undefined> {
  const r = await requestForServer<FetchChainResult>(ctx, {
    what: 'fetch a certificate chain', title: 'ESP-IDF TLS: Embed Certificates from a server', method: Methods.fetchChain, progress: (s) => `Fetching the certificate chain of ${s}…`,
  });
  if (!r) return undefined;
  if (!r.result.ok) return void vscode.window.showErrorMessage(`ESP-IDF TLS Lens: ${r.result.error}`);
  return pickMany(chainChoices(r.result.view), `Certificates of ${r.result.view.host}`);
}

/** The anchor first (a root not sent by the server comes from the Mozilla list), then the CAs as sent. */
function chainChoices(view: ChainView): CertificateChoice[] {
  const anchor = view.anchor ? [{ ref: { kind: 'pem' as const, pem: view.anchor.pem }, label: view.anchor.name, description: `anchor (${view.anchor.source})`, detail: view.anchor.subject }] : [];
  const sent = view.certificates.filter((c) => c.role !== 'leaf' && c.pem !== view.anchor?.pem)
    .map((c) => ({ ref: { kind: 'pem' as const, pem: c.pem }, label: c.subjectCN ?? c.subject, description: `${c.role} · ${c.validity}`, detail: c.subject }));
  return [...anchor, ...sent];
}

async function pickForm(target: ClientAtResult | null): Promise<{ form: EmbedForm; keepDefaultBundle?: boolean } | undefined> {
  const forTarget = target ? ` and point \`${target.name}\` at it` : '';
  const items: (vscode.QuickPickItem & { form: EmbedForm; keep?: boolean })[] = [
    { form: 'pem-file', label: 'PEM file (EMBED_TXTFILES)', detail: `certs/<name>.pem in the component, embedded as text (NUL-terminated)${forTarget}` },
    { form: 'custom-bundle', keep: false, label: 'Custom certificate bundle, replacing the default', detail: `certs/<name>.pem as CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH with DEFAULT_NONE: the smallest bundle${target ? `; attach it to \`${target.name}\`` : ''}` },
    { form: 'custom-bundle', keep: true, label: 'Custom certificate bundle, added to the default list', detail: `the default FULL/CMN roots stay; yours are added${target ? `; attach it to \`${target.name}\`` : ''}` },
    { form: 'c-array', label: 'C array in source', detail: target ? `static const char <name>[] = "...\\n" in the C file${forTarget}` : 'a header <name>.h with static const char <name>[]' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'ESP-IDF TLS: Embed Certificates: which form?', placeHolder: target ? `for \`${target.name}\` (${target.struct})` : 'no TLS config under the cursor: the C to use is shown in the preview' });
  return picked && { form: picked.form, keepDefaultBundle: picked.keep };
}
