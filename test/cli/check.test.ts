// Runs the bundled dist/cli.js (built by `npm test` before this suite) as a user would.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import Ajv from 'ajv-draft-04';
import { cliPath, repo, runCli } from '../support/cli';
import addFormats from 'ajv-formats';

const cli = cliPath;
const demo = path.join(repo, 'test/fixtures/demo-project');

const run = (args: string[], cwd = repo) => runCli(args, { cwd });

/** The published SARIF 2.1.0 schema, shipped by @microsoft/jest-sarif (a dev dependency). */
function sarifValidator() {
  const schemaPath = createRequire(__filename).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }) // the schema's 'language' pattern is not valid in unicode mode;
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('esp-tls-lens check', () => {
  before(() => assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first'));

  it('prints compiler-style text and exits 1 on the insecure demo config', async () => {
    const r = await run(['check', 'test/fixtures/demo-project']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.map((l) => /\[([a-z0-9-]+)\]$/.exec(l)?.[1]), ['tls-no-server-verification', 'sdkconfig-production-hardening'], r.stdout);
    assert.match(lines[1], /^test\/fixtures\/demo-project\/sdkconfig\.defaults:1:1: hint: For production: /);
    assert.match(lines[0], /^test\/fixtures\/demo-project\/main\/telemetry_client\.c:16:19: error: `cfg` \(esp_tls_cfg_t\) verifies no server\. It sets .* \[tls-no-server-verification\]$/);
  });

  it('prints the JSON contract with 0-based LSP ranges and relative paths', async () => {
    const r = await run(['check', '--format', 'json'], demo);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, 1);
    assert.deepEqual(out.findings.map((f: { file: string; rule: string }) => `${f.file} ${f.rule}`), ['main/telemetry_client.c tls-no-server-verification', 'sdkconfig.defaults sdkconfig-production-hardening']);
    const [f] = out.findings;
    assert.equal(f.rule, 'tls-no-server-verification');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, { start: { line: 15, character: 18 }, end: { line: 15, character: 21 } });
  });

  it('prints SARIF 2.1.0 that validates against the published schema and names the insecure config', async () => {
    const r = await run(['check', 'test/fixtures/demo-project', '--format', 'sarif']);
    const validate = sarifValidator();
    assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors, null, 2));
    // any: the schema check above is what guarantees the shape
    const log: any = JSON.parse(r.stdout);
    const [runObj] = log.runs;
    assert.equal(runObj.tool.driver.name, 'esp-tls-lens');
    assert.ok(runObj.tool.driver.rules.every((rule: { helpUri?: string }) => rule.helpUri?.endsWith('.md')));
    const [result] = runObj.results;
    assert.equal(result.ruleId, 'tls-no-server-verification');
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation.artifactLocation, { uri: 'test/fixtures/demo-project/main/telemetry_client.c' });
    assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 16, startColumn: 19, endLine: 16, endColumn: 22 });
    assert.match(result.message.text, /`cfg`/);
  });

  it('the schema check itself rejects a broken log', () => {
    const validate = sarifValidator();
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] }), false);
  });

  it('honours --rule and --fail-on', async () => {
    const warn = await run(['check', demo, '--rule', 'tls-no-server-verification=warning']);
    assert.equal(warn.code, 0, 'a warning does not fail the default --fail-on error');
    assert.match(warn.stdout, /: warning: /);
    assert.equal((await run(['check', demo, '--rule', 'tls-no-server-verification=warning', '--fail-on', 'warning'])).code, 1);
    const off = await run(['check', demo, '--rule', 'tls-no-server-verification=off', '--rule', 'sdkconfig-production-hardening=off']);
    assert.equal(off.code, 0);
    assert.equal(off.stdout, '');
    assert.equal((await run(['check', demo, '--fail-on', 'never'])).code, 0);
  });

  it('checks a single file and a clean copy after the fix', async (t) => {
    const r = await run(['check', path.join(demo, 'main/weather_client.c')]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    const copy = mkdtempSync(path.join(tmpdir(), 'tls-lens-cli-'));
    t.after(() => rmSync(copy, { recursive: true, force: true }));
    cpSync(demo, copy, { recursive: true });
    const file = path.join(copy, 'main/telemetry_client.c');
    writeFileSync(file, readFileSync(file, 'utf8').replace('.timeout_ms = 5000,', '.timeout_ms = 5000,\n        .crt_bundle_attach = esp_crt_bundle_attach,'));
    const clean = await run(['check', copy, '--fail-on', 'hint', '--rule', 'sdkconfig-production-hardening=off']);
    assert.equal(clean.code, 0, clean.stdout);
    assert.equal(clean.stdout, '');
  });

  it('answers usage errors and unreadable input with exit 2 and a one-line reason', async () => {
    const cases: [string[], RegExp][] = [
      [['check', '--format', 'xml'], /--format: 'xml' is not one of text, json, sarif/],
      [['check', '--rule', 'no-such-rule=off'], /unknown rule 'no-such-rule'/],
      [['check', '--rule', 'tls-no-server-verification=loud'], /is not one of off, hint/],
      [['check', '--now', 'yesterday'], /--now: 'yesterday' is not an ISO-8601 date/],
      [['check', '/nonexistent/project'], /cannot read \/nonexistent\/project: ENOENT/],
      [['check', '--bogus'], /Unknown option '--bogus'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [[], /usage: esp-tls-lens/],
    ];
    for (const [args, pattern] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr + r.stdout, pattern, args.join(' '));
    }
  });
});

