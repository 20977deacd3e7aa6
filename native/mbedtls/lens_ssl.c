/*
 * A TLS client connection as esp-tls sets one up (esp_tls_mbedtls.c), configured by the host from the
 * project's sdkconfig, reading and writing through memory buffers the host fills from and drains to a
 * Node socket.
 */
/* The library's own ssl_misc.h (for lens_conn_cert_requested) reads the context's private fields. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ecp.h"
#include "mbedtls/error.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "lens.h"
#if LENS_V3
#include "ssl_misc.h" /* the handshake parameters, for lens_conn_cert_requested */
#endif

#define MAX_LIST 96

typedef struct {
  unsigned char *p;
  size_t len, cap;
} buffer;

typedef struct {
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config conf;
  mbedtls_x509_crt ca;       /* a CA buffer or the global store; or ESP-IDF's empty dummy with a bundle */
  mbedtls_x509_crt bundle;   /* the certificate bundle's roots, searched by the bundle callback */
  mbedtls_x509_crt own;      /* client certificate */
  mbedtls_x509_crt presented;/* the server's chain as sent, copied when it is verified (TLS 1.2 frees it on failure) */
  int pending;               /* the bundle callback's failure, returned once the chain's head was copied */
  mbedtls_pk_context key;
  uint32_t curves_off;       /* the curves this project's build leaves out (lens.h) */
  int use_bundle, check_dates, bundle_fatal;
  int suites[MAX_LIST];
#if LENS_V3
  uint16_t groups[MAX_LIST];
  uint16_t sig_algs[MAX_LIST];
#else
  mbedtls_ecp_group_id curves[MAX_LIST];
  int hashes[MAX_LIST];
#endif
  buffer in, out;
  size_t in_pos;
  int eof;
} conn;

/* ---- the memory BIO ---- */

/** Appends to a growing buffer; 0, or -1 when memory runs out. */
static int append(buffer *b, const unsigned char *data, size_t len) {
  if (b->len + len > b->cap) {
    size_t cap = (b->len + len) * 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, data, len);
  b->len += len;
  return 0;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
  conn *c = ctx;
  return append(&c->out, buf, len) == 0 ? (int)len : MBEDTLS_ERR_SSL_ALLOC_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
  conn *c = ctx;
  size_t have = c->in.len - c->in_pos;
  if (have == 0) return c->eof ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
  if (len > have) len = have;
  memcpy(buf, c->in.p + c->in_pos, len);
  c->in_pos += len;
  if (c->in_pos == c->in.len) c->in_pos = c->in.len = 0;
  return (int)len;
}

/** Bytes the socket received, for the library to read. */
EXPORT(lens_io_feed) int lens_io_feed(conn *c, const unsigned char *buf, size_t len) { return append(&c->in, buf, len); }
/** The server closed its side: the next read returns 0, as recv() would on the device. */
EXPORT(lens_io_eof) void lens_io_eof(conn *c) { c->eof = 1; }
/** What the library wrote since the last call: pointer, length through lens_io_out_len(). */
static size_t taken;
EXPORT(lens_io_out_len) size_t lens_io_out_len(void) { return taken; }
EXPORT(lens_io_take) const unsigned char *lens_io_take(conn *c) {
  taken = c->out.len;
  c->out.len = 0;
  return c->out.p;
}

/* ---- verification: esp_crt_bundle.c's callback, the date policy, and the chain as sent ---- */

/** ESP-IDF's esp_crt_verify_callback: a certificate whose only fault is an untrusted issuer is
 * accepted when a bundle root has its issuer's name and its signature verifies with that root's key. */
static int bundle_accepts(conn *c, mbedtls_x509_crt *crt) {
  for (mbedtls_x509_crt *r = &c->bundle; r && r->raw.len; r = r->next) {
    if (r->subject_raw.len != crt->issuer_raw.len || memcmp(r->subject_raw.p, crt->issuer_raw.p, crt->issuer_raw.len)) continue;
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(crt->MBEDTLS_PRIVATE(sig_md));
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    if (!md || mbedtls_md(md, crt->tbs.p, crt->tbs.len, hash) != 0) continue;
    if (mbedtls_pk_verify_ext(crt->MBEDTLS_PRIVATE(sig_pk), crt->MBEDTLS_PRIVATE(sig_opts), &r->pk,
                              crt->MBEDTLS_PRIVATE(sig_md), hash, mbedtls_md_get_size(md),
                              crt->MBEDTLS_PRIVATE(sig).p, crt->MBEDTLS_PRIVATE(sig).len) == 0) return 1;
  }
  return 0;
}

/* mbedTLS calls this for each certificate of the verified chain, from the top (depth len-1) down to the
 * server's own (depth 0), whose crt is the head of the chain as the server sent it. */
