// Reads "which server" from text a person selected or typed: host, host:port, [v6]:port or a TLS URL.
// No `vscode` import, so node unit tests can load it; the parsing itself is the server's, so both sides
// agree on default ports (server/src/net/address.ts).
import { isIP } from 'node:net';
import { formatServerAddress, parseServerAddress } from '../../server/src/net/address';

export interface HostPort { host: string; port: number }

/** The server in `text` (brackets removed from IPv6 addresses), or undefined when it names none. */
export function parseServer(text: string): HostPort | undefined {
  return parseServerAddress(unquote(text));
}

/** "host:port", with brackets around an IPv6 address. */
export function formatServer(target: { host: string; port?: number }): string {
  return formatServerAddress({ host: target.host, port: target.port ?? 443 });
}

/** Why `text` names no server, for an input box; undefined when it does. */
export function serverTextProblem(text: string): string | undefined {
  const t = unquote(text);
  if (!t) return 'Type a host name, host:port or a URL (https://, mqtts://, wss://, ssl://)';
  if (parseServerAddress(t)) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(t)?.[1];
  if (scheme && !parseServerAddress(`${scheme}://localhost`)) return `${scheme}:// is not a TLS scheme: use https://, mqtts://, wss:// or ssl://`;
  const port = /:(\d+)(?:[/?#]|$)/.exec(t)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return 'The port must be a number from 1 to 65535';
  return `'${t}' is not a host name, host:port, [IPv6]:port or URL`;
}

/** A selection that looks like a server, not any word or number: it has a dot, a colon or a scheme, or is localhost. */
export function looksLikeServer(text: string): boolean {
  const t = unquote(text);
  const address = parseServerAddress(t);
  if (!address || (/^[\d.]+$/.test(address.host) && !isIP(address.host))) return false; // 3.14 is a number
  return /[.:]/.test(t) || address.host === 'localhost';
}

/** Drops the quotes of a C string literal someone selected with its text. */
function unquote(text: string): string {
  return text.trim().replace(/^"(.*)"$/s, '$1').trim();
}
