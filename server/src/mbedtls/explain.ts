// What usually causes the codes people hit on an ESP32, and what to do, in our own words; each hint
// points at the rule (server/src/rules/catalogue.ts) or command that helps.
import type { MbedtlsVersion } from './catalogue';

export interface Hint {
  text: string;
  /** A rule id of server/src/rules/catalogue.ts that finds the cause in the project. */
  rule?: string;
  /** A shell command that shows the cause. */
  command?: string;
}

export interface Explanation { explanation: string; hints: Hint[] }

interface Context {
  version: MbedtlsVersion;
  /** X.509 verify flags, when known (for -0x2700). */
  flags?: number;
}

const SHOW_CHAIN = 'openssl s_client -showcerts -connect host:443';
const chainHint = (what = 'Look at the chain the server sends'): Hint => ({
  text: `${what} (${SHOW_CHAIN}) and compare it with the CA the device trusts.`,
  command: SHOW_CHAIN,
});

/** Per verify flag bit: what it usually means on an ESP32 (for -0x2700 and for flag masks). */
export const FLAG_EXPLANATIONS: Record<number, Explanation> = {
  0x08: {
    explanation: 'NOT_TRUSTED: the chain the server sent does not lead to a CA the device trusts. Usual causes: the firmware pins the server\'s own (leaf) certificate or an intermediate that has since been renewed, the embedded root is not the one that signed the server\'s chain (the site changed CA), the server does not send its intermediate, or the CA is missing from the certificate bundle in use (e.g. the "common" bundle, or a custom bundle).',
    hints: [
      { text: 'Trust the root CA, not the server certificate or an intermediate.', rule: 'cert-leaf-as-trust-anchor' },
      { text: 'A pinned intermediate breaks when the CA rotates it.', rule: 'cert-intermediate-as-trust-anchor' },
      { text: 'Give every client a verification source that follows CA changes: the ESP-IDF certificate bundle (crt_bundle_attach = esp_crt_bundle_attach) or the right root.', rule: 'tls-no-server-verification' },
      chainHint(),
    ],
  },
  0x04: {
    explanation: 'CN_MISMATCH: the certificate is valid but not for the name the device asked for. Usual causes: connecting by IP address or by another host name than the certificate\'s CN/SAN, a wrong common_name in the config, a placeholder host name in mbedtls_ssl_set_hostname (e.g. "localhost"), or, with Mbed TLS 2.28 (ESP-IDF v4.x), an IP address that is only in the certificate\'s SAN (2.28 cannot match IP SANs; 3.6 can).',
    hints: [
      { text: 'Pass the real server name to mbedtls_ssl_set_hostname (esp-tls does it from the URL host or common_name).', rule: 'mbedtls-hostname-missing' },
      chainHint('Look at the names in the server certificate'),
    ],
  },
  0x01: {
    explanation: 'EXPIRED: a certificate in the chain (often the pinned CA compiled into the firmware) is past its notAfter date, or the device clock is far ahead.',
    hints: [
      { text: 'Replace the expired certificate compiled into the firmware.', rule: 'cert-expired' },
      { text: 'Set the clock (SNTP) before the handshake.', rule: 'sdkconfig-clock-never-set' },
    ],
  },
  0x200: {
    explanation: 'FUTURE: a certificate is not valid yet by the device clock. On an ESP32 this nearly always means the clock was never set (it starts in 1970) while CONFIG_MBEDTLS_HAVE_TIME_DATE checks dates.',
    hints: [
      { text: 'Sync the time with SNTP (esp_netif_sntp / esp_sntp) and wait for it before connecting.', rule: 'sdkconfig-clock-never-set' },
      { text: 'A certificate whose notBefore is really in the future.', rule: 'cert-not-yet-valid' },
    ],
  },
  0x4000: {
    explanation: 'BAD_MD: a certificate is signed with a hash the verification profile refuses or sdkconfig disables (e.g. SHA-1, or SHA-512 turned off).',
    hints: [{ text: 'Enable the hash in sdkconfig or use a certificate signed with SHA-256.', rule: 'cert-algorithm-disabled' }, { text: 'MD5/SHA-1 signatures.', rule: 'cert-weak' }],
  },
  0x8000: {
    explanation: 'BAD_PK: a certificate is signed with a key type the build does not accept (e.g. an ECDSA chain with ECDSA disabled, or RSA-PSS).',
    hints: [{ text: 'Enable the key type in sdkconfig.', rule: 'cert-algorithm-disabled' }],
  },
  0x10000: {
    explanation: 'BAD_KEY: a certificate\'s key is refused: an RSA key shorter than 2048 bits, or an elliptic curve that sdkconfig disables (e.g. secp384r1 or secp521r1 off).',
    hints: [{ text: 'Enable the curve in sdkconfig.', rule: 'cert-algorithm-disabled' }, { text: 'Short RSA keys.', rule: 'cert-weak' }],
  },
  0x40: {
    explanation: 'MISSING: the peer sent no certificate (for a server: a client that authenticates with none).',
    hints: [],
  },
  0x80: {
    explanation: 'SKIP_VERIFY: verification was skipped (authmode VERIFY_NONE, or OPTIONAL without a CA).',
    hints: [{ text: 'Require verification.', rule: 'mbedtls-verify-disabled' }],
  },
  0x800: {
    explanation: 'KEY_USAGE: the certificate\'s keyUsage does not allow what it is used for (e.g. a CA or client certificate served as a server certificate).',
    hints: [chainHint()],
  },
  0x1000: {
    explanation: 'EXT_KEY_USAGE: the certificate\'s extendedKeyUsage does not include serverAuth (or clientAuth for a client certificate).',
    hints: [chainHint()],
  },
};