describe('esp-tls-lens check - (a monitor log on standard input)', () => {
  it('explains the TLS failures of a piped log, read as stdin.log of the current folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-stdin-'));
    // Shapes: an idf.py monitor line, a component's own decimal code, a line pasted without its prefix.
    const log = 'I (100) boot: ESP-IDF v5.3.1 2nd stage bootloader\nE (3515) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\r\nE (7002) Dynamic Impl: mbedtls_ssl_fetch_input error=29312\nmbedtls_ssl_handshake returned -0x7200\n';
    const r = await runCli(['check', '-', '--fail-on', 'never'], { cwd: dir, input: log });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.replace(/: info: .*/, '')), ['stdin.log:2:58', 'stdin.log:3:54', 'stdin.log:4:32']);
    assert.match(lines[1], /-0x7280/);
  });
});

describe('esp-tls-lens inspect', () => {
  const seed = path.join(repo, 'test/fixtures/seed002');
  it('summarises a C file\'s certificate literal at a fixed now', async () => {
    const r = await run(['inspect', path.join(seed, 'ota_letsencrypt_leaf.c'), '--now', '2022-06-01T00:00:00Z']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[1\] CERTIFICATE\n {4}Subject: www\.optimized\.realyze\.com\n {4}Issuer: R3\n {4}Valid: 2022-04-05 to 2022-07-04 \(33 days left\)\n {4}Role: leaf\n/);
  });
  it('prints JSON for a PEM file and reads standard input', async () => {
    const pem = readFileSync(path.join(repo, 'test/fixtures/grammars/amazon-root-ca-1.pem'));
    const [cert] = JSON.parse((await runCli(['inspect', '-', '--json'], { input: pem })).stdout);
    assert.equal(cert.subject, 'CN=Amazon Root CA 1, O=Amazon, C=US');
    assert.equal(cert.role, 'root');
    assert.equal(cert.notAfter, '2038-01-17T00:00:00.000Z');
  });
  it('exits 2 on input without a certificate, and on a missing file', async () => {
    assert.equal((await run(['inspect', path.join(repo, 'package.json')])).code, 2);
    const missing = await run(['inspect', '/nonexistent.pem']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read \/nonexistent\.pem: no such file/);
  });
});
