// Which server a network command talks to: the code lens's argument, a host or URL selected in the
// editor, the TLS client under the cursor, or else what the person types. A client found without a host
// (URL built at run time) still receives the edits: its uri and anchor stay on the target.
import * as vscode from 'vscode';
import { Methods, type ClientAtParams, type ClientAtResult, type ServerTarget } from '../../../server/src/protocol';
import type { Ctx } from '../context';
import { looksLikeServer, parseServer, serverTextProblem } from '../serverText';

type Position = { line: number; character: number };

/** A command argument that is a ServerTarget (a string host; uri and position only when well-formed). */
export function asServerTarget(arg: unknown): ServerTarget | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as Record<string, unknown>;
  if (typeof a.host !== 'string') return undefined;
  const target: ServerTarget = { host: a.host };
  if (typeof a.port === 'number' && Number.isInteger(a.port) && a.port > 0 && a.port < 65536) target.port = a.port;
  if (typeof a.servername === 'string' && a.servername) target.servername = a.servername;
  if (typeof a.uri === 'string' && isPosition(a.position)) Object.assign(target, { uri: a.uri, position: a.position });
  return target;
}

/** The server to talk to, or undefined when the person cancelled the input box. */
export async function resolveTarget(ctx: Ctx, title: string, arg?: ServerTarget): Promise<ServerTarget | undefined> {
  if (arg?.host) return arg;
  const editor = vscode.window.activeTextEditor;
  const at = arg?.uri && arg.position ? { uri: arg.uri, position: arg.position } : editorPosition(editor);
  const selected = arg ? undefined : selectionText(editor);
  if (selected && looksLikeServer(selected)) return fromSelection(ctx, selected, at);
  const client = at ? await clientAt(ctx, at) : undefined;
  if (client?.host) return { host: client.host, port: client.port ?? portOf(client.url), uri: at!.uri, position: client.position };
  // A client without a host (URL built at run time), or the lens's client: what is typed applies to it.
  const keep = client ? { uri: at!.uri, position: client.position } : arg?.uri ? at : undefined;
  return askForServer(title, prefill(client, selected), keep ?? {});
}

/** A selected host or URL; it keeps the client under the cursor when that client names the same host. */
async function fromSelection(ctx: Ctx, text: string, at: ClientAtParams | undefined): Promise<ServerTarget> {
  const { host, port } = parseServer(text)!;
  const client = at ? await clientAt(ctx, at) : undefined;
  return client?.host === host ? { host, port, uri: at!.uri, position: client.position } : { host, port };
}

async function clientAt(ctx: Ctx, params: ClientAtParams): Promise<ClientAtResult | undefined> {
  try {
    return (await ctx.client?.sendRequest<ClientAtResult | null>(Methods.clientAt, params)) ?? undefined;
  } catch (e) {
    ctx.log.warn(`no TLS client found at ${params.uri}:${params.position.line + 1}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function askForServer(title: string, value: string, keep: Partial<ServerTarget>): Promise<ServerTarget | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: 'host, host:port or URL',
    placeHolder: 'example.com, example.com:8883, [2001:db8::1]:443, mqtts://broker.example.com',
    value,
    valueSelection: value.startsWith(':') ? [0, 0] : undefined,
    ignoreFocusOut: true,
    validateInput: serverTextProblem,
  });
  const address = text === undefined ? undefined : parseServer(text);
  return address && { ...keep, ...address };
}

/** What the input box starts with: the client's URL or port, or the selected text. */
function prefill(client: ClientAtResult | undefined, selected: string | undefined): string {
  if (client?.url) return client.url;
  if (client?.port) return `:${client.port}`;
  return selected && selected.length < 256 && !selected.includes('\n') ? selected : '';
}

/** The port a client's URL implies (8883 for mqtts://) when the server named none. */
function portOf(url: string | undefined): number | undefined {
  return url ? parseServer(url)?.port : undefined;
}

function editorPosition(editor: vscode.TextEditor | undefined): ClientAtParams | undefined {
  if (!editor) return undefined;
  const { line, character } = editor.selection.active;
  return { uri: editor.document.uri.toString(), position: { line, character } };
}

function selectionText(editor: vscode.TextEditor | undefined): string | undefined {
  if (!editor || editor.selection.isEmpty) return undefined;
  const text = editor.document.getText(editor.selection).trim();
  return text.length <= 2048 ? text : undefined;
}

function isPosition(p: unknown): p is Position {
  const o = p as Partial<Position> | null;
  return !!o && typeof o === 'object' && Number.isInteger(o.line) && Number.isInteger(o.character);
}
