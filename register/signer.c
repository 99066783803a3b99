/*
 * signer.c - the signer and signing entries: ECDSA P-256 (or RSA) with
 * SHA-256, signatures as DER.  Checking them is in sigcheck.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "register/internal.h"

int
reg_signer_init(struct reg_signer *s, EVP_PKEY *pkey, X509 *cert)
{
	unsigned char *der = NULL;
	uint8_t sum[32];
	int n;

	memset(s, 0, sizeof(*s));
	if (pkey == NULL || cert == NULL)
		return -EINVAL;
	if (X509_check_private_key(cert, pkey) != 1)
		return -EKEYREJECTED;
	n = i2d_X509(cert, &der);
	if (n <= 0)
		return -EINVAL;
	s->der = malloc((size_t)n);
	if (s->der == NULL) {
		OPENSSL_free(der);
		return -ENOMEM;
	}
	memcpy(s->der, der, (size_t)n);
	OPENSSL_free(der);
	s->der_len = (size_t)n;
	wc_sha256(s->der, s->der_len, sum);
	wc_hex(s->fingerprint, sum, sizeof(sum));
	s->pkey = pkey;
	s->cert = cert;
	return 0;
}

void
reg_signer_release(struct reg_signer *s)
{
	if (s == NULL)
		return;
	free(s->der);
	memset(s, 0, sizeof(*s));
}

int
reg_sign(const struct reg_signer *s, const void *data, size_t len,
	 uint8_t **sig, size_t *siglen)
{
	EVP_MD_CTX *ctx;
	size_t n = 0;
	uint8_t *out = NULL;
	int ret = -EIO;

	*sig = NULL;
	*siglen = 0;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, s->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, data, len) != 1)
		goto out;
	out = malloc(n);
	if (out == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	if (EVP_DigestSign(ctx, out, &n, data, len) != 1)
		goto out;
	*sig = out;
	*siglen = n;
	out = NULL;
	ret = 0;
out:
	free(out);
	EVP_MD_CTX_free(ctx);
	return ret;
}

int
reg_entry_check_sig(const struct reg_entry *e, const char *line,
		    EVP_PKEY *pkey)
{
	size_t len;

	if (e->sig_b64 == NULL)
		return -EINVAL;
	len = e->signed_len + strlen(REG_SIG_PREFIX) + strlen(e->sig_b64) + 2;
	return reg_sig_check(pkey, line, len, e->signed_len);
}
