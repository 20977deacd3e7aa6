// Extension integration suite: runs inside a real VS Code extension host (code-server via
// test/editor/runCodeServer.mjs, or desktop VS Code via test/editor/runElectron.ts) with a fresh copy of
// test/fixtures/demo-project as the workspace. Bundled to out/editor/suite/index.js (scripts/editor/suite-bundle.mjs).
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import { makeChain } from '../../support/certs';

const EXTENSION_ID = 'esp-tls-lens.esp-tls-lens';
const RULE = 'tls-no-server-verification';
const FIX_TITLE = 'Attach the ESP-IDF certificate bundle (crt_bundle_attach)';
const BUNDLE_LINE = '        .crt_bundle_attach = esp_crt_bundle_attach,';
const INCLUDE_LINE = '#include "esp_crt_bundle.h"';

const t0 = Date.now();
const log = (msg: string) => console.log(`[e2e] +${((Date.now() - t0) / 1000).toFixed(1)}s ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `probe` until it returns something other than undefined, or fails with `what` after `timeoutMs`. */
async function poll<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(100);
  }
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'esp-tls-lens');
const codeValue = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  await ext.activate(); // resolves when activation (workspaceContains:...) has finished
  log(`extension active (${ext.extensionPath})`);
  // The package carries the extraction worker: without it the server falls back to parsing in its own thread.
  await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext.extensionUri, 'dist', 'cWorker.js')).then(undefined, () => assert.fail('the installed extension has no dist/cWorker.js'));

  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder open');
  const file = (rel: string) => vscode.Uri.joinPath(folder.uri, rel);
  const telemetry = file('main/telemetry_client.c');

  // 1. The server indexes the workspace on start: the diagnostic arrives without the file being opened.
  const diags = await poll('a diagnostic on main/telemetry_client.c (file not opened)', () => {
    const d = ours(telemetry);
    return d.length ? d : undefined;
  }, 60_000);
  assert.equal(diags.length, 1, `expected exactly one diagnostic, got: ${JSON.stringify(diags.map((d) => d.message))}`);
  const diag = diags[0];
  assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(codeValue(diag), RULE);
  assert.ok(typeof diag.code === 'object' && diag.code.target instanceof vscode.Uri, 'diagnostic code should link to the rule page');
  assert.match(diag.message, /verifies no server/);
  assert.equal(diag.range.start.line, 15, `diagnostic should be on "    esp_tls_cfg_t cfg = {" (0-based line 15), got ${diag.range.start.line}`);
  log(`diagnostic ok: [${RULE}] line ${diag.range.start.line + 1}: ${diag.message} (docs: ${typeof diag.code === 'object' ? diag.code.target.toString() : ''})`);

  for (const clean of ['main/weather_client.c', 'main/app_main.c']) {
    assert.deepEqual(ours(file(clean)).map((d) => d.message), [], `${clean} should have no diagnostics`);
  }
  log('weather_client.c and app_main.c have no diagnostics');

  // Hover on a TLS field and the trust lens above a config.
  const weather = file('main/weather_client.c');
  const weatherDoc = await vscode.workspace.openTextDocument(weather);
  const fieldLine = weatherDoc.getText().split('\n').findIndex((l) => l.includes('.crt_bundle_attach'));
  const hovers = await poll('a hover on .crt_bundle_attach', async () => {
    const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', weather, new vscode.Position(fieldLine, 12));
    const text = (h ?? []).flatMap((x) => x.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    return /in `esp_tls_cfg_t`/.test(text) ? text : undefined;
  });
  assert.match(hovers, /certificate bundle/);
  log('hover on .crt_bundle_attach ok');
  const lenses = await poll('the trust lens on weather_client.c', async () => {
    const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', weather);
    return l?.length ? l : undefined;
  });
  assert.equal(lenses[0].command?.title, 'TLS: trusts the ESP-IDF certificate bundle · api.open-meteo.com');
  log(`code lens ok: ${lenses[0].command?.title}`);

  // Opening the file must keep the diagnostic (now served from the open document).
  const doc = await vscode.workspace.openTextDocument(telemetry);
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.lineAt(15).text, '    esp_tls_cfg_t cfg = {');
  await poll('the diagnostic on the opened document', () => (ours(telemetry).length === 1 ? true : undefined));
  log('opened main/telemetry_client.c; diagnostic still there');

  // 2. The quick fix: attach the certificate bundle.
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider', telemetry, diag.range, vscode.CodeActionKind.QuickFix.value, 10 /* resolve edits */);
  const titles = (actions ?? []).map((a) => a.title);
  // a plain Command has `command: string`; a CodeAction has `command?: Command`
  const fix = (actions ?? []).find((a): a is vscode.CodeAction => a.title === FIX_TITLE && typeof a.command !== 'string');
  assert.ok(fix, `quick fix "${FIX_TITLE}" not offered; got ${JSON.stringify(titles)}`);
  assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), `kind is ${fix.kind?.value}`);
  assert.equal(fix.isPreferred, true, 'the fix should be the preferred one');
  assert.ok(fix.edit, 'the quick fix carries no edit');
  log(`quick fix offered: "${fix.title}" (of ${JSON.stringify(titles)})`);

  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'applyEdit returned false');
  if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
  const lines = doc.getText().split(/\r?\n/);
  const open = lines.indexOf('    esp_tls_cfg_t cfg = {');
  const close = lines.indexOf('    };', open);
  const bundleAt = lines.indexOf(BUNDLE_LINE);
  assert.ok(open >= 0 && bundleAt > open && bundleAt < close, `"${BUNDLE_LINE.trim()}" not inside the initializer:\n${doc.getText()}`);
  const lastInclude = lines.reduce((last, l, i) => (l.startsWith('#include') ? i : last), -1);
  assert.equal(lines[lastInclude], INCLUDE_LINE, `${INCLUDE_LINE} should be the last #include:\n${doc.getText()}`);
  assert.equal(lines.filter((l) => l === INCLUDE_LINE).length, 1);
  assert.ok(await doc.save(), 'save failed');
  log('quick fix applied and saved');

  await poll('the diagnostic to disappear after the fix', () => (ours(telemetry).length === 0 ? true : undefined), 30_000);
  log('diagnostic gone');

  // Seed 002: a Let's Encrypt leaf pasted where the root belongs. Error on the certificate itself,
  // related to the config that trusts it; hover and Inspect Certificate read it.
  const ota = file('main/ota_client.c');
  const seedText = await vscode.workspace.fs.readFile(vscode.Uri.file(`${ext.extensionPath}/test/fixtures/seed002/ota_letsencrypt_leaf.c`));
  await vscode.workspace.fs.writeFile(ota, seedText);
  const otaDoc = await vscode.workspace.openTextDocument(ota);
  await vscode.window.showTextDocument(otaDoc);
  const leafDiag = await poll('cert-leaf-as-trust-anchor on main/ota_client.c', () => ours(ota).find((d) => codeValue(d) === 'cert-leaf-as-trust-anchor'), 60_000);
  assert.equal(leafDiag.severity, vscode.DiagnosticSeverity.Error);
  assert.match(leafDiag.message, /www\.optimized\.realyze\.com is a server's own certificate/);
  assert.equal(leafDiag.relatedInformation?.[0]?.message, 'trusted by `config`');
  assert.equal(otaDoc.lineAt(leafDiag.relatedInformation![0].location.range.start.line).text.trim(), '.cert_pem = ota_cert,');
  log(`seed 002: ${leafDiag.message.slice(0, 80)}...`);
  const certHover = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', ota, new vscode.Position(10, 12));
  const certHoverText = (certHover ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(certHoverText, /Issuer.*R3/);
  const inspected = await vscode.commands.executeCommand<{ count: number; markdown: string }>('espTlsLens.inspectCertificate', ota);
  assert.equal(inspected?.count, 1);
  assert.match(inspected!.markdown, /www\.optimized\.realyze\.com/);
  log('seed 002: hover and Inspect Certificate ok');

  // sdkconfig: the bundle switched off while weather_client.c attaches it; the fix edits that line.
  const defaultsUri = file('sdkconfig.defaults');
  const defaultsDoc = await vscode.workspace.openTextDocument(defaultsUri);
  assert.equal(defaultsDoc.languageId, 'sdkconfig');
  const bundleLine = defaultsDoc.getText().split('\n').indexOf('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y');
  const off = new vscode.WorkspaceEdit();
  off.replace(defaultsUri, defaultsDoc.lineAt(bundleLine).range, '# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE is not set');
  assert.ok(await vscode.workspace.applyEdit(off));
  assert.ok(await defaultsDoc.save());
  const bundleDiag = await poll('sdkconfig-bundle-unavailable on sdkconfig.defaults', () => ours(defaultsUri).find((d) => codeValue(d) === 'sdkconfig-bundle-unavailable'), 60_000);
  assert.equal(bundleDiag.range.start.line, bundleLine);
  const sdkActions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', defaultsUri, bundleDiag.range, vscode.CodeActionKind.QuickFix.value);
  const enable = sdkActions.find((a) => /Enable the certificate bundle/.test(a.title));
  assert.ok(enable?.edit, `no sdkconfig fix; got ${JSON.stringify(sdkActions.map((a) => a.title))}`);
  assert.ok(await vscode.workspace.applyEdit(enable!.edit!));
  assert.equal(defaultsDoc.lineAt(bundleLine).text, 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y');
  assert.ok(await defaultsDoc.save());
  await poll('the sdkconfig diagnostic to go', () => (ours(defaultsUri).some((d) => codeValue(d) === 'sdkconfig-bundle-unavailable') ? undefined : true), 60_000);
  log('sdkconfig: bundle-unavailable reported on its line and fixed');

  // A monitor capture: the TLS failure lines get a decoded note; the decode command takes any form.
  const logUri = file('monitor.log');
  await vscode.workspace.fs.writeFile(logUri, await vscode.workspace.fs.readFile(vscode.Uri.file(`${ext.extensionPath}/test/fixtures/logs/idf-v5.5-handshake-failed.log`)));
  const logDoc = await vscode.workspace.openTextDocument(logUri);
  await vscode.window.showTextDocument(logDoc);
  assert.equal(logDoc.languageId, 'esp-idf-log');
  const logDiag = await poll('a log-tls-failure note on monitor.log', () => ours(logUri).find((d) => codeValue(d) === 'log-tls-failure' && /-0x2700/.test(d.message)), 60_000);
  assert.equal(logDiag.severity, vscode.DiagnosticSeverity.Information);
  const decoded = await vscode.commands.executeCommand<{ ok: boolean; markdown: string }>('espTlsLens.decodeError', '-9984');
  assert.equal(decoded?.ok, true);
  assert.match(decoded!.markdown, /X509 - Certificate verification failed/);
  // Issue 20: shown in the rendered, read-only result view (a webview tab), not an untitled document that asks to be saved.
  const resultTab = await poll('the Decode result tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Decode: -9984'));
  assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled), 'decode opened an untitled document');
  assert.ok(await vscode.window.tabGroups.close(resultTab), 'the result tab did not close');
  log(`log note: ${logDiag.message.slice(0, 70)}...; decode command ok, shown rendered, closed without a question`);

  // The integrated terminal: a TLS failure line printed there is a link that opens the explanation.
  const terminal = vscode.window.createTerminal('esp-tls-lens e2e');
  const links = (ext.exports as { terminalLinks: { provideTerminalLinks(c: vscode.TerminalLinkContext): (vscode.TerminalLink & { line: string })[]; open(l: vscode.TerminalLink & { line: string }): Thenable<{ ok: boolean; markdown: string } | undefined> } }).terminalLinks;
  const monitorLine = 'E (3515) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700';
  const [link] = links.provideTerminalLinks({ line: monitorLine, terminal });
  assert.ok(link, 'a link on the monitor line');
  assert.equal(monitorLine.slice(link.startIndex, link.startIndex + link.length), '-0x2700');
  assert.deepEqual(links.provideTerminalLinks({ line: 'I (100) wifi: connected', terminal }), [], 'no link on other lines');
  const opened = await links.open(link);
  assert.equal(opened?.ok, true);
  assert.match(opened!.markdown, /\*\*Line 1\*\* `E \(3515\) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700`/);
  terminal.dispose();
  log('terminal link: the monitor line links to its explanation');

  // 3. Commands.
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['espTlsLens.checkWorkspace', 'espTlsLens.inspectCertificate', 'espTlsLens.decodeError', 'espTlsLens.showOutput', 'espTlsLens.restartServer', 'espTlsLens.embedCertificates']) {
    assert.ok(commands.includes(id), `command ${id} is not registered`);
  }
  const checkWorkspace = async () => {
    const r = await vscode.commands.executeCommand<{ projects: number; files: number; findings: number }>('espTlsLens.checkWorkspace');
    assert.ok(r && typeof r === 'object', `checkWorkspace returned ${JSON.stringify(r)}`);
    assert.ok(typeof r.projects === 'number' && r.projects > 0, `projects: ${r.projects}`);
    assert.ok(typeof r.files === 'number' && r.files > 0, `files: ${r.files}`);
    assert.ok(typeof r.findings === 'number' && r.findings >= 0, `findings: ${r.findings}`);
    return r;
  };
  log(`espTlsLens.checkWorkspace -> ${JSON.stringify(await checkWorkspace())}`);
  await vscode.commands.executeCommand('espTlsLens.showOutput');
  log('espTlsLens.showOutput ran');
  await vscode.commands.executeCommand('espTlsLens.restartServer');
  // After a restart the server re-indexes: the fixed file must stay clean and the server must answer again.
  log(`espTlsLens.restartServer ran; checkWorkspace after restart -> ${JSON.stringify(await checkWorkspace())}`);
  assert.deepEqual(ours(telemetry).map((d) => d.message), [], 'the fixed file has diagnostics again after restart');

  // 4. With the server stopped, commands still answer (with the reason in a warning), and a restart brings it back.
  const api = ext.exports as { ctx: { client?: { stop(): Promise<void> }; running: boolean; stoppedReason?: string } };
  await api.ctx.client!.stop();
  await poll('the server to be reported stopped', () => (api.ctx.running ? undefined : true));
  assert.equal(await vscode.commands.executeCommand('espTlsLens.checkWorkspace'), undefined, 'checkWorkspace answers (undefined) while stopped');
  assert.match(api.ctx.stoppedReason ?? '', /stopped/);
  log(`with the server stopped, checkWorkspace answered; reason: ${api.ctx.stoppedReason}`);
  await vscode.commands.executeCommand('espTlsLens.restartServer');
  assert.equal(api.ctx.running, true, 'restartServer starts a stopped server');
  log(`restarted after stop -> ${JSON.stringify(await checkWorkspace())}`);

  await fetchAndEmbed(file);
  await buildBundle(file);
  log('ALL PASSED');
}

