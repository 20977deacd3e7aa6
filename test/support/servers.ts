// Local servers for network tests (loopback only): every server and socket is tracked so that
// closeAll() ends them all, even sockets a hostile test server leaves open.
import net from 'node:net';
import tls from 'node:tls';

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

/** Listens on a free port of `host` and returns the port. */
export function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  servers.push(server);
  server.on('connection', (s: net.Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

export async function closeAll(): Promise<void> {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}

/** A TLS server presenting `certPem` (one or more PEM blocks, in order) that closes each connection
 *  after the handshake; client-side handshake failures are expected in these tests, not errors. */
export function tlsServer(certPem: string, key: string, extra: tls.TlsOptions = {}): tls.Server {
  const server = tls.createServer({ key, cert: certPem, ...extra }, (s) => s.end());
  server.on('tlsClientError', () => undefined);
  return server;
}