const EXPLANATIONS: Record<number, (c: Context) => Explanation> = {
  0x2700: ({ flags }) => {
    const known = flags === undefined ? [] : Object.keys(FLAG_EXPLANATIONS).map(Number).filter((bit) => flags & bit);
    if (known.length) {
      return {
        explanation: 'The server\'s certificate chain failed verification. ' + known.map((b) => FLAG_EXPLANATIONS[b].explanation).join(' '),
        hints: dedupe(known.flatMap((b) => FLAG_EXPLANATIONS[b].hints)),
      };
    }
    return {
      explanation: 'The server\'s certificate chain failed verification. The verify flags say why: esp-tls logs them as "verification info" (debug level) and returns them in esp_tls_get_and_clear_last_error(..., &flags); with raw mbedTLS call mbedtls_ssl_get_verify_result(). The usual flag is NOT_TRUSTED (0x08: the CA compiled in does not match the server\'s chain), then CN_MISMATCH (0x04: wrong host name), FUTURE (0x200: the clock was never set) and EXPIRED (0x01). Decode the flags too (esp-tls-lens decode -0x2700 --flags 0x8).',
      hints: [
        { text: 'A server certificate given as the CA only verifies that one certificate, until it is renewed.', rule: 'cert-leaf-as-trust-anchor' },
        { text: 'Use the ESP-IDF certificate bundle or the server\'s root CA.', rule: 'tls-no-server-verification' },
        { text: 'Set the clock before the handshake.', rule: 'sdkconfig-clock-never-set' },
        chainHint(),
      ],
    };
  },
  0x2180: () => ({
    explanation: 'mbedtls_x509_crt_parse could not read the certificate. On ESP-IDF this is nearly always a PEM buffer without its terminating NUL: mbedTLS only treats a buffer as PEM when its last byte is 0, so a PEM embedded with EMBED_FILES (not EMBED_TXTFILES), or a length from strlen() or end - start that leaves the NUL out, is parsed as DER and fails here. Other causes: C string literals whose lines lack "\\n", a truncated or hand-edited certificate, or a DER file passed as PEM.',
    hints: [
      { text: 'Embed PEM files with EMBED_TXTFILES and pass the length including the NUL (end - start).', rule: 'pem-not-nul-terminated' },
      { text: 'Broken base64, missing BEGIN/END lines, literal pieces missing their \\n.', rule: 'cert-malformed' },
    ],
  }),
  0x3D00: () => ({
    explanation: 'mbedtls_pk_parse_key could not read the private key: as with certificates, a PEM key without its terminating NUL (EMBED_FILES, or a length that drops the NUL) is parsed as DER and fails; also an encrypted key without its password, or a key type the build does not support.',
    hints: [{ text: 'Embed the key with EMBED_TXTFILES and pass the length including the NUL.', rule: 'pem-not-nul-terminated' }],
  }),
  0x3000: () => ({
    explanation: 'Verification stopped with a fatal error. On ESP-IDF the usual source is the certificate bundle\'s verify callback: when no CA in the bundle signed the server\'s chain it logs "Failed to verify certificate" (or "No certificates in bundle") and returns this code. So the server\'s root is not in the bundle you built (e.g. the "common" bundle, or a custom bundle without it), or the server sends an incomplete chain. Rarely: a chain longer than MBEDTLS_X509_MAX_INTERMEDIATE_CA.',
    hints: [
      { text: 'Use the full bundle (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL) or add the server\'s root to a custom bundle.', rule: 'sdkconfig-bundle-unavailable' },
      { text: 'A custom bundle that is missing, empty or has certificates gen_crt_bundle.py skips.', rule: 'sdkconfig-custom-bundle-invalid' },
      chainHint('Look at the chain the server sends and which root it ends at'),
    ],
  }),
  0x7780: () => ({
    explanation: 'The server sent a fatal TLS alert and ended the handshake: it rejected what the device offered. Usual causes on an ESP32: no cipher suite, curve or TLS version in common (sdkconfig trimmed them, or the server only accepts TLS 1.3 while it is off), the server needs SNI but the client skipped it (skip_common_name, or connecting by IP), or the server requires a client certificate (mutual TLS) that was not sent or not accepted. The mbedTLS debug log (CONFIG_MBEDTLS_DEBUG) shows the alert number.',
    hints: [
      { text: 'Check what sdkconfig leaves to offer.', rule: 'sdkconfig-no-common-ciphersuite' },
      { text: 'Keep SNI: do not skip the host name.', rule: 'tls-hostname-check-skipped' },
      { text: 'What the server accepts.', command: 'openssl s_client -connect host:443 -tls1_2' },
    ],
  }),
  0x7880: () => ({
    explanation: 'The server closed the TLS connection cleanly (close_notify). After a request this is just the end of the connection (server finished, keep-alive timeout). During the handshake or right after it, the server dropped the device on purpose, e.g. it rejected the SNI name, the client certificate, or the offered parameters.',
    hints: [
      { text: 'Treat it as end of stream when reading; reconnect for the next request.' },
      { text: 'If it happens during the handshake, check what sdkconfig offers.', rule: 'sdkconfig-no-common-ciphersuite' },
    ],
  }),
  0x7F00: () => ({
    explanation: 'mbedTLS ran out of heap. A TLS connection needs about 2 x 16 KB record buffers plus the certificate chain and handshake state (often 35-50 KB), so this shows up with several connections at once, a big certificate chain, or a fragmented heap.',
    hints: [
      { text: 'Free heap before connecting; allow mbedTLS to use PSRAM (CONFIG_MBEDTLS_EXTERNAL_MEM_ALLOC) or dynamic buffers (CONFIG_MBEDTLS_DYNAMIC_BUFFER); open fewer connections at once.' },
      { text: 'Shrinking CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN saves RAM but servers that send full 16 KB records then fail with -0x7200.', rule: 'sdkconfig-record-size-too-small' },
    ],
  }),
  0x7280: () => ({
    explanation: 'The server closed the TCP connection in the middle of the handshake, without a TLS alert. Usual causes: the port does not speak TLS (a plain http://, ws:// or mqtt:// server, or the wrong port), a firewall or proxy cuts the connection, or the server drops clients whose SNI or offer it does not accept.',
    hints: [
      { text: 'Check the URL scheme and port: TLS needs https://, wss://, mqtts:// and their ports (443, 8883).' },
      { text: 'What the server accepts.', command: 'openssl s_client -connect host:443' },
    ],
  }),
  0x7100: () => ({
    explanation: 'mbedTLS was called with input it rejects: a host name longer than 255 bytes (mbedtls_ssl_set_hostname), a zero length or NULL buffer, or an SSL context used before mbedtls_ssl_setup() or after it was freed (raw mbedTLS code, or a connection reused after close).',
    hints: [{ text: 'Check the arguments of the failing call, and that each connection gets a fresh, set-up context.' }],
  }),
  0x7180: () => ({
    explanation: 'A received record failed its integrity check: the data was changed on the way (a proxy or middlebox rewriting traffic) or corrupted on the device (heap corruption, or memory that the crypto accelerator reads being freed early). Rarely a faulty server.',
    hints: [{ text: 'Retry on another network; if it persists, check heap integrity (CONFIG_HEAP_POISONING_COMPREHENSIVE).' }],
  }),
  0x6C00: ({ version }) => ({
    explanation: version === '3.6'
      ? 'An internal error in a lower-level module. On ESP-IDF v5.x the usual causes: TLS 1.3 in a release whose esp-tls does not support it (v5.0, v5.1: turn CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 off), PSA crypto used before psa_crypto_init() (raw mbedTLS code with TLS 1.3), or a crypto call failing for lack of heap.'
      : 'An internal error in a lower-level module: usually a crypto call that failed (often for lack of heap) in the middle of the handshake.',
    hints: [{ text: 'Check free heap before connecting; with raw mbedTLS and TLS 1.3, call psa_crypto_init() first.' }],
  }),
  0x0010: () => ({
    explanation: 'The big-number code ran out of heap during RSA or ECC arithmetic: a 4096-bit RSA key or certificate, or several handshakes at once on a small heap.',
    hints: [{ text: 'Free heap before connecting (CONFIG_MBEDTLS_DYNAMIC_BUFFER, mbedTLS in PSRAM), or use a server certificate with an ECDSA P-256 or RSA-2048 key.' }],
  }),
  0x2780: () => ({
    explanation: 'The certificate buffer is neither PEM nor DER that mbedTLS can read: usually a PEM without its terminating NUL given with a length that excludes it, a file that is not a certificate (a key, a CSR, HTML), or a buffer pointer or length that is wrong.',
    hints: [{ text: 'Embed PEM with EMBED_TXTFILES and count the NUL.', rule: 'pem-not-nul-terminated' }],
  }),
  0x1280: () => ({
    explanation: 'The private key is encrypted with an algorithm this build does not support (PEM "Proc-Type: 4,ENCRYPTED" with DES or AES), or needs a password that was not given.',
    hints: [{ text: 'Store the key unencrypted in an encrypted NVS partition or flash-encrypted image, or convert it: openssl pkey -in key.pem -out key-plain.pem.' }],
  }),
  0x1F00: () => ({
    explanation: 'The key is a PKCS#12 or PKCS#8 encrypted key whose encryption scheme this build lacks (often PBES2 or a cipher turned off in sdkconfig).',
    hints: [{ text: 'Decrypt the key once on a computer (openssl pkey -in key.pem -out key-plain.pem) and protect it on the device with flash encryption instead.' }],
  }),
  0x7200: () => ({
    explanation: 'A TLS record did not fit or could not be read. On an ESP32 the usual cause is CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN set below 16384 (to save RAM) while the server sends full-size records (certificate chains, file downloads); most servers ignore the max_fragment_length extension.',
    hints: [{ text: 'Set CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN to 16384 (or use CONFIG_MBEDTLS_DYNAMIC_BUFFER to save RAM instead).', rule: 'sdkconfig-record-size-too-small' }],
  }),
  0x6E00: ({ version }) => version === '3.6'
    ? {
      explanation: 'The handshake negotiation failed (Mbed TLS 3.x): the two sides found nothing to agree on, such as cipher suite, signature algorithm, group or TLS version, or the server\'s certificate key does not fit what was offered.',
      hints: [
        { text: 'Check what sdkconfig leaves to offer.', rule: 'sdkconfig-no-common-ciphersuite' },
        { text: 'What the server accepts.', command: 'openssl s_client -connect host:443' },
      ],
    }
    : {
      explanation: 'In Mbed TLS 2.28 (ESP-IDF v4.x) this value means the server\'s NewSessionTicket message could not be processed: usually a session-ticket problem (CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS / CONFIG_MBEDTLS_CLIENT_SSL_SESSION_TICKETS) or running out of memory while storing the ticket. In 3.x the same value means "handshake negotiation failed".',
      hints: [{ text: 'Try with client session tickets off, and check free heap.' }],
    },
  0x5D80: ({ version }) => version === '3.6'
    ? {
      explanation: 'Mbed TLS 3.6.3+ refuses to verify a server certificate when the client never said which host it expects: mbedtls_ssl_set_hostname() was not called (raw mbedTLS code, or an older component). Older versions silently skipped the host-name check. esp-tls sets the host name itself (and calls it with NULL when skip_common_name is set).',
      hints: [
        { text: 'Call mbedtls_ssl_set_hostname(&ssl, "the.server.name") before mbedtls_ssl_handshake().', rule: 'mbedtls-hostname-missing' },
        { text: 'Only for tests: CONFIG_MBEDTLS_ALLOW_WEAK_CERTIFICATE_VERIFICATION restores the old behaviour.' },
      ],
    }
    : {
      explanation: 'Mbed TLS 2.28.8 (ESP-IDF v4.4.8) has no such code; 2.28.10 and 3.6.3 added it as "certificate verification without host name" (mbedtls_ssl_set_hostname() was never called).',
      hints: [{ text: 'Call mbedtls_ssl_set_hostname() before the handshake.', rule: 'mbedtls-hostname-missing' }],
    },
  0x2080: () => ({
    explanation: 'A certificate uses something this build of mbedTLS cannot handle: a signature or key algorithm, hash or curve that sdkconfig turns off (e.g. RSA-PSS, SHA-512, secp384r1, Ed25519), or an RSA hashing/encryption combination it does not support.',
    hints: [{ text: 'Enable the algorithm in sdkconfig, or use a certificate with RSA/ECDSA P-256 and SHA-256.', rule: 'cert-algorithm-disabled' }],
  }),
  0x2600: () => ({
    explanation: 'The certificate\'s signature algorithm is not supported by this build: usually a hash or key type disabled in sdkconfig (SHA-1/SHA-384/SHA-512, ECDSA, RSA-PSS) or an algorithm mbedTLS does not have at all (Ed25519).',
    hints: [{ text: 'Enable the algorithm in sdkconfig or pick a certificate mbedTLS supports.', rule: 'cert-algorithm-disabled' }],
  }),
  0x0050: () => ({
    explanation: 'The TCP connection was reset. During the handshake the server (or a proxy or firewall) usually dropped the device because of what it offered: missing SNI, no TLS version or cipher suite in common. Later, an idle timeout or a server restart.',
    hints: [
      { text: 'Check what sdkconfig leaves to offer.', rule: 'sdkconfig-no-common-ciphersuite' },
      { text: 'Keep SNI: do not skip the host name.', rule: 'tls-hostname-check-skipped' },
    ],
  }),
  0x6800: () => ({
    explanation: 'The handshake or a read timed out: the server did not answer in time (a firewall that drops instead of refusing, a slow server, a weak link), or esp-tls\'s timeout_ms is short for a handshake that verifies an RSA chain on a busy CPU.',
    hints: [{ text: 'Raise timeout_ms in the client config and check that the server answers on that port.' }],
  }),
  0x6E80: () => ({
    explanation: 'The server offers no TLS version the device accepts: it wants TLS 1.0/1.1 (Mbed TLS 3.x in ESP-IDF v5 has neither), or TLS 1.3 only while CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 is off.',
    hints: [
      { text: 'Check which versions sdkconfig enables.', rule: 'sdkconfig-legacy-protocol' },
      { text: 'What the server accepts.', command: 'openssl s_client -connect host:443 -tls1_2' },
    ],
  }),
  0x7080: () => ({
    explanation: 'The handshake needs a feature this build leaves out: something the server chose or asked for (a TLS version, key exchange, curve or signature algorithm sdkconfig turns off, renegotiation), or a non-TLS reply read as a record of an unknown version.',
    hints: [{ text: 'Check what sdkconfig leaves to offer.', rule: 'sdkconfig-no-common-ciphersuite' }],
  }),
  0x7A00: () => ({
    explanation: 'The server\'s Certificate message could not be processed: a certificate in it uses a key the build cannot parse (Ed25519, an RSA key larger than MBEDTLS_MPI_MAX_SIZE allows, a curve sdkconfig turns off), or the chain is larger than the incoming buffer.',
    hints: [
      { text: 'Look at the chain the server sends.', command: 'esp-tls-lens chain host:443' },
      { text: 'Keep the incoming buffer at 16384.', rule: 'sdkconfig-record-size-too-small' },
    ],
  }),
  0x6D00: () => ({
    explanation: 'A key does not fit its certificate or the key exchange: most often the client key (clientkey_buf) does not belong to the client certificate (clientcert_buf), or an EC key with an RSA suite.',
    hints: [{ text: 'Check that the client certificate and key are a pair: openssl x509 -noout -pubkey -in cert.pem and openssl pkey -pubout -in key.pem must print the same key.' }],
  }),
  0x3C80: () => ({
    explanation: 'The key\'s algorithm is not one mbedTLS parses here: only RSA and EC keys (on curves sdkconfig enables) are; an Ed25519 or X25519 key, or an EC key on a curve turned off, ends here.',
    hints: [{ text: 'Use an RSA or ECDSA P-256 key, or enable the key\'s curve in sdkconfig.', rule: 'cert-algorithm-disabled' }],
  }),
  0x0052: () => ({
    explanation: 'DNS failed: the host name in the URL has no address (a typo, no DNS server from DHCP, or no network yet). esp-tls logs the same as "couldn\'t get hostname".',
    hints: [{ text: 'Check the host name and that the network is up (got IP) before connecting.' }],
  }),
  0x0044: () => ({
    explanation: 'The TCP connection to the server\'s port failed before TLS began: nothing listens there, a firewall refuses it, or the network is down. Not a certificate or TLS problem.',
    hints: [{ text: 'Check host and port (8883 for MQTT over TLS, 443 for HTTPS) and the network.' }],
  }),
  0x004E: () => ({
    explanation: 'Writing to the socket failed: the connection was already closed or reset by the server, or the network dropped.',
    hints: [{ text: 'Reconnect; if it happens during the handshake, see why the server closes (its log, or openssl s_client).' }],
  }),
  0x6900: () => ({
    explanation: 'Not an error on a non-blocking connection: no data yet, call again (MBEDTLS_ERR_SSL_WANT_READ). Code that treats it as a failure drops working connections.',
    hints: [{ text: 'Retry the call when the socket is readable.' }],
  }),
  0x6880: () => ({
    explanation: 'Not an error on a non-blocking connection: the socket cannot take more data yet, call again (MBEDTLS_ERR_SSL_WANT_WRITE).',
    hints: [{ text: 'Retry the call when the socket is writable.' }],
  }),
  0x004C: () => ({
    explanation: 'Reading from the socket failed: the connection dropped (Wi-Fi lost, server or firewall reset, a read timeout in esp-tls). The errno in the log ("Last captured errno") says which; 104 is a reset by the server, 113 no route, 11 a timeout.',
    hints: [
      { text: 'Check connectivity and timeouts; if it fails at the handshake, check what sdkconfig offers.', rule: 'sdkconfig-no-common-ciphersuite' },
    ],
  }),
};

