// mbedTLS / ESP-TLS error decoding: catalogues (server/src/data/mbedtls-errors.json, x509-verify-flags.json,
// esp-tls-errors.json), mbedtls_strerror / mbedtls_x509_crt_verify_info reproductions, and explanations.
export {
  MBEDTLS_SOURCES, MBEDTLS_VERSIONS, VERIFY_FLAGS, ESP_TLS_ERRORS, espErrorByName, espErrorByValue, espErrorPresent,
  formatMbedtlsCode, mbedtlsErrorEntry, mbedtlsErrorValues, mbedtlsStrerror, splitMbedtlsCode, verifyFlagByName, x509VerifyInfo,
  type EspErrorEntry, type MbedtlsErrorEntry, type MbedtlsVersion, type StrerrorOptions, type VerifyFlagEntry,
} from './catalogue';
export {
  decodeCode, decodeVerifyFlags, mbedtlsParts, mbedtlsVersionForIdf, parseCode, parseIdfVersionText,
  type DecodeOptions, type DecodeResult, type DecodedCode, type ErrorPart, type VerifyFlag,
} from './decode';
export { EXPLAINED_ESP_CODES, EXPLAINED_MBEDTLS_CODES, explainEsp, explainFlags, explainMbedtls, type Explanation, type Hint } from './explain';
