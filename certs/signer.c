/*
 * signer.c - the unlocked signing key with its certificate and chain,
 * and descriptions of certificates for `key show` and messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "certs/certs.h"
#include "certs/keys.h"
#include "certs/keys_priv.h"
#include "certs/signer_priv.h"

static void
name_text(X509_NAME *nm, char *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;

	out[0] = '\0';
	if (b == NULL)
		return;
	/* RFC 2253, but UTF-8 as is rather than \XX escapes. */
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 &
			       ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(b, &data);
		if (n >= 0 && (size_t)n < cap) {
			memcpy(out, data, (size_t)n);
			out[n] = '\0';
		}
	}
	BIO_free(b);
}

static void
cn_text(X509_NAME *nm, char *out, size_t cap)
{
	unsigned char *u = NULL;
	int i, k;

	out[0] = '\0';
	i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	if (i < 0)
		return;
	k = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
					   X509_NAME_get_entry(nm, i)));
	if (k >= 0 && (size_t)k < cap) {
		memcpy(out, u, (size_t)k);
		out[k] = '\0';
	}
	OPENSSL_free(u);
}

static void
key_text(EVP_PKEY *k, char *out, size_t cap)
{
	char group[64];
	const char *nist;

	out[0] = '\0';
	if (k == NULL)
		return;
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	    EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
					   group, sizeof(group), NULL)) {
		nist = EC_curve_nid2nist(OBJ_sn2nid(group));
		wc_fmt(out, cap, "EC %s", nist ? nist : group);
	} else if (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA) {
		wc_fmt(out, cap, "RSA %d", EVP_PKEY_get_bits(k));
	} else {
		wc_fmt(out, cap, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(k)));
	}
}

static void
spki_hash(X509_PUBKEY *pk, char out[65])
{
	unsigned char *der = NULL;
	uint8_t md[32];
	int n;

	out[0] = '\0';
	n = i2d_X509_PUBKEY(pk, &der);
	if (n > 0) {
		wc_sha256(der, (size_t)n, md);
		wc_hex(out, md, sizeof(md));
	}
	OPENSSL_free(der);
}

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

static void
usage_text(X509 *x, struct cert_key_info *info)
{
	static const struct { uint32_t bit; const char *name; } ku[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
		{ KU_KEY_CERT_SIGN, "keyCertSign" },
		{ KU_CRL_SIGN, "cRLSign" },
	};
	EXTENDED_KEY_USAGE *eku;
	uint32_t bits = X509_get_key_usage(x);
	char oid[64];
	size_t i, k;

	for (i = 0; bits != UINT32_MAX && i < WC_ARRAY_SIZE(ku); i++) {
		if (!(bits & ku[i].bit))
			continue;
		k = strlen(info->key_usage);
		wc_fmt(info->key_usage + k, sizeof(info->key_usage) - k,
		       "%s%s", k ? " " : "", ku[i].name);
	}
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	for (i = 0; eku != NULL && i < (size_t)sk_ASN1_OBJECT_num(eku); i++) {
		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, (int)i),
			    0);
		k = strlen(info->ext_key_usage);
		wc_fmt(info->ext_key_usage + k,
		       sizeof(info->ext_key_usage) - k, "%s%s", k ? " " : "",
		       oid);
	}
	EXTENDED_KEY_USAGE_free(eku);
}

int
cert_x509_describe(const void *x509, struct cert_key_info *info)
{
	X509 *x = (X509 *)x509;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	BIGNUM *bn;
	char *hex;
	size_t i;

	memset(info, 0, sizeof(*info));
	if (x == NULL || !X509_digest(x, EVP_sha256(), md, &mdlen) ||
	    mdlen != 32)
		return -EINVAL;
	wc_hex(info->fingerprint, md, 32);
	name_text(X509_get_subject_name(x), info->subject,
		  sizeof(info->subject));
	name_text(X509_get_issuer_name(x), info->issuer, sizeof(info->issuer));
	cn_text(X509_get_subject_name(x), info->cn, sizeof(info->cn));
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	hex = bn ? BN_bn2hex(bn) : NULL;
	for (i = 0; hex != NULL && hex[i] && i + 1 < sizeof(info->serial);
	     i++)
		info->serial[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F'
					 ? hex[i] - 'A' + 'a' : hex[i]);
	OPENSSL_free(hex);
	BN_free(bn);
	info->not_before = asn1_time(X509_get0_notBefore(x));
	info->not_after = asn1_time(X509_get0_notAfter(x));
	spki_hash(X509_get_X509_PUBKEY(x), info->spki_sha256);
	key_text(X509_get0_pubkey(x), info->key_type, sizeof(info->key_type));
	info->is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	usage_text(x, info);
	ERR_clear_error();
	return 0;
}

