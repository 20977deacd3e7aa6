// The editor's requests that write trust anchors into a project (protocol.ts): the certificates one can
// pick, and the plan for Embed Certificates / Build Bundle as one WorkspaceEdit with a preview. Also the
// WorkspaceEdit form shared with the chain view's trust edits (net/requests.ts). Offline: the Mozilla
// roots are Node's copy; a fetched chain arrives as PEM from the client.
import { readText } from './project/read';
import path from 'node:path';
import type { Analyzer } from './analyzer';
import { fileOf, uriOf } from './diagnostics';
import type {
  CertificateChoice, CertificateChoicesParams, CertificateChoicesResult, CertificateRef, EmbedPlanParams, EmbedPlanResult,
} from './protocol';
import { embedPlan, type EmbedPlan } from './rules/embedPlan';
import type { TextEdit } from './rules/finding';
import type { RootToEmbed, TrustEditPlan } from './rules/trustEdits';
import { decodePem, type CertInfo } from './x509/certificate';
import { validityText } from './x509/summary';
import { caName, inIdfCommonBundle, mozillaRoots } from './x509/trustStores';

export function readIfExists(file: string): string | undefined {
  return readText(file);
}

/** LSP documentChanges: new files are created without overwriting anything, then filled, then the other files edited. */
export function workspaceEditOf(plan: TrustEditPlan): { documentChanges: unknown[] } {
  const out: unknown[] = [];
  const start = { line: 0, character: 0 };
  for (const c of plan.creates) {
    const uri = uriOf(c.file);
    out.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
    out.push({ textDocument: { uri, version: null }, edits: [{ range: { start, end: start }, newText: c.text }] });
  }
  for (const e of plan.edits) out.push({ textDocument: { uri: uriOf(e.file), version: null }, edits: e.edits });
  return { documentChanges: out };
}

export async function certificateChoices(analyzer: Analyzer, p: CertificateChoicesParams): Promise<CertificateChoicesResult> {
  const file = fileOf(p.uri) ?? '';
  const project = analyzer.projectOf(file);
  const idf = project?.idfVersion;
  const now = new Date();
  const ctx = analyzer.contextFor(file);
  const files: CertificateChoice[] = [];
  for (const f of ctx.files) {
    (f.certFile?.blocks ?? []).forEach((b, index) => {
      if (b.label !== 'CERTIFICATE' || !b.cert) return;
      const where = project ? path.relative(project.root, f.file).split(path.sep).join('/') : f.file;
      files.push({ ...describe(b.cert, now), ref: { kind: 'file', uri: uriOf(f.file), index }, description: `${where}${f.certFile!.blocks.length > 1 ? ` #${index + 1}` : ''}` });
    });
  }
  const mozilla = (await mozillaRoots()).map((root): CertificateChoice => {
    const inCmn = idf ? inIdfCommonBundle(root, idf) : undefined;
    return { ...describe(root, now), ref: { kind: 'mozilla', sha256: root.sha256 }, description: `Mozilla${inCmn ? ', ESP-IDF CMN bundle' : ''}`, inCmn };
  }).sort((a, b) => a.label.localeCompare(b.label));
  return { project: project?.root ?? null, idf: idf ? `${idf.major}.${idf.minor}${idf.source === 'assumed' ? ' (assumed)' : ''}` : '5.5 (assumed)', files, mozilla };
}

function describe(cert: CertInfo, now: Date): Omit<CertificateChoice, 'ref' | 'description'> {
  return { label: caName(cert), detail: `${cert.subject} · ${cert.role} · ${validityText(cert, now)}`, expired: cert.notAfter < now };
}

export async function embedPlanRequest(analyzer: Analyzer, p: EmbedPlanParams): Promise<EmbedPlanResult> {
  const file = fileOf(p.uri);
  const project = file ? analyzer.projectOf(file) : undefined;
  if (!file || !project) return { ok: false, error: 'open a file of the ESP-IDF project first (the result goes into its components and sdkconfig)' };
  const certs = await resolve(analyzer, p.certs);
  if (typeof certs === 'string') return { ok: false, error: certs };
  const found = p.position ? analyzer.clientAt(file, p.position) : undefined;
  const ctx = found?.ctx ?? analyzer.contextFor(file);
  const name = p.name?.trim() || (p.form === 'custom-bundle' ? 'custom_bundle' : certs.length === 1 ? caName(certs[0].cert) : 'ca_certs');
  const plan = embedPlan({ ctx, project, client: found?.client, near: file, certs, form: p.form, name, keepDefaultBundle: p.keepDefaultBundle, read: readIfExists });
  if (typeof plan === 'string') return { ok: false, error: plan };
  return {
    ok: true,
    edit: workspaceEditOf(plan),
    summary: plan.summary,
    preview: previewMarkdown(plan, project.root),
    flash: { bytes: plan.flash.bytes, change: plan.flash.change, text: plan.flash.text },
    warnings: plan.warnings,
  };
}

async function resolve(analyzer: Analyzer, refs: CertificateRef[]): Promise<RootToEmbed[] | string> {
  if (!refs.length) return 'no certificate chosen';
  const roots = refs.some((r) => r.kind === 'mozilla') ? await mozillaRoots() : [];
  const out: RootToEmbed[] = [];
  for (const ref of refs) {
    const cert = ref.kind === 'pem' ? await decodePem(ref.pem)
      : ref.kind === 'mozilla' ? roots.find((r) => r.sha256 === ref.sha256)
      : analyzer.factsOf(fileOf(ref.uri) ?? '')?.certFile?.blocks[ref.index]?.cert;
    if (!cert) return `a chosen certificate cannot be read any more (${ref.kind === 'file' ? `${fileOf(ref.uri)} #${ref.index + 1}` : ref.kind}): pick again`;
    out.push({ cert });
  }
  return out;
}

/** Every change as the text that goes in: new files in full (long ones cut), insertions per file. */
function previewMarkdown(plan: EmbedPlan, root: string): string {
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const parts: string[] = ['## What changes', '', ...plan.summary.map((s) => `- ${s}`), ''];
  for (const w of plan.warnings) parts.push(`> **Warning:** ${w}`, '');
  for (const c of plan.creates) parts.push(`### New file \`${rel(c.file)}\``, '', fence(cut(c.text)), '');
  for (const e of plan.edits) parts.push(`### \`${rel(e.file)}\``, '', fence(e.edits.map(editLine).join('\n')), '');
  if (plan.snippet) parts.push('### C to use it', '', fence(plan.snippet, 'c'), '');
  parts.push('### Flash', '', plan.flash.text, '');
  return parts.join('\n');
}

/** "+ (line 3) text" for an insertion, "~ (line 3) text" for a replacement, "- (line 3) removed" for a removal. */
function editLine(e: TextEdit): string {
  const at = `(line ${e.range.start.line + 1})`;
  const replaces = e.range.start.line !== e.range.end.line || e.range.start.character !== e.range.end.character;
  if (!e.newText.trim()) return `- ${at} removed`;
  return e.newText.trim().split('\n').map((l, i) => (i ? `  ${l}` : `${replaces ? '~' : '+'} ${at} ${l}`)).join('\n');
}

function cut(text: string): string {
  const lines = text.split('\n');
  return lines.length > 24 ? [...lines.slice(0, 20), `... (${lines.length - 20} more lines)`].join('\n') : text;
}

const fence = (text: string, lang = '') => `\`\`\`${lang}\n${text.replace(/```/g, '`\u200b``')}\n\`\`\``;
