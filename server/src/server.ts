// LSP wiring only: capabilities, and handlers that hand work to the analyzer and publish its findings.
import {
  CancellationToken, CodeActionKind, CodeLensRefreshRequest, CompletionItemKind, createConnection, FileChangeType, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer } from './analyzer';
import { codeActionsFor, fileOf, toDiagnostic, uriOf } from './diagnostics';
import { readBytes } from './project/read';
import path from 'node:path';
import { checkServerRequest, clientAtResult, fetchChainRequest, trustEditRequest } from './net/requests';
import { certificateChoices, embedPlanRequest } from './editRequests';
import {
  Methods, type CheckServerParams, type CheckWorkspaceResult, type ClientAtParams, type ClientAtResult, type DecodeParams, type DecodeResponse,
  type FetchChainParams, type CertificateChoicesParams, type CertificateChoicesResult, type EmbedPlanParams, type EmbedPlanResult, type InspectParams, type InspectResult, type StatusParams, type TrustEditParams, type TrustEditResult,
} from './protocol';
import { toggleOption } from './sdkconfig/assist';
import { inspectBytes, inspectedMarkdown } from './x509/inspect';
import { resolveSettings, settingsSection } from './settings';
import { WorkQueue } from './workQueue';
import { useBundledWorker } from './c/extractPool';
import { collectIfGrown } from './memory';
import { projectNotes, versionLine } from './project/describe';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const analyzer = new Analyzer({ onlyInProjects: true });
const queue = new WorkQueue((e) => connection.console.error(`analysis failed: ${e instanceof Error ? e.stack : String(e)}`), collectIfGrown);
let roots: string[] = [];
let canPullConfiguration = false;
let canRefreshLenses = false;
const published = new Set<string>();

connection.onInitialize((params: InitializeParams): InitializeResult => {
  roots = (params.workspaceFolders ?? []).map((f) => fileOf(f.uri)).filter((f): f is string => !!f);
  if (!roots.length && params.rootUri) roots = [fileOf(params.rootUri)].filter((f): f is string => !!f);
  canPullConfiguration = !!params.capabilities.workspace?.configuration;
  canRefreshLenses = !!params.capabilities.workspace?.codeLens?.refreshSupport;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['_', '='] },
    },
    serverInfo: { name: 'esp-tls-lens', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  // Without the worker (a package that lost dist/cWorker.js) the analysis still works, but a slow file blocks requests: say so.
  if (!useBundledWorker()) connection.console.warn('dist/cWorker.js is missing: C files are parsed in the server\'s thread, and requests wait while a file is parsed');
  void queue.enqueue('index', indexWorkspace);
});
// The client sends one didChangeConfiguration right after start (vscode-languageclient's synchronize): the
// workspace is indexed again only when the settings really changed, not twice at every start.
connection.onDidChangeConfiguration(() => { void queue.enqueue('index', async () => { if (await settingsChanged()) await indexWorkspace(); }); });

async function indexWorkspace(): Promise<void> {
  status({ state: 'indexing', projects: 0, findings: 0 });
  try {
    await index();
  } catch (e) {
    // Shown in the status bar and the log; the server keeps answering and the next change retries.
    status({ state: 'error', projects: 0, findings: 0, message: `analysis failed: ${e instanceof Error ? e.message : String(e)}` });
    throw e;
  }
}

async function index(): Promise<void> {
  await loadSettings();
  const started = Date.now();
  await analyzer.index(roots);
  publish([...analyzer.findings().keys(), ...published]);
  for (const s of analyzer.skippedFiles()) connection.console.info(`skipped ${s.file}: ${s.reason}`);
  const projects = analyzer.allProjects();
  connection.console.info(`indexed ${projects.length} ESP-IDF project(s), ${analyzer.analysedFileCount()} files in ${Date.now() - started} ms`);
  for (const p of projects) {
    connection.console.info(`  ${p.root}: ${versionLine(p)}, target ${p.target}`);
    for (const note of projectNotes(p)) connection.console.info(`    ${note}`);
  }
  readyStatus();
}

/** The settings the last index used, as pulled from the client. */
let indexedWith: string | undefined;

async function pullSettings(): Promise<unknown[]> {
  return canPullConfiguration ? connection.workspace.getConfiguration([{ section: settingsSection }, { section: 'files.exclude' }, { section: 'idf' }]) : [];
}

async function settingsChanged(): Promise<boolean> {
  return JSON.stringify(await pullSettings()) !== indexedWith;
}

