// The replay set (docs/REPLAY.md): 30 public, resolved ESP32 TLS failure reports, each stored as our own
// reconstruction of the log lines that mattered (test/fixtures/replay/<id>.log, same line shapes, neutral
// hosts and times) with the accepted cause. Each was scored 0/1/2 by hand against the explanation; this
// test holds the explanation to the phrase the score rests on, so a change that loses a cause fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { explainLogExcerpt } from '../../server/src/rules/logTlsFailure';
import { contextOf } from '../support/analyse';

interface Report { id: string; url: string; category: string; cause: string; score: 0 | 1 | 2; expect: string }

const dir = path.resolve(__dirname, '../fixtures/replay');
const reports: Report[] = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));

describe('replay set: from what the device printed to the cause', () => {
  for (const r of reports) {
    it(`${r.id} (${r.category}, scored ${r.score})`, () => {
      const explained = explainLogExcerpt(contextOf([]), readFileSync(path.join(dir, `${r.id}.log`), 'utf8'));
      assert.ok(explained, 'the excerpt holds a TLS failure we read');
      assert.match(explained, new RegExp(r.expect, 'm'));
    });
  }

  it('keeps the score recorded in docs/REPLAY.md', () => {
    const total = reports.reduce((n, r) => n + r.score, 0);
    assert.equal(reports.length, 30);
    assert.equal(total, 54);
    assert.match(readFileSync(path.resolve(__dirname, '../../docs/REPLAY.md'), 'utf8'), /\*\*54 of 60 points\*\*/);
  });
});
