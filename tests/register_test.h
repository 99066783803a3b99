/*
 * register_test.h - what the register's unit tests share: keys and
 * certificates made with OpenSSL (a root CA and ECDSA P-256 leaves),
 * and a register built in memory.  Included by tests/test_register_*.c
 * only; everything here is static.
 */
#ifndef WIPECERT_TESTS_REGISTER_TEST_H
#define WIPECERT_TESTS_REGISTER_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "register/internal.h"
#include "register/register.h"

/* Not every test program uses every helper. */
#define T_UNUSED __attribute__((unused))

struct tkey {
	EVP_PKEY *pkey;
	X509 *cert;
	struct reg_signer s;
};

T_UNUSED static EVP_PKEY *
t_ec_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	if (k == NULL)
		abort();
	return k;
}

T_UNUSED static void
t_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ex == NULL || !X509_add_ext(cert, ex, -1))
		abort();
	X509_EXTENSION_free(ex);
}

/* A certificate for key with subject cn, signed by issuer (NULL: self). */
T_UNUSED static X509 *
t_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
       int is_ca, long serial)
{
	X509 *c = X509_new();
	X509_NAME *n;

	if (c == NULL)
		abort();
	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
	X509_gmtime_adj(X509_getm_notBefore(c), -86400L * 365 * 20);
	X509_gmtime_adj(X509_getm_notAfter(c), 86400L * 365 * 20);
	X509_set_pubkey(c, key);
	n = X509_get_subject_name(c);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : n);
	if (is_ca) {
		t_ext(c, issuer ? issuer : c, NID_basic_constraints,
		      "critical,CA:TRUE");
		t_ext(c, issuer ? issuer : c, NID_key_usage,
		      "critical,keyCertSign,cRLSign");
	} else {
		t_ext(c, issuer, NID_basic_constraints, "CA:FALSE");
		t_ext(c, issuer, NID_key_usage, "critical,digitalSignature");
	}
	if (X509_sign(c, ikey ? ikey : key, EVP_sha256()) <= 0)
		abort();
	return c;
}

T_UNUSED static void
t_ca(struct tkey *ca, const char *cn)
{
	memset(ca, 0, sizeof(*ca));
	ca->pkey = t_ec_key();
	ca->cert = t_cert(ca->pkey, cn, NULL, NULL, 1, 1);
}

T_UNUSED static void
t_leaf(struct tkey *k, const struct tkey *ca, const char *cn, long serial)
{
	memset(k, 0, sizeof(*k));
	k->pkey = t_ec_key();
	k->cert = t_cert(k->pkey, cn, ca->cert, ca->pkey, 0, serial);
	if (reg_signer_init(&k->s, k->pkey, k->cert) != 0)
		abort();
}

T_UNUSED static void
t_key_free(struct tkey *k)
{
	reg_signer_release(&k->s);
	X509_free(k->cert);
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof(*k));
}

T_UNUSED static X509_STORE *
t_store(const struct tkey *ca)
{
	X509_STORE *st = X509_STORE_new();

	if (st == NULL || X509_STORE_add_cert(st, ca->cert) != 1)
		abort();
	return st;
}

/* A register being built in memory. */
struct tmem {
	struct reg_buf text;
	uint64_t seq;
	char prev[REG_HEX_LEN];
	time_t t;
	char seen[4][REG_HEX_LEN];	/* signers with an entry so far */
	int nseen;
};

T_UNUSED static void
t_mem_init(struct tmem *m)
{
	memset(m, 0, sizeof(*m));
	reg_buf_init(&m->text);
	memcpy(m->prev, REG_ZERO_HASH, REG_HEX_LEN);
	m->t = 1764573845;	/* 2025-12-01T16:24:05+09:00, Asia/Tokyo */
}

T_UNUSED static int
t_mem_seen(struct tmem *m, const char *fpr)
{
	int i;

	for (i = 0; i < m->nseen; i++)
		if (strcmp(m->seen[i], fpr) == 0)
			return 1;
	if (m->nseen < 4)
		memcpy(m->seen[m->nseen++], fpr, REG_HEX_LEN);
	return 0;
}

/* Append a signed line; the body is put (consumed). */
T_UNUSED static void
t_mem_add(struct tmem *m, const struct reg_signer *s, enum reg_kind kind,
	  struct json_object *body)
{
	struct reg_line_in in;
	char ts[WC_RFC3339_LEN], *line;
	uint8_t sum[32];
	size_t len;

	if (body == NULL || wc_rfc3339(ts, sizeof(ts), m->t) != 0)
		abort();
	m->t += 60;
	in.seq = m->seq + 1;
	in.time = ts;
	in.kind = kind;
	in.body = body;
	in.prev = m->prev;
	in.embed_cert = !t_mem_seen(m, s->fingerprint);
	if (reg_line_make(s, &in, &line, &len) != 0)
		abort();
	json_object_put(body);
	wc_sha256(line, len - 1, sum);
	wc_hex(m->prev, sum, sizeof(sum));
	m->seq++;
	reg_buf_add(&m->text, line, len);
	free(line);
}

/* A simple body for filler entries. */
T_UNUSED static struct json_object *
t_note(const char *text)
{
	struct reg_correction c = { .refers = 1, .text = text };
	struct json_object *o;

	if (reg_body_correction(&c, &o) != 0)
		abort();
	return o;
}

/* Start and length of line n (1-based) of text. */
T_UNUSED static void
t_line(const char *text, size_t len, size_t n, size_t *start, size_t *llen)
{
	size_t at = 0, no = 1;
	const char *nl;

	while (at < len) {
		nl = memchr(text + at, '\n', len - at);
		if (nl == NULL)
			break;
		if (no == n) {
			*start = at;
			*llen = (size_t)(nl - text) - at;
			return;
		}
		no++;
		at = (size_t)(nl - text) + 1;
	}
	abort();
}

#endif