/**
 * 5. Fetch Certificate Chain against a local TLS server (a private CA: the server sends its root), embed
 * that root into weather_client.c through the chain panel's action, save, and check the server as the
 * device would: the project must stay clean and the handshake succeed.
 */
async function fetchAndEmbed(file: (rel: string) => vscode.Uri): Promise<void> {
  const weather = file('main/weather_client.c');
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', weather);
  const fetchLens = lenses.find((l) => l.command?.command === 'espTlsLens.fetchChain');
  const lensTarget = fetchLens?.command?.arguments?.[0] as { host: string; port: number } | undefined;
  assert.deepEqual(lensTarget && { host: lensTarget.host, port: lensTarget.port }, { host: 'api.open-meteo.com', port: 443 });
  assert.ok(lenses.some((l) => l.command?.command === 'espTlsLens.checkServer'), 'no "Check server" lens');

  const chain = await makeChain({ now: new Date(), key: 'rsa2048' });
  const server = tls.createServer({ key: chain.leafKeyPem, cert: chain.leaf.pem + chain.intermediate.pem + chain.root.pem }, (s) => s.end());
  server.on('tlsClientError', () => undefined);
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  try {
    const target = { host: '127.0.0.1', port, servername: 'device.example.com', uri: weather.toString(), position: { line: 16, character: 18 } };
    const fetched = await vscode.commands.executeCommand<{ ok: boolean; view?: { certificates: unknown[]; embeddable: { name: string }[]; client?: { name: string } }; error?: string }>('espTlsLens.fetchChain', target);
    assert.ok(fetched?.ok, `fetchChain failed: ${fetched?.error}`);
    assert.equal(fetched.view!.certificates.length, 3);
    assert.deepEqual(fetched.view!.embeddable.map((r) => r.name), ['Test Root CA']);
    assert.equal(fetched.view!.client?.name, 'cfg');
    log(`fetchChain: ${fetched.view!.certificates.length} certificates from 127.0.0.1:${port}, panel shown`);

    const outcome = await vscode.commands.executeCommand<{ applied: boolean; summary: string[] }>('espTlsLens.chainPanelAction', { type: 'embed' });
    assert.ok(outcome?.applied, `embed not applied: ${JSON.stringify(outcome)}`);
    log(`embedded: ${outcome.summary.join('; ')}`);
    const pem = file('main/certs/test_root_ca.pem');
    const pemDoc = await vscode.workspace.openTextDocument(pem);
    assert.match(pemDoc.getText(), /^# CN=Test Root CA, O=ESP TLS Lens Tests, C=US \(valid until [\d-]+\)\n-----BEGIN CERTIFICATE-----/);
    const weatherDoc = await vscode.workspace.openTextDocument(weather);
    assert.match(weatherDoc.getText(), /\.cacert_pem_buf = \(const unsigned char \*\)test_root_ca_pem_start,/);
    assert.doesNotMatch(weatherDoc.getText(), /crt_bundle_attach = /);
    const cmake = await vscode.workspace.openTextDocument(file('main/CMakeLists.txt'));
    assert.match(cmake.getText(), /EMBED_TXTFILES "certs\/test_root_ca\.pem"/);
    // Issue 20: applied, not saved. The edited files are dirty and unchanged on disk; the new PEM exists empty.
    const onDisk = async (uri: vscode.Uri) => Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    for (const doc of [weatherDoc, cmake, pemDoc]) assert.ok(doc.isDirty, `${vscode.workspace.asRelativePath(doc.uri)} should be unsaved after the embed`);
    assert.doesNotMatch(await onDisk(weather), /test_root_ca_pem_start/);
    assert.doesNotMatch(await onDisk(cmake.uri), /test_root_ca\.pem/);
    assert.equal(await onDisk(pem), '');
    // workspace.saveAll saves the dirty editors only: documents an edit changed without opening them are saved one by one.
    for (const doc of [weatherDoc, cmake, pemDoc]) assert.ok(await doc.save(), `saving ${vscode.workspace.asRelativePath(doc.uri)} failed`);
    assert.match(await onDisk(weather), /test_root_ca_pem_start/);
    assert.match(await onDisk(pem), /-----BEGIN CERTIFICATE-----/);

    // The server re-reads the project (CMakeLists.txt from its buffer): no embed-symbol-missing, nothing else either.
    await vscode.commands.executeCommand('espTlsLens.checkWorkspace');
    for (const rel of ['main/weather_client.c', 'main/CMakeLists.txt', 'main/certs/test_root_ca.pem']) {
      assert.deepEqual(ours(file(rel)).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).map((d) => d.message), [], `${rel} after embedding`);
    }
    const checked = await vscode.commands.executeCommand<{ ok: boolean; markdown: string; expected?: { code: string }; engine?: string }>('espTlsLens.checkServer', target);
    assert.equal(checked?.ok, true, `the device check failed: ${checked?.markdown}`);
    assert.match(checked!.markdown, /The device would connect/);
    // Issue 21: the packaged extension ships the device's Mbed TLS, and its server runs the handshake with it.
    assert.match(checked!.engine ?? '', /^Mbed TLS 3\.6\.\d+$/, 'the check did not run the device\'s Mbed TLS');
    log(`checkServer after embedding: the device would connect (${checked!.engine})`);
  } finally {
    server.close();
  }
}

