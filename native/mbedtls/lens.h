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

#define EXPORT(name) __attribute__((export_name(#name)))

/** Seeds the one random generator (and PSA in 3.6) on first use; 0 or the library's error. */
int rng(void);
extern mbedtls_ctr_drbg_context drbg;
/** The X.509 profile set by lens_profile_default() for the next verification or connection. */
extern mbedtls_x509_crt_profile profile;
#endif
