// What the fields of each ESP-IDF TLS client config mean for server verification, in every IDF version
// from v4.4 to v6.0 (shared/reference/api_struct_fields.tsv, component_tls_configs.md, esp_tls_behaviour.md).
// Field paths of both esp-mqtt layouts (v4 flat, v5 nested) never collide, so one table serves both.
import type { IdfVersion } from '../project/model';

/** What a field (or a transport call) does for the connection. */
export type Role =
  | 'url' | 'host' | 'transport'
  | 'bundle' | 'global' | 'ca' | 'psk'
  /** esp-tls resumes a saved session (CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS): verified when it was first made. */
  | 'session'
  | 'skipHostname' | 'commonName'
  | 'plain' | 'httpConfig' | 'tlsOnly'
  | 'clientCert' | 'clientKey'
  /** The byte counts of the buffers above (PEM must count its NUL). */
  | 'caLength' | 'clientCertLength' | 'clientKeyLength';

export interface ClientApi {
  struct: string;
  /** The component, as users name it in messages. */
  component: string;
  roles: Readonly<Record<string, Role>>;
  /** esp-tls itself: TLS unless is_plain_tcp. */
  alwaysTls?: boolean;
  /** URL schemes that mean TLS, and transport enum values that do. */
  tlsScheme: RegExp;
  tlsTransport: RegExp;
  /** Field to add for the certificate bundle, per layout; undefined where the struct has none. */
  bundleField(layout: Layout, idf: IdfVersion): string | undefined;
  /** Field that takes a PEM CA buffer (NUL-terminated: length from strlen); undefined for transport handles. */
  caField(layout: Layout): string | undefined;
  /** Field that names the expected server, where this version has one. */
  commonNameField(layout: Layout, idf: IdfVersion): string | undefined;
  /** The verification fields, as the message lists them. */
  verificationList(layout: Layout): string;
}

export type Layout = 'flat' | 'nested';

const atLeast = (v: IdfVersion, major: number, minor: number) => v.major > major || (v.major === major && v.minor >= minor);

const espTls: ClientApi = {
  struct: 'esp_tls_cfg_t',
  component: 'esp-tls',
  roles: {
    crt_bundle_attach: 'bundle', use_global_ca_store: 'global', cacert_buf: 'ca', cacert_pem_buf: 'ca', psk_hint_key: 'psk',
    skip_common_name: 'skipHostname', common_name: 'commonName', is_plain_tcp: 'plain',
    clientcert_buf: 'clientCert', clientcert_pem_buf: 'clientCert', clientkey_buf: 'clientKey', clientkey_pem_buf: 'clientKey', alpn_protos: 'tlsOnly',
    cacert_bytes: 'caLength', cacert_pem_bytes: 'caLength', clientcert_bytes: 'clientCertLength', clientcert_pem_bytes: 'clientCertLength',
    clientkey_bytes: 'clientKeyLength', clientkey_pem_bytes: 'clientKeyLength', client_session: 'session',
  },
  alwaysTls: true,
  tlsScheme: /^https$/i,
  tlsTransport: /$^/,
  bundleField: () => 'crt_bundle_attach',
  caField: () => 'cacert_pem_buf',
  commonNameField: () => 'common_name',
  verificationList: () => 'no CA certificate (cacert_buf), bundle (crt_bundle_attach) or global CA store (use_global_ca_store)',
};

const httpClient: ClientApi = {
  struct: 'esp_http_client_config_t',
  component: 'esp_http_client',
  roles: {
    url: 'url', host: 'host', transport_type: 'transport',
    crt_bundle_attach: 'bundle', use_global_ca_store: 'global', cert_pem: 'ca', cert_der: 'ca',
    skip_cert_common_name_check: 'skipHostname', common_name: 'commonName',
    client_cert_pem: 'clientCert', client_cert_der: 'clientCert', client_key_pem: 'clientKey', client_key_der: 'clientKey', alpn_protos: 'tlsOnly',
    cert_len: 'caLength', client_cert_len: 'clientCertLength', client_key_len: 'clientKeyLength',
  },
  tlsScheme: /^https$/i,
  tlsTransport: /HTTP_TRANSPORT_OVER_SSL/,
  bundleField: () => 'crt_bundle_attach',
  caField: () => 'cert_pem',
  commonNameField: (_, idf) => (atLeast(idf, 5, 1) ? 'common_name' : undefined), // common_name arrived in v5.1
  verificationList: () => 'no CA certificate (cert_pem), bundle (crt_bundle_attach) or global CA store (use_global_ca_store)',
};

