/*
 * certgen.c - make the root CA, technicians' leaf certificates and
 * signing requests; install a certificate a CA issued.
 *
 * The profiles are what poppler, NSS and Acrobat accept (DESIGN §7): a
 * root with CA:TRUE and keyCertSign+cRLSign; leaves with CA:FALSE,
 * digitalSignature+nonRepudiation and no extended key usage (the
 * documentSigning EKU makes poppler report "Unknown issue").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "certs/keys.h"
#include "certs/keys_priv.h"

#define OID_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"

static X509_NAME *
name_build(const struct cert_key_req *r)
{
	X509_NAME *nm = X509_NAME_new();
	int ok = nm != NULL;

	if (ok && r->country != NULL && *r->country != '\0')
		ok = X509_NAME_add_entry_by_NID(nm, NID_countryName,
				MBSTRING_UTF8, (const unsigned char *)r->country,
				-1, -1, 0);
	if (ok && r->org != NULL && *r->org != '\0')
		ok = X509_NAME_add_entry_by_NID(nm, NID_organizationName,
				MBSTRING_UTF8, (const unsigned char *)r->org,
				-1, -1, 0);
	if (ok)
		ok = r->name != NULL && *r->name != '\0' &&
		     X509_NAME_add_entry_by_NID(nm, NID_commonName,
				MBSTRING_UTF8, (const unsigned char *)r->name,
				-1, -1, 0);
	if (!ok) {
		X509_NAME_free(nm);
		return NULL;
	}
	return nm;
}

/* A random positive 127-bit serial number. */
static int
set_serial(X509 *x)
{
	unsigned char b[16];
	ASN1_INTEGER *ai = NULL;
	BIGNUM *bn;
	int ok = 0;

	if (wc_random(b, sizeof(b)) != 0)
		return 0;
	b[0] &= 0x7f;
	b[0] |= 0x01;		/* never zero, always 16 bytes */
	bn = BN_bin2bn(b, sizeof(b), NULL);
	if (bn != NULL)
		ai = BN_to_ASN1_INTEGER(bn, NULL);
	if (ai != NULL)
		ok = X509_set_serialNumber(x, ai);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return ok;
}

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e;
	int ok;

	e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	if (e == NULL)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

static int
add_profile(X509 *x, X509 *issuer, int ca)
{
	X509V3_CTX ctx;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	return add_ext(x, &ctx, NID_basic_constraints,
		       ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
	       add_ext(x, &ctx, NID_key_usage,
		       ca ? "critical,keyCertSign,cRLSign"
			  : "critical,digitalSignature,nonRepudiation") &&
	       add_ext(x, &ctx, NID_subject_key_identifier, "hash") &&
	       add_ext(x, &ctx, NID_authority_key_identifier,
		       "keyid:always");
}

static int
set_validity(X509 *x, const struct cert_key_req *r, unsigned days)
{
	time_t nb = r->not_before ? r->not_before : time(NULL);

	return X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &nb) &&
	       X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, &nb);
}

/*
 * Build and sign a certificate for pub.  issuer NULL: self-signed by
 * pub's own key (sign_key).
 */
static X509 *
cert_build(const struct cert_key_req *r, EVP_PKEY *pub, X509 *issuer,
	   EVP_PKEY *sign_key, unsigned days)
{
	X509_NAME *nm = name_build(r);
	X509 *x = X509_new();
	int ok;

	ok = nm != NULL && x != NULL && X509_set_version(x, 2) &&
	     set_serial(x) && X509_set_subject_name(x, nm) &&
	     X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
					    : nm) &&
	     set_validity(x, r, days) && X509_set_pubkey(x, pub);
	/* Never outlive the issuer. */
	if (ok && issuer != NULL &&
	    ASN1_TIME_compare(X509_get0_notAfter(x),
			      X509_get0_notAfter(issuer)) > 0)
		ok = X509_set1_notAfter(x, X509_get0_notAfter(issuer));
	ok = ok && add_profile(x, issuer ? issuer : x, issuer == NULL) &&
	     X509_sign(x, sign_key, EVP_sha256()) > 0;
	X509_NAME_free(nm);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int
write_cert(X509 *x, const char *path)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ret = -EIO;

	if (b != NULL && PEM_write_bio_X509(b, x)) {
		n = BIO_get_mem_data(b, &data);
		ret = keys_write_new(path, data, (size_t)n, 0644);
	}
	BIO_free(b);
	return ret;
}

