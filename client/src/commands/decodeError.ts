// ESP-IDF TLS: Decode mbedTLS Error. Takes any form a log or the code shows (-0x2700, -9984, 0x801A,
// MBEDTLS_ERR_..., ESP_ERR_..., PSA status codes), or a log excerpt (a multi-line selection, a terminal
// link's line), from the selection or an input box, and shows the explanation in the rendered result view.
import * as vscode from 'vscode';
import { Methods, type DecodeParams, type DecodeResponse } from '../../../server/src/protocol';
import type { Ctx } from '../context';
import { ResultPanel } from '../views/resultPanel';

export async function decodeError(ctx: Ctx, input?: string): Promise<DecodeResponse | undefined> {
  if (!ctx.running || !ctx.client) return ctx.notRunning('decode an error');
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : undefined;
  // A selected log excerpt (several lines) is explained as it is; a short selection fills the input box.
  const code = input ?? (selected?.includes('\n') ? selected : undefined) ?? (await vscode.window.showInputBox({
    title: 'ESP-IDF TLS: Decode mbedTLS Error',
    prompt: 'An mbedTLS, ESP-TLS or PSA error (-0x2700, -9984, 0x801A, -141, MBEDTLS_ERR_SSL_..., ESP_ERR_...), a verify-flag mask, or a log line',
    value: selected && selected.length < 64 ? selected : undefined,
    validateInput: (v) => (v.trim() ? undefined : 'Type a code or a name'),
  }));
  if (!code) return undefined;
  const params: DecodeParams = { input: code.trim(), uri: editor?.document.uri.toString() };
  const result = await ctx.client.sendRequest<DecodeResponse>(Methods.decode, params);
  const first = code.trim().split(/\r?\n/)[0];
  ResultPanel.show(ctx, `Decode: ${first.length > 40 ? `${first.slice(0, 39)}…` : first}`, result.markdown);
  return result;
}
