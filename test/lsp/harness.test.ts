// Issue 20: a test that cannot start its server fails in seconds with the reason, and leaves no process
// behind (the LSP suites once hung for 13 minutes on a server a failed hook never stopped).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TestClient } from '../support/lsp';

describe('the LSP test harness', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-harness-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails at once, with the server\'s own error, when the server cannot start', async () => {
    const t0 = Date.now();
    const client = new TestClient(path.join(dir, 'missing-server.js'));
    await assert.rejects(client.initialize(dir), /exited \(code 1\)[\s\S]*Cannot find module/);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.equal(client.exited, true);
  });

  it('fails after its time limit and kills a server that never answers', async () => {
    const silent = path.join(dir, 'silent-server.js');
    writeFileSync(silent, 'setInterval(() => {}, 1000);\n');
    const client = new TestClient(silent, 1000);
    await assert.rejects(client.initialize(dir), /did not answer initialize within 1 s/);
    await client.shutdown(); // returns although the server never answered: it was killed
    assert.equal(client.exited, true);
  });
});
