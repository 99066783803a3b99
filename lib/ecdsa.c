/*
 * ecdsa.c - the low-S form of ECDSA signatures, so that a signed item
 * has exactly one valid signature encoding under a given key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include "lib/lib.h"

#define ECDSA_DER_MAX 256

/* The order of the key's curve as a new BIGNUM, or NULL. */
static BIGNUM *
curve_order(const EVP_PKEY *pkey)
{
	char name[80];
	EC_GROUP *g = NULL;
	BIGNUM *n = NULL;
	int nid;

	if (pkey == NULL || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
	    EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
					   name, sizeof(name), NULL) != 1)
		return NULL;
	nid = OBJ_sn2nid(name);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(name);
	if (nid != NID_undef)
		g = EC_GROUP_new_by_curve_name(nid);
	if (g != NULL && EC_GROUP_get0_order(g) != NULL)
		n = BN_dup(EC_GROUP_get0_order(g));
	EC_GROUP_free(g);
	return n;
}

/* Parse sig as strict DER: it must encode back to the same bytes. */
static ECDSA_SIG *
sig_parse(const uint8_t *sig, size_t len)
{
	const unsigned char *p = sig;
	unsigned char *again = NULL;
	ECDSA_SIG *es;
	int n;

	if (sig == NULL || len == 0 || len > ECDSA_DER_MAX)
		return NULL;
	es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (es == NULL)
		return NULL;
	n = i2d_ECDSA_SIG(es, &again);
	if (n <= 0 || (size_t)n != len || p != sig + len ||
	    memcmp(again, sig, len) != 0) {
		ECDSA_SIG_free(es);
		es = NULL;
	}
	OPENSSL_free(again);
	return es;
}

/* 1 when 0 < s <= n/2, that is 2s <= n. */
static int
s_is_low(const BIGNUM *s, const BIGNUM *n)
{
	BIGNUM *two_s = BN_new();
	int ok;

	ok = two_s != NULL && !BN_is_zero(s) && !BN_is_negative(s) &&
	     BN_lshift1(two_s, s) == 1 && BN_cmp(two_s, n) <= 0;
	BN_free(two_s);
	return ok;
}

int
wc_ecdsa_is_low_s(const uint8_t *sig, size_t len,
		  const struct evp_pkey_st *pkey)
{
	const BIGNUM *s = NULL;
	ECDSA_SIG *es = sig_parse(sig, len);
	BIGNUM *n = curve_order(pkey);
	int ok = 0;

	if (es != NULL && n != NULL) {
		ECDSA_SIG_get0(es, NULL, &s);
		ok = s_is_low(s, n);
	}
	BN_free(n);
	ECDSA_SIG_free(es);
	return ok;
}

/* Replace s by n - s in es when s > n/2.  Returns 0 or -errno. */
static int
flip_high_s(ECDSA_SIG *es, const BIGNUM *n)
{
	const BIGNUM *r = NULL, *s = NULL;
	BIGNUM *r2 = NULL, *s2 = NULL;

	ECDSA_SIG_get0(es, &r, &s);
	if (BN_is_zero(s) || BN_is_negative(s) || BN_cmp(s, n) >= 0)
		return -EINVAL;
	if (s_is_low(s, n))
		return 0;
	r2 = BN_dup(r);
	s2 = BN_new();
	if (r2 == NULL || s2 == NULL || BN_sub(s2, n, s) != 1 ||
	    ECDSA_SIG_set0(es, r2, s2) != 1) {
		BN_free(r2);
		BN_free(s2);
		return -ENOMEM;
	}
	return 0;
}

int
wc_ecdsa_to_low_s(const uint8_t *sig, size_t len,
		  const struct evp_pkey_st *pkey, uint8_t **out,
		  size_t *outlen)
{
	ECDSA_SIG *es = sig_parse(sig, len);
	BIGNUM *n = curve_order(pkey);
	unsigned char *der = NULL;
	int ret = -EINVAL, k;

	*out = NULL;
	*outlen = 0;
	if (es == NULL || n == NULL)
		goto out;
	ret = flip_high_s(es, n);
	if (ret != 0)
		goto out;
	ret = -ENOMEM;
	k = i2d_ECDSA_SIG(es, &der);
	if (k <= 0 || (*out = malloc((size_t)k)) == NULL)
		goto out;
	memcpy(*out, der, (size_t)k);
	*outlen = (size_t)k;
	ret = 0;
out:
	OPENSSL_free(der);
	BN_free(n);
	ECDSA_SIG_free(es);
	return ret;
}