/* Write key then certificate; remove the key if the certificate fails. */
static int
write_pair(EVP_PKEY *k, X509 *x, const char *pass, unsigned iter,
	   const char *key_path, const char *cert_path)
{
	int ret;

	if (access(key_path, F_OK) == 0 || access(cert_path, F_OK) == 0)
		return -EEXIST;
	ret = keys_write_key(k, pass, iter, key_path);
	if (ret != 0)
		return ret;
	ret = write_cert(x, cert_path);
	if (ret != 0)
		unlink(key_path);
	return ret;
}

int
cert_key_ca_init(const struct cert_key_req *req, const char *pass,
		 const char *key_path, const char *cert_path)
{
	EVP_PKEY *k;
	X509 *x = NULL;
	int ret = -EINVAL;

	if (access(key_path, F_OK) == 0 || access(cert_path, F_OK) == 0)
		return -EEXIST;
	k = EVP_EC_gen("P-256");
	if (k == NULL)
		return -EIO;
	x = cert_build(req, k, NULL, k, req->days ? req->days : CERT_CA_DAYS);
	if (x != NULL)
		ret = write_pair(k, x, pass, req->kdf_iter, key_path,
				 cert_path);
	X509_free(x);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return ret;
}

/* The CA's key and certificate, checked against each other. */
static int
load_ca(const char *ca_key, const char *ca_cert, const char *ca_pass,
	EVP_PKEY **k, X509 **x)
{
	STACK_OF(X509) *sk = NULL;
	void *skv = NULL;
	int ret;

	ret = cert_load_certs(ca_cert, &skv);
	if (ret != 0)
		return ret;
	sk = skv;
	*x = sk_X509_shift(sk);
	sk_X509_pop_free(sk, X509_free);
	if (X509_check_ca(*x) != 1 ||
	    !(X509_get_extension_flags(*x) & EXFLAG_CA)) {
		ret = -EKEYREJECTED;
		goto fail;
	}
	ret = cert_key_load(ca_key, ca_pass, (void **)k);
	if (ret != 0)
		goto fail;
	if (X509_check_private_key(*x, *k) == 1)
		return 0;
	ret = -EKEYREJECTED;
	EVP_PKEY_free(*k);
	*k = NULL;
fail:
	X509_free(*x);
	*x = NULL;
	ERR_clear_error();
	return ret;
}

int
cert_key_leaf_init(const struct cert_key_req *req, const char *pass,
		   const char *ca_key, const char *ca_cert,
		   const char *ca_pass, const char *key_path,
		   const char *cert_path)
{
	unsigned days = req->days ? req->days : CERT_LEAF_DAYS;
	EVP_PKEY *cak = NULL, *k = NULL;
	X509 *cax = NULL, *x = NULL;
	int ret;

	if (days > CERT_LEAF_DAYS)
		return -ERANGE;
	if (access(key_path, F_OK) == 0 || access(cert_path, F_OK) == 0)
		return -EEXIST;
	ret = load_ca(ca_key, ca_cert, ca_pass, &cak, &cax);
	if (ret != 0)
		return ret;
	ret = -EIO;
	k = EVP_EC_gen("P-256");
	if (k != NULL)
		x = cert_build(req, k, cax, cak, days);
	if (x != NULL)
		ret = write_pair(k, x, pass, req->kdf_iter, key_path,
				 cert_path);
	else if (k != NULL)
		ret = -EINVAL;
	X509_free(x);
	X509_free(cax);
	EVP_PKEY_free(k);
	EVP_PKEY_free(cak);
	ERR_clear_error();
	return ret;
}

static X509_REQ *
csr_build(const struct cert_key_req *r, EVP_PKEY *k)
{
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	X509_NAME *nm = name_build(r);
	X509_REQ *q = X509_REQ_new();
	X509_EXTENSION *e1, *e2;
	int ok;

	e1 = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
				 "critical,CA:FALSE");
	e2 = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage,
				 "critical,digitalSignature,nonRepudiation");
	ok = exts && nm && q && e1 && e2 && sk_X509_EXTENSION_push(exts, e1);
	if (ok)
		e1 = NULL;
	ok = ok && sk_X509_EXTENSION_push(exts, e2);
	if (ok)
		e2 = NULL;
	ok = ok && X509_REQ_set_version(q, 0) &&
	     X509_REQ_set_subject_name(q, nm) && X509_REQ_set_pubkey(q, k) &&
	     X509_REQ_add_extensions(q, exts) &&
	     X509_REQ_sign(q, k, EVP_sha256()) > 0;
	X509_EXTENSION_free(e1);
	X509_EXTENSION_free(e2);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(nm);
	if (!ok) {
		X509_REQ_free(q);
		return NULL;
	}
	return q;
}

