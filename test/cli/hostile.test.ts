// Issue 19: hostile files never crash, hang or slow the check. Each case (test/support/hostile.ts) is one
// file shape that once did, written into an otherwise sound minimal project and checked with dist/cli.js as
// a user would: the check ends (no crash: exit 0 or 1), names the refused file with its reason, and still
// reads the sound files (the project's own client is found). The time bound is a ceiling that catches the
// old behaviour (16-30 s, or never); the figures per case are in docs/BENCHMARKS.md.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { HOSTILE, writeProject } from '../support/hostile';
import { runCli } from '../support/cli';

const CEILING_MS = 10_000;
const dirs: string[] = [];

describe('hostile files: a note, no crash, no hang', () => {
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
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
