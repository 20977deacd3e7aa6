/* What lens.c and lens_ssl.c share. */
#ifndef LENS_H
#define LENS_H
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/version.h"
#include "mbedtls/x509_crt.h"

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define LENS_V3 1
#else
#define LENS_V3 0
#define MBEDTLS_PRIVATE(m) m
#endif

#include "mbedtls/pk.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/** Seeds the one random generator (and PSA in 3.6) on first use; 0 or the library's error. */
int rng(void);
extern mbedtls_ctr_drbg_context drbg;
/** mbedtls_pk_parse_key() of either version into `pk`. */
int parse_key(mbedtls_pk_context *pk, const unsigned char *buf, size_t len, const unsigned char *pwd, size_t pwdlen);
/** Bit n: mbedtls_ecp_group_id n is not compiled into the device's build. The OID lookup reads it, so
 * whoever parses sets it first: a connection its own mask, a standalone parse 0 (every curve). */
extern uint32_t curves_off;
#endif
