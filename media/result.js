// The page of the result view (client/src/views/resultPanel.ts): a copy button posts its index; the
// extension holds the text and writes the clipboard.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button.copy');
    if (!button) return;
    vscode.postMessage({ copy: Number(button.dataset.copy) });
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
}());