static int
write_csr(X509_REQ *q, const char *path)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ret = -EIO;

	if (b != NULL && PEM_write_bio_X509_REQ(b, q)) {
		n = BIO_get_mem_data(b, &data);
		ret = keys_write_new(path, data, (size_t)n, 0644);
	}
	BIO_free(b);
	return ret;
}

int
cert_key_csr(const struct cert_key_req *req, const char *pass, int reuse,
	     const char *key_path, const char *csr_path)
{
	EVP_PKEY *k = NULL;
	X509_REQ *q = NULL;
	int ret;

	if (access(csr_path, F_OK) == 0 ||
	    (!reuse && access(key_path, F_OK) == 0))
		return -EEXIST;
	if (reuse)
		ret = cert_key_load(key_path, pass, (void **)&k);
	else
		ret = (k = EVP_EC_gen("P-256")) != NULL ? 0 : -EIO;
	if (ret != 0)
		return ret;
	q = csr_build(req, k);
	ret = q != NULL ? 0 : -EINVAL;
	if (ret == 0 && !reuse)
		ret = keys_write_key(k, pass, req->kdf_iter, key_path);
	if (ret == 0) {
		ret = write_csr(q, csr_path);
		if (ret != 0 && !reuse)
			unlink(key_path);
	}
	X509_REQ_free(q);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return ret;
}

/* Has x the documentSigning extended key usage? */
static int
has_document_signing(X509 *x)
{
	EXTENDED_KEY_USAGE *eku;
	char oid[64];
	int i, found = 0;

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	for (i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++) {
		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, i), 1);
		if (strcmp(oid, OID_DOCUMENT_SIGNING) == 0)
			found = 1;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

/* A leaf this code can sign with: not a CA, digitalSignature allowed. */
static int
leaf_usable(X509 *x)
{
	uint32_t ku = X509_get_key_usage(x);

	if (X509_get_extension_flags(x) & EXFLAG_CA)
		return 0;
	if (ku != UINT32_MAX && !(ku & KU_DIGITAL_SIGNATURE))
		return 0;
	return !has_document_signing(x);
}

static int
verify_with(X509 *x, const char *ca_cert, time_t now)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_STORE *st = X509_STORE_new();
	STACK_OF(X509) *sk = NULL;
	void *skv = NULL;
	int i, ret;

	ret = cert_load_certs(ca_cert, &skv);
	sk = skv;
	if (ret == 0 && (ctx == NULL || st == NULL))
		ret = -ENOMEM;
	for (i = 0; ret == 0 && i < sk_X509_num(sk); i++)
		if (!X509_STORE_add_cert(st, sk_X509_value(sk, i)))
			ret = -ENOMEM;
	if (ret == 0 && !X509_STORE_CTX_init(ctx, st, x, sk))
		ret = -ENOMEM;
	if (ret == 0) {
		X509_STORE_CTX_set_time(ctx, 0, now);
		if (X509_verify_cert(ctx) != 1)
			ret = -EBADMSG;
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return ret;
}

int
cert_key_import(const char *key_path, const char *pass, const char *issued,
		const char *ca_cert, time_t now, const char *cert_path)
{
	STACK_OF(X509) *sk;
	EVP_PKEY *k = NULL;
	void *skv = NULL;
	X509 *x;
	int ret;

	if (access(cert_path, F_OK) == 0)
		return -EEXIST;
	ret = cert_load_certs(issued, &skv);
	if (ret != 0)
		return ret;
	sk = skv;
	x = sk_X509_value(sk, 0);
	ret = cert_key_load(key_path, pass, (void **)&k);
	if (ret == 0 && X509_check_private_key(x, k) != 1)
		ret = -EKEYREJECTED;
	if (ret == 0 && !leaf_usable(x))
		ret = -EINVAL;
	if (ret == 0)
		ret = keys_check_time(x, now);
	if (ret == 0 && ca_cert != NULL)
		ret = verify_with(x, ca_cert, now);
	if (ret == 0)
		ret = write_cert(x, cert_path);
	EVP_PKEY_free(k);
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return ret;
}

int
keys_check_time(X509 *x, time_t now)
{
	int nb = X509_cmp_time(X509_get0_notBefore(x), &now);
	int na = X509_cmp_time(X509_get0_notAfter(x), &now);

	if (nb == 0 || na == 0)
		return -EINVAL;
	return nb < 0 && na > 0 ? 0 : -EKEYEXPIRED;
}