async function loadSettings(): Promise<void> {
  const pulled = await pullSettings();
  indexedWith = JSON.stringify(pulled);
  if (!canPullConfiguration) return;
  const [ours, filesExclude, idf] = pulled;
  const exclude = Object.entries((filesExclude ?? {}) as Record<string, boolean>).filter(([, on]) => on === true).map(([glob]) => glob);
  // Espressif's extension names the build folder in idf.buildPath (often "${workspaceFolder}/build").
  const buildPath = typeof (idf as { buildPath?: unknown } | null)?.buildPath === 'string' ? (idf as { buildPath: string }).buildPath : '';
  analyzer.configure(resolveSettings(ours), exclude, buildPath.replace(/\$\{workspaceFolder\}/g, roots[0] ?? '') || undefined);
}

documents.onDidChangeContent(({ document }) => {
  const file = fileOf(document.uri);
  // The edited file is always published, so its diagnostics follow every version of the buffer.
  if (file) void queue.enqueue(document.uri, async () => publish([file, ...await analyzer.setOverlay(file, document.getText())]));
});

documents.onDidClose(({ document }) => {
  const file = fileOf(document.uri);
  if (file) void queue.enqueue(document.uri, async () => publish(await analyzer.dropOverlay(file)));
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  // A created or deleted file may change what the build compiles or embeds: one re-read of the model covers the batch.
  if (changes.some((c) => c.type !== FileChangeType.Changed)) {
    void queue.enqueue('created-or-deleted', async () => publish(await analyzer.filesCreatedOrDeleted()));
  }
  for (const change of changes) {
    const file = fileOf(change.uri);
    // The analyzer knows what wins: an open buffer for a source file, the disk for the project model.
    if (file && change.type === FileChangeType.Changed) void queue.enqueue(change.uri, async () => publish(await analyzer.fileChanged(file)));
  }
});

connection.onCodeAction((params) => {
  const actions = codeActionsFor(params.context.diagnostics);
  const doc = documents.get(params.textDocument.uri);
  const file = fileOf(params.textDocument.uri);
  if (doc && file && /^sdkconfig(\.|$)/.test(path.basename(file))) {
    const line = params.range.start.line;
    const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
    const toggle = toggleOption(text);
    const range = { start: { line, character: 0 }, end: { line, character: text.length } };
    if (toggle) actions.push({ title: toggle.title, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [params.textDocument.uri]: [{ range, newText: toggle.newText }] } } });
  }
  return actions;
});

// Each TLS client gets two lenses: what it trusts (click: fetch the server's chain) and "Check server";
// a logged TLS failure that names its server gets "Reproduce with this project's TLS" (Check Server).
// Clicking only asks the client to run a command: nothing connects until a person clicks.
connection.onCodeLens(({ textDocument }) => {
  const file = fileOf(textDocument.uri);
  if (!file) return [];
  return analyzer.lensesFor(file).flatMap((l) => {
    const target = { ...l.server, uri: textDocument.uri, position: l.range.start };
    if (l.reproduce) return [{ range: l.range, command: { title: l.title, command: 'espTlsLens.checkServer', arguments: [target] } }];
    const trust = { range: l.range, command: { title: l.title, command: 'espTlsLens.fetchChain', arguments: [target] } };
    return l.server ? [trust, { range: l.range, command: { title: 'Check server against project', command: 'espTlsLens.checkServer', arguments: [target] } }] : [trust];
  });
});

connection.onCompletion(({ textDocument, position }) => {
  const file = fileOf(textDocument.uri);
  const doc = documents.get(textDocument.uri);
  if (!file || !doc || !/^sdkconfig(\.|$)/.test(path.basename(file))) return [];
  const linePrefix = doc.getText({ start: { line: position.line, character: 0 }, end: position });
  return analyzer.completeSdkconfig(file, linePrefix).map((c) => ({
    label: c.label, detail: c.detail, insertText: c.insertText, kind: CompletionItemKind.Property,
    documentation: c.documentation ? { kind: 'markdown' as const, value: c.documentation } : undefined,
  }));
});

connection.onHover(({ textDocument, position }) => {
  const file = fileOf(textDocument.uri);
  const doc = documents.get(textDocument.uri);
  const hover = file && doc ? analyzer.hover(file, doc.getText(), position) : undefined;
  return hover ? { contents: { kind: 'markdown', value: hover.markdown }, range: hover.range } : null;
});

