/*
 * The Mbed TLS build configuration of ESP-IDF TLS Lens, applied on top of the library's default
 * configuration (MBEDTLS_USER_CONFIG_FILE) for both 3.6 and 2.28.
 *
 * Everything the ESP-IDF Kconfig can enable is compiled in; what a project's sdkconfig leaves out is
 * switched off at run time through the API (src/mbedtls/deviceConfig.ts in the server). What only
 * exists on the device (the network, timers, file system, hardware entropy) is supplied by the host
 * through WASI: the clock, and random bytes.
 */
#ifndef LENS_CONFIG_H
#define LENS_CONFIG_H

/* No sockets, timers or files inside the module: the host feeds bytes through a memory BIO. */
#undef MBEDTLS_NET_C
#undef MBEDTLS_TIMING_C
#undef MBEDTLS_FS_IO
#undef MBEDTLS_PSA_ITS_FILE_C
#undef MBEDTLS_PSA_CRYPTO_STORAGE_C
#undef MBEDTLS_HAVE_ASM
#undef MBEDTLS_AESNI_C
#undef MBEDTLS_AESCE_C
#undef MBEDTLS_PADLOCK_C
#undef MBEDTLS_SELF_TEST

/* Entropy comes from the host (WASI random_get), as the ESP32's comes from its hardware RNG. */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT

/* mbedtls_ms_time() from the host clock (lens.c): platform_util.c's clock_gettime path needs a
 * CLOCK_BOOTTIME/MONOTONIC that wasi-libc 2022 does not declare. */
#define MBEDTLS_PLATFORM_MS_TIME_ALT

/* ESP-IDF options off in the library default that a project can switch on. */
#ifndef MBEDTLS_ERROR_C
#define MBEDTLS_ERROR_C
#endif
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_RENEGOTIATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_X509_CRL_PARSE_C
#define MBEDTLS_X509_CSR_PARSE_C
#define MBEDTLS_CAMELLIA_C
#define MBEDTLS_ARIA_C
#define MBEDTLS_DES_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CCM_C
#define MBEDTLS_GCM_C
#define MBEDTLS_DHM_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_RIPEMD160_C

/* Records as large as TLS allows: a smaller CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN is applied by the host,
 * which measures every incoming record header against it before the library sees the bytes. */
#undef MBEDTLS_SSL_IN_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#undef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN 16384

#endif /* LENS_CONFIG_H */
