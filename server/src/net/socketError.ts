// A socket error in words, for every request that connects (fetchChain, the device's handshake).

/** What a socket error means, in words (the code stays in brackets for a search): "the name does not resolve (ENOTFOUND)". */
export function socketErrorText(e: NodeJS.ErrnoException): string {
  const meaning: Record<string, string> = {
    ENOTFOUND: 'the host name does not resolve', EAI_AGAIN: 'the host name could not be resolved now (DNS)',
    ECONNREFUSED: 'the connection was refused (nothing listens on that port)', ECONNRESET: 'the server reset the connection',
    EHOSTUNREACH: 'the host is unreachable', ENETUNREACH: 'the network is unreachable', ETIMEDOUT: 'the connection timed out',
    EPIPE: 'the server closed the connection',
  };
  const text = e.code ? meaning[e.code] : undefined;
  return text ? `${text} (${e.code})` : e.code ?? e.message;
}