const mqttClient: ClientApi = {
  struct: 'esp_mqtt_client_config_t',
  component: 'esp-mqtt',
  roles: {
    // v4 (IDF v4.4): flat fields
    uri: 'url', host: 'host', transport: 'transport',
    crt_bundle_attach: 'bundle', use_global_ca_store: 'global', cert_pem: 'ca', psk_hint_key: 'psk',
    skip_cert_common_name_check: 'skipHostname', client_cert_pem: 'clientCert', client_key_pem: 'clientKey', alpn_protos: 'tlsOnly',
    cert_len: 'caLength', client_cert_len: 'clientCertLength', client_key_len: 'clientKeyLength',
    // v5 (IDF >= 5.0): nested
    'broker.address.uri': 'url', 'broker.address.hostname': 'host', 'broker.address.transport': 'transport',
    'broker.verification.crt_bundle_attach': 'bundle', 'broker.verification.use_global_ca_store': 'global',
    'broker.verification.certificate': 'ca', 'broker.verification.psk_hint_key': 'psk',
    'broker.verification.skip_cert_common_name_check': 'skipHostname', 'broker.verification.common_name': 'commonName',
    'broker.verification.alpn_protos': 'tlsOnly', 'credentials.authentication.certificate': 'clientCert', 'credentials.authentication.key': 'clientKey',
    'broker.verification.certificate_len': 'caLength', 'credentials.authentication.certificate_len': 'clientCertLength', 'credentials.authentication.key_len': 'clientKeyLength',
  },
  tlsScheme: /^(mqtts|wss)$/i,
  tlsTransport: /MQTT_TRANSPORT_OVER_(SSL|WSS)/,
  bundleField: (layout) => (layout === 'nested' ? 'broker.verification.crt_bundle_attach' : 'crt_bundle_attach'),
  caField: (layout) => (layout === 'nested' ? 'broker.verification.certificate' : 'cert_pem'),
  commonNameField: (layout, idf) => (layout === 'nested' && atLeast(idf, 5, 5) ? 'broker.verification.common_name' : undefined),
  verificationList: (layout) => layout === 'nested'
    ? 'no broker.verification.certificate, crt_bundle_attach, use_global_ca_store or psk_hint_key'
    : 'no CA certificate (cert_pem), bundle (crt_bundle_attach) or global CA store (use_global_ca_store)',
};

const websocketClient: ClientApi = {
  struct: 'esp_websocket_client_config_t',
  component: 'esp_websocket_client',
  roles: {
    uri: 'url', host: 'host', transport: 'transport',
    crt_bundle_attach: 'bundle', use_global_ca_store: 'global', cert_pem: 'ca',
    skip_cert_common_name_check: 'skipHostname', cert_common_name: 'commonName', client_cert: 'clientCert', client_key: 'clientKey',
    cert_len: 'caLength', client_cert_len: 'clientCertLength', client_key_len: 'clientKeyLength',
  },
  tlsScheme: /^wss$/i,
  tlsTransport: /WEBSOCKET_TRANSPORT_OVER_SSL/,
  // IDF v4.4's built-in websocket client has no crt_bundle_attach; the esp-protocols component (IDF >= 5.0) has.
  bundleField: (_, idf) => (idf.major >= 5 ? 'crt_bundle_attach' : undefined),
  caField: () => 'cert_pem',
  commonNameField: (_, idf) => (idf.major >= 5 ? 'cert_common_name' : undefined),
  verificationList: () => 'no CA certificate (cert_pem), bundle (crt_bundle_attach) or global CA store (use_global_ca_store)',
};

/** The OTA config verifies through the esp_http_client config it points at (`http_config`). */
export const OTA_STRUCT = 'esp_https_ota_config_t';

/** esp_transport_ssl_* calls on a transport handle, by the role they play. */
export const TRANSPORT_CALLS: Readonly<Record<string, Role>> = {
  esp_transport_ssl_crt_bundle_attach: 'bundle',
  esp_transport_ssl_enable_global_ca_store: 'global',
  esp_transport_ssl_set_cert_data: 'ca',
  esp_transport_ssl_set_cert_data_der: 'ca',
  esp_transport_ssl_set_psk_key_hint: 'psk',
  esp_transport_ssl_skip_common_name_check: 'skipHostname',
  esp_transport_ssl_set_common_name: 'commonName',
  esp_transport_ssl_set_client_cert_data: 'clientCert',
  esp_transport_ssl_set_client_cert_data_der: 'clientCert',
  esp_transport_ssl_set_client_key_data: 'clientKey',
  esp_transport_ssl_set_client_key_data_der: 'clientKey',
};

export const transportApi: ClientApi = {
  struct: 'esp_transport_handle_t',
  component: 'esp_transport_ssl',
  roles: {},
  alwaysTls: true,
  tlsScheme: /$^/,
  tlsTransport: /$^/,
  bundleField: () => undefined,
  caField: () => undefined,
  commonNameField: (_, idf) => (atLeast(idf, 5, 1) ? 'esp_transport_ssl_set_common_name' : undefined),
  verificationList: () => 'no esp_transport_ssl_set_cert_data, esp_transport_ssl_crt_bundle_attach or esp_transport_ssl_enable_global_ca_store',
};

const byStruct = new Map([espTls, httpClient, mqttClient, websocketClient].map((a) => [a.struct, a]));

/** The client API of a config struct; undefined for server-side and OTA wrapper structs. */
export const clientApi = (struct: string): ClientApi | undefined => byStruct.get(struct);