static int
describe_csr(const char *buf, size_t len, struct cert_key_info **out,
	     size_t *n)
{
	BIO *b = BIO_new_mem_buf(buf, (int)len);
	X509_REQ *q = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	struct cert_key_info *info;

	BIO_free(b);
	if (q == NULL)
		return -EINVAL;
	info = calloc(1, sizeof(*info));
	if (info == NULL) {
		X509_REQ_free(q);
		return -ENOMEM;
	}
	name_text(X509_REQ_get_subject_name(q), info->subject,
		  sizeof(info->subject));
	cn_text(X509_REQ_get_subject_name(q), info->cn, sizeof(info->cn));
	spki_hash(X509_REQ_get_X509_PUBKEY(q), info->spki_sha256);
	key_text(X509_REQ_get0_pubkey(q), info->key_type,
		 sizeof(info->key_type));
	info->is_ca = -1;
	X509_REQ_free(q);
	*out = info;
	*n = 1;
	return 0;
}

int
cert_key_describe_file(const char *path, struct cert_key_info **out,
		       size_t *n)
{
	STACK_OF(X509) *sk;
	void *skv = NULL;
	char *buf = NULL;
	size_t len, i;
	int ret;

	ret = cert_load_certs(path, &skv);
	if (ret == -EINVAL && wc_read_file(path, 1 << 20, &buf, &len) == 0) {
		ret = describe_csr(buf, len, out, n);
		free(buf);
		ERR_clear_error();
		return ret;
	}
	if (ret != 0)
		return ret;
	sk = skv;
	*n = (size_t)sk_X509_num(sk);
	*out = calloc(*n, sizeof(**out));
	ret = *out != NULL ? 0 : -ENOMEM;
	for (i = 0; ret == 0 && i < *n; i++)
		ret = cert_x509_describe(sk_X509_value(sk, (int)i),
					 &(*out)[i]);
	sk_X509_pop_free(sk, X509_free);
	if (ret != 0) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

/* ---- the signer ------------------------------------------------------- */

/* Certificate (first of cert_path) and chain (the rest, then chain_path). */
static int
signer_certs(struct cert_signer *s, const char *cert_path,
	     const char *chain_path)
{
	STACK_OF(X509) *more;
	void *skv = NULL;
	X509 *x;
	int ret;

	ret = cert_load_certs(cert_path, &skv);
	if (ret != 0)
		return ret;
	s->chain = skv;
	s->cert = sk_X509_shift(s->chain);
	if (chain_path == NULL)
		return 0;
	ret = cert_load_certs(chain_path, &skv);
	if (ret != 0)
		return ret;
	more = skv;
	while ((x = sk_X509_shift(more)) != NULL) {
		if (!sk_X509_push(s->chain, x)) {
			X509_free(x);
			ret = -ENOMEM;
			break;
		}
	}
	sk_X509_pop_free(more, X509_free);
	return ret;
}

int
cert_signer_load(const char *key_path, const char *cert_path,
		 const char *chain_path, const char *passphrase_file,
		 time_t now, struct cert_signer **out)
{
	struct cert_key_info info;
	char pass[CERT_PASS_MAX], prompt[512];
	struct cert_signer *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	ret = signer_certs(s, cert_path, chain_path);
	if (ret == 0)
		ret = keys_check_time(s->cert, now);
	if (ret == 0)	/* before asking for a passphrase */
		ret = cert_key_check_file(key_path);
	if (ret == 0 && wc_fmt(prompt, sizeof(prompt), "passphrase for %s: ",
			       key_path) != 0)
		ret = -ENAMETOOLONG;
	if (ret == 0)
		ret = cert_passphrase_get(passphrase_file, prompt, 0, pass);
	if (ret == 0) {
		ret = cert_key_load(key_path, pass, (void **)&s->pkey);
		explicit_bzero(pass, sizeof(pass));
	}
	if (ret == 0 && X509_check_private_key(s->cert, s->pkey) != 1)
		ret = -EKEYREJECTED;
	if (ret == 0)
		ret = cert_x509_describe(s->cert, &info);
	if (ret == 0) {
		memcpy(s->fingerprint, info.fingerprint, sizeof(s->fingerprint));
		wc_fmt(s->name, sizeof(s->name), "%s", info.cn);
		*out = s;
	} else {
		cert_signer_free(s);
	}
	ERR_clear_error();
	return ret;
}

void
cert_signer_free(struct cert_signer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->pkey);	/* OpenSSL clears private key memory */
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s);
}

const char *
cert_signer_name(const struct cert_signer *s)
{
	return s->name;
}

const char *
cert_signer_fingerprint(const struct cert_signer *s)
{
	return s->fingerprint;
}

void *
cert_signer_pkey(const struct cert_signer *s)
{
	return s->pkey;
}

void *
cert_signer_x509(const struct cert_signer *s)
{
	return s->cert;
}