connection.onRequest(Methods.checkWorkspace, async (): Promise<CheckWorkspaceResult> => {
  await queue.enqueue('index', indexWorkspace);
  return {
    projects: analyzer.allProjects().length,
    files: analyzer.analysedFileCount(),
    findings: countFindings(),
    skipped: analyzer.skippedFiles(),
  };
});

connection.onRequest(Methods.inspect, async (p: InspectParams): Promise<InspectResult> => {
  const file = fileOf(p.uri) ?? '';
  const doc = documents.get(p.uri);
  const name = path.basename(file);
  if (p.position && doc && !p.text) {
    const hover = analyzer.hover(file, doc.getText(), p.position);
    if (hover) return { markdown: `# ${name}, line ${p.position.line + 1}\n\n${hover.markdown}`, count: 1 };
  }
  const read = p.text === undefined && !doc ? readBytes(file, analyzer.currentSettings.maxFileSizeKB * 1024) : undefined;
  if (read && 'error' in read) return { markdown: `# ${name}\n\n${name} was not read: ${read.error}.`, count: 0 };
  const bytes = p.text !== undefined ? Buffer.from(p.text, 'utf8') : doc ? Buffer.from(doc.getText(), 'utf8') : read!.bytes;
  const items = await inspectBytes(bytes, file);
  return { markdown: `# ${p.text !== undefined ? `Selection in ${name}` : name}\n\n${inspectedMarkdown(items, new Date())}`, count: items.length };
});

connection.onRequest(Methods.clientAt, (p: ClientAtParams): ClientAtResult | null => clientAtResult(analyzer, p.uri, p.position));
connection.onRequest(Methods.fetchChain, (p: FetchChainParams, token) => fetchChainRequest(analyzer, p, abortSignalOf(token)));
connection.onRequest(Methods.certificateChoices, (p: CertificateChoicesParams): Promise<CertificateChoicesResult> => certificateChoices(analyzer, p));
connection.onRequest(Methods.embedPlan, (p: EmbedPlanParams): Promise<EmbedPlanResult> => embedPlanRequest(analyzer, p));
connection.onRequest(Methods.trustEdit, (p: TrustEditParams): Promise<TrustEditResult> => trustEditRequest(analyzer, p));
connection.onRequest(Methods.checkServer, (p: CheckServerParams, token) => checkServerRequest(analyzer, p, abortSignalOf(token)));

/** LSP cancellation ($/cancelRequest) as an AbortSignal for the network code. */
function abortSignalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

connection.onRequest(Methods.decode, (p: DecodeParams): DecodeResponse => {
  const r = analyzer.explain(p.input, p.uri ? fileOf(p.uri) : undefined);
  const title = p.input.trim().split(/\r?\n/)[0].slice(0, 80);
  return { ok: r.ok, markdown: `# ${title}${p.input.trim().includes('\n') ? ' …' : ''}\n\n${r.markdown}` };
});

/** Publishes the current findings of `files`; a file with none gets an empty list, so nothing goes stale. */
function publish(files: Iterable<string>): void {
  for (const file of new Set(files)) {
    const diagnostics = analyzer.findingsFor(file).map(toDiagnostic);
    if (diagnostics.length) published.add(file); else published.delete(file);
    void connection.sendDiagnostics({ uri: uriOf(file), diagnostics });
  }
  refreshLenses();
  readyStatus();
}

/**
 * When an edit or a save changed the lenses (an embed changes another file's lens), the editor asks again.
 * Most keystrokes change no fact, the rules are not re-run and the lens map is the same object: no comparison.
 */
let lensesSeen: ReadonlyMap<string, unknown> | undefined;
let lensesShown = '';
function refreshLenses(): void {
  const lenses = analyzer.allLenses();
  if (lenses === lensesSeen) return;
  lensesSeen = lenses;
  const now = JSON.stringify([...lenses]);
  if (now === lensesShown) return;
  lensesShown = now;
  if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
}

/** The ready state with each project's IDF version and why (the status bar tooltip shows them). */
function readyStatus(): void {
  const projects = analyzer.allProjects();
  status({ state: 'ready', projects: projects.length, findings: countFindings(), versions: projects.map((p) => `${p.name ?? p.root}: ${versionLine(p)}`) });
}

/** The findings the Problems panel lists: hints are shown only in the editor (faded text), so the status does not count them. */
function countFindings(): number {
  let n = 0;
  for (const list of analyzer.findings().values()) n += list.filter((f) => f.severity !== 'hint').length;
  return n;
}

function status(params: StatusParams): void {
  void connection.sendNotification(Methods.status, params);
}

documents.listen(connection);
connection.listen();
