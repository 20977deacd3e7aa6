// Issue 20: Decode, Inspect and Check Server results are shown rendered (client/src/views/markdownHtml.ts):
// headings and lists as HTML, copy buttons on error codes, options and PEM blocks, and nothing a log line or
// a certificate field holds can become markup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Analyzer } from '../../server/src/analyzer';
import { markdownToHtml } from '../../client/src/views/markdownHtml';

describe('the rendered result view', () => {
  it('renders the explanation of -0x2700 with a copy button for each code', () => {
    const { markdown } = new Analyzer().explain('-0x2700');
    const { html, copies } = markdownToHtml(markdown);
    assert.match(html, /<h1>|<h2>|<p>/);
    assert.doesNotMatch(html, /\*\*|\\_/); // no raw Markdown left
    assert.ok(copies.includes('-0x2700'), JSON.stringify(copies));
    assert.ok(copies.some((c) => c.startsWith('MBEDTLS_ERR_')), JSON.stringify(copies));
    for (const [i, text] of copies.entries()) assert.ok(html.includes(`data-copy="${i}"`), text);
  });

  it('gives a PEM block one copy button holding the whole block', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const { html, copies } = markdownToHtml(`# Root\n\n\`\`\`\n${pem}\`\`\`\n`);
    assert.deepEqual(copies, [pem]);
    assert.match(html, /title="Copy the PEM"/);
  });

  it('shows markup from a log line or a certificate as text', () => {
    const { html } = markdownToHtml('Line 3: `<img src=x onerror=alert(1)>` and <script>alert(1)</script> [x](javascript:alert(1))');
    assert.doesNotMatch(html, /<script>|<img|href="javascript:/);
    assert.match(html, /&lt;script&gt;/);
  });
});