static int on_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
  conn *c = ctx;
  if (depth == 0) {
    mbedtls_x509_crt_free(&c->presented);
    mbedtls_x509_crt_init(&c->presented);
    for (mbedtls_x509_crt *p = crt; p && p->raw.len; p = p->next) mbedtls_x509_crt_parse_der(&c->presented, p->raw.p, p->raw.len);
  }
  /* Without MBEDTLS_HAVE_TIME_DATE the device never compares dates. */
  if (!c->check_dates) *flags &= ~(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
  if (c->use_bundle && (*flags & ~MBEDTLS_X509_BADCERT_BAD_MD) == MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
    if (bundle_accepts(c, crt)) {
      *flags = 0;
      return 0;
    }
    /* "Failed to verify certificate": the callback fails the verification, so mbedTLS reports every flag
     * (0xFFFFFFFF). Before ESP-IDF 5.4 with MBEDTLS_ERR_X509_FATAL_ERROR, since then with CERT_VERIFY_FAILED.
     * Returned at depth 0 rather than here: the outcome is the same, and the chain's head is copied first. */
    c->pending = c->bundle_fatal ? MBEDTLS_ERR_X509_FATAL_ERROR : MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
  }
  if (depth == 0 && c->pending) {
    int ret = c->pending;
    c->pending = 0;
    return ret;
  }
  return 0;
}

/* ---- the connection ---- */

/** A connection of a device whose build leaves out the curves of `curves_off` (lens.h). */
EXPORT(lens_conn_new) conn *lens_conn_new(uint32_t curves_off_mask) {
  conn *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->curves_off = curves_off_mask;
  mbedtls_ssl_init(&c->ssl);
  mbedtls_ssl_config_init(&c->conf);
  mbedtls_x509_crt_init(&c->ca);
  mbedtls_x509_crt_init(&c->bundle);
  mbedtls_x509_crt_init(&c->own);
  mbedtls_x509_crt_init(&c->presented);
  mbedtls_pk_init(&c->key);
  return c;
}

EXPORT(lens_conn_free) void lens_conn_free(conn *c) {
  if (!c) return;
  mbedtls_ssl_free(&c->ssl);
  mbedtls_ssl_config_free(&c->conf);
  mbedtls_x509_crt_free(&c->ca);
  mbedtls_x509_crt_free(&c->bundle);
  mbedtls_x509_crt_free(&c->own);
  mbedtls_x509_crt_free(&c->presented);
  mbedtls_pk_free(&c->key);
  free(c->in.p);
  free(c->out.p);
  free(c);
}

/** Trust: kind 1 = CA buffer or global store (parsed into ca), 2 = the bundle's roots. */
EXPORT(lens_conn_trust) int lens_conn_trust(conn *c, int kind, const unsigned char *buf, size_t len) {
  curves_off = c->curves_off;
  if (kind == 2) {
    c->use_bundle = 1;
    return mbedtls_x509_crt_parse_der(&c->bundle, buf, len);
  }
  return mbedtls_x509_crt_parse(&c->ca, buf, len);
}

/** The client certificate and key (clientcert_buf, clientkey_buf). */
EXPORT(lens_conn_own) int lens_conn_own(conn *c, const unsigned char *crt, size_t crt_len, const unsigned char *key, size_t key_len) {
  curves_off = c->curves_off;
  int ret = mbedtls_x509_crt_parse(&c->own, crt, crt_len);
  return ret ? ret : parse_key(&c->key, key, key_len, NULL, 0);
}

static void copy_list(int *to, const int *from) {
  int i = 0;
  for (; from && from[i] && i < MAX_LIST - 1; i++) to[i] = from[i];
  to[i] = 0;
}

/**
 * Everything the sdkconfig decides, as the API sets it: versions (0x0303, 0x0304), the suites,
 * groups and signature schemes (TLS numbers, 0-terminated), the options (1: dates are checked,
 * MBEDTLS_HAVE_TIME_DATE; 2: the bundle callback fails as before ESP-IDF 5.4), the authmode and the
 * host name. Then mbedtls_ssl_setup(). The X.509 profile stays the default, as esp-tls leaves it, and
 * so does the max fragment length, which esp-tls never sets.
 */
EXPORT(lens_conn_setup) int lens_conn_setup(conn *c, int min_version, int max_version, const int *suites,
                                            const int *groups, const int *sig_algs, int options,
                                            int authmode, const char *hostname) {
  int ret = rng();
  if (ret != 0) return ret;
  ret = mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) return ret;
  mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &drbg);
#if LENS_V3
  mbedtls_ssl_conf_min_tls_version(&c->conf, (mbedtls_ssl_protocol_version)min_version);
  mbedtls_ssl_conf_max_tls_version(&c->conf, (mbedtls_ssl_protocol_version)max_version);
  int i = 0;
  for (; groups && groups[i] && i < MAX_LIST - 1; i++) c->groups[i] = (uint16_t)groups[i];
  c->groups[i] = 0;
  mbedtls_ssl_conf_groups(&c->conf, c->groups);
  for (i = 0; sig_algs && sig_algs[i] && i < MAX_LIST - 1; i++) c->sig_algs[i] = (uint16_t)sig_algs[i];
  c->sig_algs[i] = 0;
  mbedtls_ssl_conf_sig_algs(&c->conf, c->sig_algs);
