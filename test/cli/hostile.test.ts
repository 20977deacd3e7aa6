// Issue 19: hostile files never crash, hang or slow the check. Each case (test/support/hostile.ts) is one
// file shape that once did, written into an otherwise sound minimal project and checked with dist/cli.js as
// a user would: the check ends (no crash: exit 0 or 1), names the refused file with its reason, and still
// reads the sound files (the project's own client is found). The time bound is a ceiling that catches the
// old behaviour (16-30 s, or never); the figures per case are in docs/BENCHMARKS.md.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { HOSTILE, writeProject } from '../support/hostile';
import { repo, runCli } from '../support/cli';

const CEILING_MS = 10_000;
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); }); // both suites' folders

describe('hostile files: a note, no crash, no hang', () => {
  for (const c of HOSTILE) {
    it(c.name, { skip: c.posix && process.platform === 'win32' ? 'needs FIFOs and /dev/zero' : false }, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
      dirs.push(dir);
      writeProject(dir);
      c.make(dir);
      const t0 = Date.now();
      const r = await runCli(['check', dir, '--format', 'json'], { timeout: CEILING_MS * 3 });
      const ms = Date.now() - t0;
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr.slice(-600)}`);
      assert.ok(ms < CEILING_MS, `took ${ms} ms`);
      if (c.note) assert.match(r.stderr, c.note);
      const report = JSON.parse(r.stdout) as { projects: unknown[] };
      assert.equal(report.projects.length, 1, 'the project is still found');
    });
  }
});

describe('command-line inputs that are not what they seem: one line, exit 2, never a stack trace', () => {
  const tmp = () => { const d = mkdtempSync(path.join(os.tmpdir(), 'hostile-cli-')); dirs.push(d); return d; };
  const oneLine = (r: { code: number; stderr: string }, message: RegExp) => {
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  };

  it('a folder named *.pem among bundle inputs is passed over; -o naming a folder or a full device is refused', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'in/sub.pem'), { recursive: true });
    copyFileSync(path.join(repo, 'test/data/bundle/input/rsa-root.pem'), path.join(d, 'in/root.pem'));
    mkdirSync(path.join(d, 'out.pem'));
    const ok = await runCli(['bundle', path.join(d, 'in'), '--format', 'pem', '-o', '-']);
    assert.equal(ok.code, 0, ok.stderr);
    oneLine(await runCli(['bundle', path.join(d, 'in'), '--format', 'pem', '-o', path.join(d, 'out.pem'), '--force']), /cannot write .*out\.pem: it is a folder/);
    if (existsSync('/dev/full')) oneLine(await runCli(['bundle', path.join(d, 'in'), '--format', 'pem', '-o', '/dev/full', '--force']), /cannot write \/dev\/full: no space left on the device/);
  });

  it('inspect and chain --ca of a link to /dev/zero are refused before reading', { skip: process.platform === 'win32' ? 'needs /dev/zero' : false }, async () => {
    const d = tmp();
    symlinkSync('/dev/zero', path.join(d, 'zero.pem'));
    oneLine(await runCli(['inspect', path.join(d, 'zero.pem')]), /cannot read .*zero\.pem: not a regular file \(a device\)/);
    oneLine(await runCli(['chain', 'localhost:1', '--ca', path.join(d, 'zero.pem')]), /cannot read .*zero\.pem: not a regular file/);
  });

  it('numbers out of range are refused, not wrapped', async () => {
    oneLine(await runCli(['chain', 'localhost:1', '--timeout', '2147483648']), /--timeout: 2147483648 ms is more than/);
    oneLine(await runCli(['decode', '-0x2700', '--flags', '123456789012345678901234']), /--flags: .* is more than 32 bits/);
  });

  it('a named file that cannot be read ends with exit 2', async () => {
    oneLine(await runCli(['check', path.join(tmp(), 'missing.c')]), /cannot read .*missing\.c/);
  });

  it('a file name with a newline or an escape code cannot forge a finding line in text output', { skip: process.platform === 'win32' ? 'such names are not allowed there' : false }, async () => {
    const d = tmp();
    writeProject(d);
    const name = 'evil\napp.c:1:1: error: forged [x]\x1b[31m.c';
    writeFileSync(path.join(d, 'main', name), 'esp_tls_cfg_t cfg = { .skip_common_name = true };\n');
    const r = await runCli(['check', d, '--format', 'text', '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.split('\n').every((l) => !l.startsWith('app.c:1:1: error: forged')), r.stdout);
    assert.match(r.stdout, /evil\\napp\.c:1:1: error: forged \[x\]\\x1b\[31m\.c:1:/);
  });
});