const ESP_EXPLANATIONS: Record<number, Explanation> = {
  0x8017: {
    explanation: 'Most often esp-tls found no way to verify the server and logged "No server verification option set in esp_tls_cfg_t structure. Check esp_tls API reference": the config sets none of crt_bundle_attach, use_global_ca_store, cacert_buf (cert_pem in esp_http_client, broker.verification in MQTT) or psk_hint_key. Otherwise mbedtls_ssl_setup failed, usually for lack of heap.',
    hints: [
      { text: 'Attach the certificate bundle (crt_bundle_attach = esp_crt_bundle_attach) or give the server\'s root CA.', rule: 'tls-no-server-verification' },
    ],
  },
  0x801A: {
    explanation: 'Esp-tls only reports that mbedtls_ssl_handshake failed. The reason is the mbedTLS code logged just before it ("mbedtls_ssl_handshake returned -0x...") or returned by esp_tls_get_and_clear_last_error() (esp_http_client / MQTT print it as "Last tls stack error number: 0x..."); decode that code, and for -0x2700 the verify flags.',
    hints: [
      { text: 'Decode the mbedTLS code from the log: esp-tls-lens decode -0xXXXX [--flags MASK].', command: 'esp-tls-lens decode -0x2700 --flags 0x8' },
    ],
  },
  0x8015: {
    explanation: 'The CA (or client) certificate given to esp-tls could not be parsed; the log line "mbedtls_x509_crt_parse ... returned -0x..." holds the mbedTLS code (usually -0x2180: a PEM without its NUL).',
    hints: [{ text: 'Embed PEM files with EMBED_TXTFILES and pass the length including the NUL.', rule: 'pem-not-nul-terminated' }],
  },
  0x8019: {
    explanation: 'The client private key could not be parsed (usually -0x3D00: a PEM without its NUL, or a wrong password).',
    hints: [{ text: 'Embed the key with EMBED_TXTFILES and pass the length including the NUL.', rule: 'pem-not-nul-terminated' }],
  },
  0x8001: {
    explanation: 'DNS lookup failed (no network yet, wrong host name, no DNS server).',
    hints: [],
  },
  0x8004: {
    explanation: 'The TCP connection could not be opened (host down, wrong port, firewall, no route).',
    hints: [],
  },
  0x8006: {
    explanation: 'The connection (TCP or handshake) did not finish within timeout_ms (10 s by default in v5).',
    hints: [],
  },
};