#else
  mbedtls_ssl_conf_min_version(&c->conf, 3, min_version & 0xff);
  mbedtls_ssl_conf_max_version(&c->conf, 3, max_version & 0xff);
  int n = 0;
  for (int i = 0; groups && groups[i] && n < MAX_LIST - 1; i++) {
    const mbedtls_ecp_curve_info *info = mbedtls_ecp_curve_info_from_tls_id((uint16_t)groups[i]);
    if (info) c->curves[n++] = info->grp_id;
  }
  c->curves[n] = MBEDTLS_ECP_DP_NONE;
  mbedtls_ssl_conf_curves(&c->conf, c->curves);
  /* 2.28 offers (hash, signature) pairs for each hash it is given: the scheme's high byte is the hash */
  static const int md_of_hash[] = {0, MBEDTLS_MD_MD5, MBEDTLS_MD_SHA1, MBEDTLS_MD_SHA224, MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA384, MBEDTLS_MD_SHA512};
  n = 0;
  for (int i = 0; sig_algs && sig_algs[i] && n < MAX_LIST - 1; i++) {
    int h = (sig_algs[i] >> 8) & 0xff, md = h > 0 && h < 7 ? md_of_hash[h] : 0, seen = 0;
    for (int j = 0; j < n; j++) seen |= c->hashes[j] == md;
    if (md && !seen) c->hashes[n++] = md;
  }
  c->hashes[n] = MBEDTLS_MD_NONE;
  mbedtls_ssl_conf_sig_hashes(&c->conf, c->hashes);
#endif
  copy_list(c->suites, suites);
  mbedtls_ssl_conf_ciphersuites(&c->conf, c->suites);
  c->check_dates = options & 1;
  c->bundle_fatal = (options & 2) != 0;
  /* esp_crt_bundle_attach() gives mbedTLS an empty dummy CA so that it does not stop with "no CA chain" */
  mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
  mbedtls_ssl_conf_authmode(&c->conf, authmode);
  mbedtls_ssl_conf_verify(&c->conf, on_verify, c);
  if (c->own.raw.len) {
    ret = mbedtls_ssl_conf_own_cert(&c->conf, &c->own, &c->key);
    if (ret != 0) return ret;
  }
  ret = mbedtls_ssl_setup(&c->ssl, &c->conf);
  if (ret != 0) return ret;
  /* NULL for skip_common_name: no SNI, and (3.6.3 and later) an explicit "no name to check" */
  ret = mbedtls_ssl_set_hostname(&c->ssl, hostname);
  if (ret != 0) return ret;
  mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
  return 0;
}

/** One step of mbedtls_ssl_handshake(): 0 when done, WANT_READ when it needs the server's bytes. */
EXPORT(lens_conn_handshake) int lens_conn_handshake(conn *c) {
  curves_off = c->curves_off; /* the server's certificates are parsed in here */
  return mbedtls_ssl_handshake(&c->ssl);
}

EXPORT(lens_conn_verify_result) uint32_t lens_conn_verify_result(conn *c) { return mbedtls_ssl_get_verify_result(&c->ssl); }
EXPORT(lens_conn_version) const char *lens_conn_version(conn *c) { return mbedtls_ssl_get_version(&c->ssl); }
EXPORT(lens_conn_suite) const char *lens_conn_suite(conn *c) { return mbedtls_ssl_get_ciphersuite(&c->ssl); }
/** The last alert the server sent (after MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE), or -1. */
EXPORT(lens_conn_alert) int lens_conn_alert(conn *c) {
  const unsigned char *m = c->ssl.MBEDTLS_PRIVATE(in_msg);
  return c->ssl.MBEDTLS_PRIVATE(in_msgtype) == MBEDTLS_SSL_MSG_ALERT && m ? m[1] : -1;
}
/** The server's chain in the order of its Certificate message: copied when it was verified, else the
 * established session's (a handshake that verifies nothing). */
EXPORT(lens_conn_presented) const mbedtls_x509_crt *lens_conn_presented(conn *c) {
  if (c->presented.raw.len) return &c->presented;
  return mbedtls_ssl_get_peer_cert(&c->ssl);
}
/** Whether the server sent a CertificateRequest: it wants a client certificate. */
EXPORT(lens_conn_cert_requested) int lens_conn_cert_requested(conn *c) {
#if LENS_V3
  return c->ssl.MBEDTLS_PRIVATE(handshake) ? c->ssl.MBEDTLS_PRIVATE(handshake)->client_auth != 0 : 0;
#else
  return c->ssl.client_auth != 0;
#endif
}
