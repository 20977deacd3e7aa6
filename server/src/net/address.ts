// Reads "which server" from what people and firmware write: host, host:port, [v6]:port, or a URL
// (https://, mqtts://, wss://, ssl://). Shared by the server (URLs in C) and the editor (selections,
// input boxes), so both sides agree on default ports. No `vscode` import: the client bundles it.
import { isIP } from 'node:net';

export interface ServerAddress { host: string; port: number }

/** Ports ESP-IDF's clients use when a URL names none (esp_http_client, esp-mqtt, esp_websocket_client). */
const DEFAULT_PORTS: Record<string, number> = { https: 443, wss: 443, mqtts: 8883, ssl: 8883, tls: 443 };

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/** The server in `text`, or undefined when it is not a host, host:port or URL (plain-text schemes included). */
export function parseServerAddress(text: string, fallbackPort = 443): ServerAddress | undefined {
  let rest = text.trim();
  let port = fallbackPort;
  const url = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(rest);
  if (url) {
    const scheme = url[1].toLowerCase();
    if (!(scheme in DEFAULT_PORTS)) return undefined; // http://, mqtt://, ws://: no TLS to look at
    port = DEFAULT_PORTS[scheme];
    rest = url[2].replace(/^[^@/]*@/, '').replace(/[/?#].*$/, '');
  }
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(rest);
  let host = rest;
  let portText: string | undefined;
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else if (isIP(rest) !== 6) {
    const m = /^([^:]+)(?::(\d+))?$/.exec(rest);
    if (!m) return undefined;
    host = m[1];
    portText = m[2];
  }
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  }
  if (!isIP(host) && !HOST_NAME.test(host)) return undefined;
  return { host: host.replace(/\.$/, ''), port };
}

/** "host:port", with brackets around IPv6 addresses. */
export function formatServerAddress(a: ServerAddress): string {
  return `${isIP(a.host) === 6 ? `[${a.host}]` : a.host}:${a.port}`;
}
