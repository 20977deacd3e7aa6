// The server's Markdown as HTML for the result view: markdown-it with raw HTML off (the text can quote a
// log line or a certificate field a stranger wrote), and a copy button after each code block (PEM, a log
// excerpt) and each inline error code, option or symbol (-0x2700, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED,
// CONFIG_MBEDTLS_CERTIFICATE_BUNDLE), whose text the page hands back by index.
import MarkdownIt from 'markdown-it';

/** Inline code worth a copy button: an error code or name, a Kconfig option, a C symbol. */
const COPYABLE = /^(-?0x[0-9A-Fa-f]{2,8}|-\d{3,5}|(MBEDTLS|ESP|PSA)_[A-Z0-9_]+|CONFIG_[A-Z0-9_]+|[a-z_][a-z0-9_]*_(start|end|buf|bundle_attach))$/;

export interface RenderedMarkdown { html: string; copies: string[] }

export function markdownToHtml(markdown: string): RenderedMarkdown {
  const copies: string[] = [];
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  const escape = md.utils.escapeHtml;
  const button = (text: string, label: string) => `<button class="copy" data-copy="${copies.push(text) - 1}" title="Copy ${escape(label)}" aria-label="Copy ${escape(label)}">Copy</button>`;
  md.renderer.rules.code_inline = (tokens, i) => {
    const text = tokens[i].content;
    return `<code>${escape(text)}</code>${COPYABLE.test(text) ? button(text, text) : ''}`;
  };
  const block = (text: string, what: string) => `<div class="block"><pre><code>${escape(text)}</code></pre>${button(text, what)}</div>`;
  md.renderer.rules.fence = (tokens, i) => block(tokens[i].content, /-----BEGIN /.test(tokens[i].content) ? 'the PEM' : 'the block');
  md.renderer.rules.code_block = (tokens, i) => block(tokens[i].content, 'the block');
  return { html: md.render(markdown), copies };
}
