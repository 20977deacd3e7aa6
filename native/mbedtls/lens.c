/*
 * ESP-IDF TLS Lens: the glue between the host (Node, server/src/mbedtls/wasm/) and Mbed TLS built to
 * wasm32-wasi. The same file is compiled against Mbed TLS 3.6 and 2.28.
 *
 * The host never sees a struct: it gets opaque handles and passes numbers, byte buffers it allocated
 * with lens_alloc(), and 0-terminated lists. A TLS connection reads and writes through a memory BIO:
 * the host feeds what the socket received (lens_io_feed) and sends what the library wrote
 * (lens_io_take), so the module never blocks and never touches the network.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/version.h"
#include "mbedtls/x509_crt.h"
#include "lens.h"
#if LENS_V3
#include "mbedtls/platform_time.h"
#include "psa/crypto.h"
#endif


/* ---- platform: entropy and time from the host (WASI random_get, clock_time_get) ---- */

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen) {
  (void)data;
  size_t done = 0;
  while (done < len) {
    size_t n = len - done > 256 ? 256 : len - done; /* getentropy's limit */
    if (getentropy(output + done, n) != 0) return -1;
    done += n;
  }
  *olen = len;
  return 0;
}

#if LENS_V3
mbedtls_ms_time_t mbedtls_ms_time(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (mbedtls_ms_time_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
#endif

/* ---- curves the sdkconfig leaves out ---- */

/* oid.c is compiled with mbedtls_oid_get_ec_grp renamed to this (scripts/mbedtls/build.mjs), so that
 * the wrapper below stands between it and every caller: a curve the project's build does not compile
 * is, to the parser, an OID it has never heard of, as on the device (MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE). */
int lens_builtin_oid_get_ec_grp(const mbedtls_asn1_buf *oid, mbedtls_ecp_group_id *grp_id);
uint32_t curves_off;

int mbedtls_oid_get_ec_grp(const mbedtls_asn1_buf *oid, mbedtls_ecp_group_id *grp_id) {
  int ret = lens_builtin_oid_get_ec_grp(oid, grp_id);
  if (ret == 0 && *grp_id < 32 && ((curves_off >> *grp_id) & 1)) return MBEDTLS_ERR_OID_NOT_FOUND;
  return ret;
}

/* ---- memory and text ---- */

EXPORT(lens_alloc) void *lens_alloc(size_t n) { return malloc(n ? n : 1); }
EXPORT(lens_free) void lens_free(void *p) { free(p); }
EXPORT(lens_version) const char *lens_version(void) { return MBEDTLS_VERSION_STRING; }

static char text[1024];
/** mbedtls_strerror() as the device's build would print it (MBEDTLS_ERROR_C). */
EXPORT(lens_strerror) const char *lens_strerror(int code) {
  mbedtls_strerror(code, text, sizeof text);
  return text;
}
/** mbedtls_x509_crt_verify_info(): the lines esp-tls logs after "Failed to verify peer certificate!". */
EXPORT(lens_verify_info) const char *lens_verify_info(uint32_t flags) {
  text[0] = 0;
  mbedtls_x509_crt_verify_info(text, sizeof text, "", flags);
  return text;
}

/* ---- one random generator, seeded once from the host ---- */

static mbedtls_entropy_context entropy;
mbedtls_ctr_drbg_context drbg;
static int rng_ready = 0;

int rng(void) {
  if (rng_ready) return 0;
#if LENS_V3
  psa_status_t st = psa_crypto_init(); /* TLS 1.3 and the PSA-backed hashes need it, as esp-tls calls it */
  if (st != PSA_SUCCESS) return (int)st;
#endif
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  int ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)"esp-tls-lens", 12);
  if (ret == 0) rng_ready = 1;
  return ret;
}

/* ---- certificates and keys ---- */

/** A certificate list: parse one PEM or DER buffer after another into it. */
EXPORT(lens_crt_new) mbedtls_x509_crt *lens_crt_new(void) {
  mbedtls_x509_crt *c = malloc(sizeof *c);
  if (c) mbedtls_x509_crt_init(c);
  return c;
}
EXPORT(lens_crt_free) void lens_crt_free(mbedtls_x509_crt *c) {
  if (!c) return;
  mbedtls_x509_crt_free(c);
  free(c);
}
/** mbedtls_x509_crt_parse_der() with every curve: the library as such, not one project's build. */
EXPORT(lens_crt_parse_der) int lens_crt_parse_der(mbedtls_x509_crt *c, const unsigned char *buf, size_t len) {
  curves_off = 0;
  return mbedtls_x509_crt_parse_der(c, buf, len);
}
EXPORT(lens_crt_count) int lens_crt_count(const mbedtls_x509_crt *c) {
  int n = 0;
  for (; c && c->raw.len; c = c->next) n++;
  return n;
}
/** The i-th certificate's DER (its length through lens_out_len). */
static size_t out_len;
EXPORT(lens_out_len) size_t lens_out_len(void) { return out_len; }
EXPORT(lens_crt_der) const unsigned char *lens_crt_der(const mbedtls_x509_crt *c, int i) {
  for (; c && i > 0; i--) c = c->next;
  out_len = c ? c->raw.len : 0;
  return c ? c->raw.p : NULL;
}
int parse_key(mbedtls_pk_context *pk, const unsigned char *buf, size_t len, const unsigned char *pwd, size_t pwdlen) {
#if LENS_V3
  int ret = rng(); /* 3.6 blinds the key check with the generator */
  return ret ? ret : mbedtls_pk_parse_key(pk, buf, len, pwd, pwdlen, mbedtls_ctr_drbg_random, &drbg);
#else
  return mbedtls_pk_parse_key(pk, buf, len, pwd, pwdlen);
#endif
}

/** mbedtls_pk_parse_key(): a private key as the device loads clientkey_buf, with every curve. */
EXPORT(lens_pk_parse) int lens_pk_parse(const unsigned char *buf, size_t len, const unsigned char *pwd, size_t pwdlen) {
  mbedtls_pk_context pk;
  mbedtls_pk_init(&pk);
  curves_off = 0;
  int ret = parse_key(&pk, buf, len, pwd, pwdlen);
  mbedtls_pk_free(&pk);
  return ret;
}

static uint32_t verify_flags;
EXPORT(lens_flags) uint32_t lens_flags(void) { return verify_flags; }
/** mbedtls_x509_crt_verify_with_profile() of chain against trust (cn may be NULL) with the default
 * profile, which esp-tls leaves in place: the return code, and the flags through lens_flags(). */
EXPORT(lens_crt_verify) int lens_crt_verify(mbedtls_x509_crt *chain, mbedtls_x509_crt *trust, const char *cn) {
  verify_flags = 0;
  return mbedtls_x509_crt_verify_with_profile(chain, trust, NULL, &mbedtls_x509_crt_profile_default, cn, &verify_flags, NULL, NULL);
}

