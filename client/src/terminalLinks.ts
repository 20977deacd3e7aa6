// TLS failure lines in the integrated terminal (where `idf.py monitor` and Espressif's extension print the
// device's log) become links that open the same explanation as the Decode command. The match is a cheap
// pattern here; the server reads the line with the full log reader when the link is followed.
import * as vscode from 'vscode';
import type { Ctx } from './context';

/** The part worth a link: an mbedTLS/PSA code after "returned"/"error=", a bare -0x code, or a failure message. */
const LINKABLE = /(?:mbedtls_\w+(?:\(\))?,? returned |error=)(-?(?:0[xX])?[0-9A-Fa-f]+)|\((-0x[0-9A-Fa-f]{2,4})\)|(Failed to verify peer certificate!|No matching trusted root certificate found|Certificate matched(?: with .*)? but signature verification failed|No server verification option set[^.]*)/;

export interface TlsTerminalLink extends vscode.TerminalLink { line: string }

export class TlsTerminalLinks implements vscode.TerminalLinkProvider<TlsTerminalLink> {
  constructor(private readonly explain: (line: string) => Thenable<unknown>) {}

  provideTerminalLinks(context: vscode.TerminalLinkContext): TlsTerminalLink[] {
    const m = LINKABLE.exec(context.line);
    if (!m) return [];
    const text = m[1] ?? m[2] ?? m[3];
    const startIndex = m.index + m[0].lastIndexOf(text);
    return [{ startIndex, length: text.length, tooltip: 'Explain this TLS failure (ESP-IDF TLS Lens)', line: context.line }];
  }

  handleTerminalLink(link: TlsTerminalLink): void {
    void this.open(link);
  }

  /** What following the link does (the explanation, as the Decode command returns it). */
  open(link: TlsTerminalLink): Thenable<unknown> {
    return this.explain(link.line);
  }
}

export function registerTerminalLinks(ctx: Ctx): TlsTerminalLinks {
  const provider = new TlsTerminalLinks((line) => vscode.commands.executeCommand('espTlsLens.decodeError', line.trim()));
  ctx.own(vscode.window.registerTerminalLinkProvider(provider));
  return provider;
}
