// The page of the "TLS chain" panel (client/src/views/chainPanel.ts). It receives a ChainView with
// {type:'show', view} and builds the DOM with createElement/textContent only: subjects, SANs and names
// come from a remote server. Buttons post {type:'embed'|'bundle'|'forms'|'copy'|'save'} back to the extension.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');

  const SOURCE = { mozilla: 'Mozilla root (not sent by the server)', presented: 'sent by the server', extra: 'in the project (the config or a certificate file)' };
  const ROLE = { leaf: 'leaf', intermediate: 'intermediate', root: 'root (self-signed)', unrelated: 'not on the leaf’s path' };
  const MARK = { error: '✖', warning: '⚠', info: 'ℹ' };

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'show' && message.view) render(message.view);
  });
  vscode.postMessage({ type: 'ready' });

  function render(view) {
    root.replaceChildren(header(view), verdict(view), problems(view), actions(view), certificates(view));
  }

  function header(view) {
    const h = el('header', 'header');
    h.append(el('h1', '', serverText(view)));
    const meta = el('p', 'meta');
    meta.append(el('span', '', view.protocol || 'protocol unknown'), el('span', 'sep', ' · '),
      el('span', '', view.servername ? 'SNI ' + view.servername : '(no SNI)'));
    h.append(meta);
    if (!view.exactAsSent) {
      h.append(el('p', 'note', 'The certificate order below is what Node reports, not necessarily the order the server sent.'));
    }
    return h;
  }

  function verdict(view) {
    const s = el('section', 'verdict');
    s.append(el('p', 'verdict-line ' + (view.trusted ? 'good' : 'sev-error'),
      view.trusted ? '✔ Trusted: the chain leads to a known root' : '✖ Not trusted: no known root issued this chain'));
    if (view.anchor) s.append(el('p', '', 'Anchor: ' + view.anchor.name + ' — ' + (SOURCE[view.anchor.source] || view.anchor.source)));
    if (view.bundle) {
      const cmn = view.bundle.cmn === undefined || view.bundle.cmn === null ? 'unknown' : yesNo(view.bundle.cmn);
      s.append(el('p', 'bundle', 'In ESP-IDF ' + view.idf + ' default bundle: FULL ' + yesNo(view.bundle.full) + ' · CMN ' + cmn));
    }
    return s;
  }

  function problems(view) {
    const s = el('section', 'problems');
    if (!view.problems.length) {
      s.append(el('p', 'good', '✔ No problems found.'));
      return s;
    }
    s.append(el('h2', '', 'Problems'));
    const list = el('ul', 'problem-list');
    for (const p of view.problems) {
      const item = el('li', 'problem');
      item.append(el('span', 'marker sev-' + p.severity, MARK[p.severity] || '•'), el('span', 'message', p.message),
        el('span', 'problem-id', p.id));
      list.append(item);
    }
    s.append(list);
    return s;
  }

  function actions(view) {
    const s = el('section', 'actions');
    s.append(el('h2', '', 'Make the device trust this server'));
    if (view.client) s.append(el('p', 'client', 'For the TLS client ' + view.client.name + ' (' + view.client.struct + ') in ' + fileOf(view.client)));
    const boxes = view.embeddable.map(rootChoice);
    if (boxes.length) {
      const list = el('div', 'roots');
      list.append(...boxes.map((b) => b.label));
      s.append(list);
    } else s.append(el('p', 'note', 'There is no root certificate to embed.'));
    const row = el('div', 'buttons');
    const chosen = () => boxes.filter((b) => b.box.checked).map((b) => b.index);
    if (view.client) row.append(embedButton(view, boxes, chosen));
    if (boxes.length) {
      row.append(button('Bundle, C array, other forms…', 'secondary', () => vscode.postMessage({ type: 'forms', indices: chosen() })));
    }
    if (view.client && view.bundle && view.bundle.full) {
      row.append(button('Attach the ESP-IDF bundle instead', 'secondary', () => vscode.postMessage({ type: 'bundle' })));
    }
    const saveRoot = button('Save root as PEM…', 'secondary', () => vscode.postMessage({ type: 'save', what: 'root' }));
    saveRoot.disabled = !view.embeddable.length && !view.anchor;
    const saveChain = button('Save chain as PEM…', 'secondary', () => vscode.postMessage({ type: 'save', what: 'chain' }));
    saveChain.disabled = !view.certificates.length;
    row.append(saveRoot, saveChain);
    s.append(row);
    if (!view.client) s.append(el('p', 'note', 'Open the C file and run this from the TLS config (or its code lens) to embed the root into it.'));
    if (view.client && view.bundle && view.bundle.full && view.bundle.cmn === false) {
      s.append(el('p', 'note sev-warning', 'The bundle: this root is not in the CMN bundle: needs CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL.'));
    }
    return s;
  }

  function rootChoice(r, index) {
    const label = el('label', 'root-choice');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    label.append(box, el('span', '', r.name));
    return { label, box, index };
  }

  function embedButton(view, boxes, chosen) {
    const b = button('Embed selected root(s) in ' + view.client.name, 'primary', () => vscode.postMessage({ type: 'embed', indices: chosen() }));
    const sync = () => { b.disabled = chosen().length === 0; };
    for (const x of boxes) x.box.addEventListener('change', sync);
    sync();
    return b;
  }

  function certificates(view) {
    const s = el('section', 'certificates');
    s.append(el('h2', '', 'Certificates presented (' + view.certificates.length + ')'));
    view.certificates.forEach((c, i) => s.append(certCard(c, i)));
    if (view.anchor && view.anchor.source !== 'presented') s.append(anchorCard(view.anchor));
    return s;
  }

  function certCard(c, i) {
    const card = el('article', 'card');
    const title = el('h3', 'card-title');
    title.append(el('span', 'index', '#' + (i + 1)), el('span', 'role role-' + c.role, ROLE[c.role] || c.role),
      el('span', 'name', c.subjectCN || c.subject));
    card.append(title, fields([
      ['Subject', c.subject],
      ['Issuer', c.issuer],
      ['Validity', c.validity + ' (' + c.notBefore + ' – ' + c.notAfter + ')', 'validity-' + c.validityState],
      ['Key', c.key],
      ['Signature', c.signature],
      ['SANs', c.san.length ? c.san.join(', ') : '(none)'],
      ['SHA-256', c.sha256, 'mono'],
    ]), copyButton(i));
    return card;
  }

  function anchorCard(a) {
    const card = el('article', 'card anchor');
    const title = el('h3', 'card-title');
    title.append(el('span', 'index', 'anchor'), el('span', 'role role-root', SOURCE[a.source] || a.source), el('span', 'name', a.name));
    card.append(title, fields([['Subject', a.subject], ['Valid until', a.notAfter]]), copyButton(-1));
    return card;
  }

  function fields(rows) {
    const dl = el('dl', 'fields');
    for (const [name, value, cls] of rows) dl.append(el('dt', '', name), el('dd', cls || '', value));
    return dl;
  }

  function copyButton(index) {
    return button('Copy PEM', 'secondary small', () => vscode.postMessage({ type: 'copy', index }));
  }

  function button(text, cls, onClick) {
    const b = el('button', cls, text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function serverText(view) {
    return (view.host.includes(':') ? '[' + view.host + ']' : view.host) + ':' + view.port;
  }

  function fileOf(client) {
    const name = client.uri.split('/').pop() || client.uri;
    let file = name;
    try { file = decodeURIComponent(name); } catch { /* keep it encoded */ }
    return file + ':' + (client.position.line + 1);
  }

  function yesNo(b) {
    return b ? 'yes' : 'no';
  }
}());