/**
 * 6. Embed Certificates / Build Bundle with its choices given as arguments (the pickers are the only part
 * not driven): the root embedded in step 5 plus a second root, as a custom bundle added to the default
 * list and attached to telemetry_client.c's config. The preview opens; after saving, the project checks clean.
 */
async function buildBundle(file: (rel: string) => vscode.Uri): Promise<void> {
  const telemetry = file('main/telemetry_client.c');
  const second = await makeChain({ now: new Date(), key: 'p256', root: { cn: 'Backend Root 2026' } });
  const outcome = await vscode.commands.executeCommand<{ applied: boolean; summary: string[]; flash?: string; error?: string }>('espTlsLens.embedCertificates', {
    uri: telemetry.toString(), position: { line: 16, character: 8 }, form: 'custom-bundle', keepDefaultBundle: true, name: 'device roots', confirm: false,
    certs: [{ kind: 'file', uri: file('main/certs/test_root_ca.pem').toString(), index: 0 }, { kind: 'pem', pem: second.root.pem }],
  });
  assert.ok(outcome?.applied, `bundle not applied: ${JSON.stringify(outcome)}`);
  assert.match(outcome.flash ?? '', /x509_crt_bundle \(FULL list plus 2 certificate\(s\), layout A\): \d+ bytes of flash/);
  log(`bundle built: ${outcome.summary.join('; ')}`);
  await poll('the preview document', () => (vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'esp-tls-lens-preview') ? true : undefined));

  const defaults = await vscode.workspace.openTextDocument(file('sdkconfig.defaults'));
  assert.match(defaults.getText(), /^CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs\/device_roots\.pem"$/m);
  const bundlePem = await vscode.workspace.openTextDocument(file('certs/device_roots.pem'));
  assert.equal((bundlePem.getText().match(/-----BEGIN CERTIFICATE-----\n/g) ?? []).length, 2);
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) assert.ok(await doc.save(), `saving ${vscode.workspace.asRelativePath(doc.uri)} failed`);
  assert.match(Buffer.from(await vscode.workspace.fs.readFile(file('sdkconfig.defaults'))).toString('utf8'), /CUSTOM_CERTIFICATE_BUNDLE_PATH/);
  await vscode.commands.executeCommand('espTlsLens.checkWorkspace');
  for (const rel of ['main/telemetry_client.c', 'sdkconfig.defaults', 'certs/device_roots.pem', 'main/weather_client.c']) {
    assert.deepEqual(ours(file(rel)).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).map((d) => d.message), [], `${rel} after building the bundle`);
  }
  log('custom bundle: project checks clean');
}
