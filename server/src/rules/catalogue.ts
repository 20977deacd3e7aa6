// Every rule id of DESIGN.md with its default severity and a one-line summary. The ids are a contract
// (settings, --rule, SARIF, docs/rules/<id>.md); every one of them runs in this build.
import type { Severity } from './finding';

export interface RuleInfo { id: string; severity: Severity; summary: string }

const rule = (id: string, severity: Severity, summary: string): RuleInfo => ({ id, severity, summary });

export const RULES: readonly RuleInfo[] = [
  rule('tls-no-server-verification', 'error', 'A TLS client verifies no server (no CA, no certificate bundle, no global CA store).'),
  rule('tls-hostname-check-skipped', 'warning', 'The server host name check is skipped (skip_common_name and friends).'),
  rule('mbedtls-verify-disabled', 'error', 'mbedtls_ssl_conf_authmode with VERIFY_NONE, or OPTIONAL without checking the result.'),
  rule('mbedtls-hostname-missing', 'warning', 'An mbedTLS client handshakes without mbedtls_ssl_set_hostname, or with a placeholder name.'),
  rule('global-ca-store-empty', 'warning', 'use_global_ca_store is set but nothing fills the global CA store.'),
  rule('embed-symbol-missing', 'error', '_binary_X_start is referenced but no component embeds X.'),
  rule('embed-file-missing', 'error', 'A CMake embed names a file that does not exist.'),
  rule('pem-not-nul-terminated', 'error', 'A PEM handed to mbedTLS without its terminating NUL.'),
  rule('cert-expired', 'error', 'A certificate the firmware uses has expired.'),
  rule('cert-not-yet-valid', 'error', 'A certificate the firmware uses is not valid yet.'),
  rule('cert-expires-soon', 'warning', 'A certificate the firmware uses expires soon.'),
  rule('cert-leaf-as-trust-anchor', 'error', 'An end-entity certificate is given as a CA.'),
  rule('cert-intermediate-as-trust-anchor', 'warning', 'An intermediate CA is pinned as the trust anchor.'),
  rule('cert-single-trust-anchor', 'info', 'Only one root is trusted: a CA change needs an OTA.'),
  rule('cert-malformed', 'error', 'A certificate or private key that mbedTLS cannot parse (judged by the device\'s own Mbed TLS where the project\'s ESP-IDF ships 3.6 or 2.28).'),
  rule('cert-weak', 'warning', 'RSA below 2048 bits, or MD5/SHA-1 signatures below the root.'),
  rule('cert-algorithm-disabled', 'error', 'A certificate needs a key type, curve or hash that sdkconfig disables.'),
  rule('private-key-in-firmware', 'warning', 'A private key is compiled into the image while flash encryption is off.'),
  rule('client-cert-key-mismatch', 'error', 'A client certificate and key that do not belong together.'),
  rule('sdkconfig-verification-disabled', 'error', 'CONFIG_ESP_TLS_INSECURE with CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY.'),
  rule('sdkconfig-bundle-unavailable', 'error', 'Code attaches the certificate bundle but sdkconfig has none.'),
  rule('sdkconfig-custom-bundle-invalid', 'error', 'The custom certificate bundle is missing, empty or would be skipped.'),
  rule('sdkconfig-legacy-protocol', 'warning', 'SSL 3.0, TLS 1.0 or TLS 1.1 enabled.'),
  rule('sdkconfig-no-common-ciphersuite', 'error', 'No cipher suite left that common servers accept.'),
  rule('sdkconfig-record-size-too-small', 'warning', 'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN below 16384.'),
  rule('sdkconfig-clock-never-set', 'warning', 'Certificate dates are checked but nothing sets the clock.'),
  rule('sdkconfig-unused-dtls', 'hint', 'DTLS is compiled in but never used.'),
  rule('sdkconfig-hardware-acceleration-off', 'hint', 'mbedTLS hardware acceleration is off.'),
  rule('sdkconfig-unknown-option', 'warning', 'An mbedTLS/ESP-TLS option this IDF version does not have.'),
  rule('log-tls-failure', 'info', 'A TLS failure line of an idf.py monitor log, with what its code means.'),
  rule('sdkconfig-production-hardening', 'hint', 'Secure boot, flash encryption or NVS encryption is off.'),
  rule('file-not-compiled', 'hint', 'A source with TLS code that no component compiles: not firmware, not checked.'),
];

export const ruleInfo = (id: string): RuleInfo | undefined => RULES.find((r) => r.id === id);

/** Where each rule's documentation lives; diagnostics and SARIF link to it. */
export const DOCS_BASE = 'https://github.com/esp-tls-lens/esp-tls-lens/blob/main/docs/rules/';
export const docsUrl = (id: string) => `${DOCS_BASE}${id}.md`;