function dedupe(hints: Hint[]): Hint[] {
  const seen = new Set<string>();
  return hints.filter((h) => { const k = `${h.rule}|${h.text}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

/** The codes that have a hand-written explanation (magnitudes of mbedTLS codes). */
export const EXPLAINED_MBEDTLS_CODES: readonly number[] = Object.keys(EXPLANATIONS).map(Number);
export const EXPLAINED_ESP_CODES: readonly number[] = Object.keys(ESP_EXPLANATIONS).map(Number);

/**
 * The explanation for an mbedTLS code (magnitude, e.g. 0x262E): the whole code's own, else its high
 * part's, else its low part's; undefined when none is written.
 */
export function explainMbedtls(magnitude: number, ctx: Context): Explanation | undefined {
  const high = magnitude & 0xff80;
  const low = magnitude & 0x7f;
  const f = EXPLANATIONS[magnitude] ?? (high ? EXPLANATIONS[high] : undefined) ?? (low ? EXPLANATIONS[low] : undefined);
  return f ? f(ctx) : undefined;
}

export function explainEsp(value: number): Explanation | undefined {
  return ESP_EXPLANATIONS[value];
}

/** Explanation of a verify-flag mask on its own. */
export function explainFlags(flags: number): Explanation {
  const known = Object.keys(FLAG_EXPLANATIONS).map(Number).filter((bit) => flags & bit);
  if (!known.length) return { explanation: 'No flag with a known cause is set.', hints: [] };
  return { explanation: known.map((b) => FLAG_EXPLANATIONS[b].explanation).join(' '), hints: dedupe(known.flatMap((b) => FLAG_EXPLANATIONS[b].hints)) };
}
