/*
 * pdfverify.c - check a signed certificate without poppler: the last
 * signature's /ByteRange covers the whole file but its /Contents, the
 * /Contents hold exactly one DER CMS then zeros, the CMS verifies over
 * the ranges, and the signer chains to the given root.  The record it
 * carries is checked in pdfrecord.c.
 *
 * INVALID (tampered or malformed) outranks UNTRUSTED (intact, but the
 * chain does not reach the root or a certificate is expired).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "certs/keys.h"
#include "certs/verify_priv.h"

#define MAX_FIELDS 64

struct vctx {
	struct pdf_doc d;
	struct cert_verify_result *res;
	struct pdf_val sig;		/* the /Sig dictionary */
	size_t a, b, c;			/* /ByteRange [0 a b c] */
	uint8_t *der;
	size_t derlen;
	CMS_ContentInfo *cms;
	STACK_OF(X509) *roots;		/* NULL: no root given */
	int ncerts;			/* certificates in the DER */
};

void
vfy_fail(struct cert_verify_result *res, enum cert_verdict v,
	 const char *fmt, ...)
{
	va_list ap;

	if (res->verdict == CERT_INVALID ||
	    (res->verdict == CERT_UNTRUSTED && v != CERT_INVALID))
		return;
	res->verdict = v;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

/* A /Sig value of one field: the one whose ranges end furthest wins. */
static void
sig_candidate(struct vctx *v, const struct pdf_val *field, size_t *best)
{
	struct pdf_val ft, sig, br, x;
	size_t pos = 0, end = 0;
	int64_t k[4];
	int i;

	if (pdf_get(&v->d, field, "FT", &ft) != 0 ||
	    !pdf_name_is(v->d.p, &ft, "Sig") ||
	    pdf_get(&v->d, field, "V", &sig) != 0 || sig.type != PDF_DICT ||
	    pdf_get(&v->d, &sig, "ByteRange", &br) != 0 ||
	    br.type != PDF_ARRAY)
		return;
	for (i = 0; i < 4; i++) {
		if (pdf_array_next(v->d.p, v->d.n, &br, &pos, &x) != 0 ||
		    x.type != PDF_INT || x.num < 0)
			return;
		k[i] = x.num;
	}
	end = (size_t)k[2] + (size_t)k[3];
	if (v->sig.type == PDF_NONE || end >= *best) {
		v->sig = sig;
		*best = end;
	}
}

/* Catalog → /AcroForm → /Fields (and their /Kids, one level down). */
static int
find_sig(struct vctx *v)
{
	struct pdf_val cat, form, fields, f, kids, kid;
	size_t pos = 0, kpos, best = 0, nf = 0;

	if (pdf_resolve(&v->d, &v->d.root, &cat) != 0 ||
	    cat.type != PDF_DICT)
		return -EINVAL;
	if (pdf_get(&v->d, &cat, "AcroForm", &form) != 0 ||
	    form.type != PDF_DICT ||
	    pdf_get(&v->d, &form, "Fields", &fields) != 0 ||
	    fields.type != PDF_ARRAY)
		return -ENOENT;
	while (pdf_array_next(v->d.p, v->d.n, &fields, &pos, &f) == 0 &&
	       nf++ < MAX_FIELDS) {
		if (pdf_resolve(&v->d, &f, &f) != 0 || f.type != PDF_DICT)
			continue;
		sig_candidate(v, &f, &best);
		if (pdf_get(&v->d, &f, "Kids", &kids) != 0 ||
		    kids.type != PDF_ARRAY)
			continue;
		kpos = 0;
		while (pdf_array_next(v->d.p, v->d.n, &kids, &kpos, &kid) ==
			       0 && nf++ < MAX_FIELDS)
			if (pdf_resolve(&v->d, &kid, &kid) == 0 &&
			    kid.type == PDF_DICT)
				sig_candidate(v, &kid, &best);
	}
	return v->sig.type == PDF_DICT ? 0 : -ENOENT;
}

static int
check_filter(struct vctx *v)
{
	struct pdf_val x;

	if (pdf_get(&v->d, &v->sig, "SubFilter", &x) != 0 ||
	    (!pdf_name_is(v->d.p, &x, "ETSI.CAdES.detached") &&
	     !pdf_name_is(v->d.p, &x, "adbe.pkcs7.detached"))) {
		vfy_fail(v->res, CERT_INVALID,
			 "signature is not a detached CMS signature");
		return -1;
	}
	return 0;
}

/* /ByteRange [0 a b c]: everything but exactly the /Contents string. */
static int
check_ranges(struct vctx *v)
{
	struct pdf_val br, x, contents;
	const uint8_t *p = v->d.p;
	size_t pos = 0, n = v->d.n;
	int64_t k[4];
	int i;

	if (pdf_get(&v->d, &v->sig, "ByteRange", &br) != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		if (pdf_array_next(p, n, &br, &pos, &x) != 0 ||
		    x.type != PDF_INT || x.num < 0 || (uint64_t)x.num > n)
			goto bad;
		k[i] = x.num;
	}
	if (pdf_array_next(p, n, &br, &pos, &x) != -ENOENT || k[0] != 0)
		goto bad;
	v->a = (size_t)k[1];
	v->b = (size_t)k[2];
	v->c = (size_t)k[3];
	if (v->a >= v->b || v->b > n || v->c > n - v->b)
		goto bad;
	if (v->b + v->c != n) {
		vfy_fail(v->res, CERT_INVALID, "signature does not cover the "
			 "whole file (%zu bytes not signed)", n - v->b - v->c);
		return -1;
	}
	if (pdf_dict_get(p, n, &v->sig, "Contents", &contents) != 0 ||
	    contents.type != PDF_HEXSTRING || contents.off != v->a ||
	    contents.off + contents.len != v->b) {
		vfy_fail(v->res, CERT_INVALID, "/ByteRange leaves out more "
			 "than the /Contents string");
		return -1;
	}
	return 0;
bad:
	vfy_fail(v->res, CERT_INVALID, "malformed /ByteRange");
	return -1;
}

/* Length of the DER element at der[0], or 0 when not definite DER. */
static size_t
der_len(const uint8_t *der, size_t n, size_t *hdr)
{
	size_t len = 0, k, i;

	if (n < 2)
		return 0;
	if (!(der[1] & 0x80)) {
		len = der[1];
		k = 0;
	} else {
		k = der[1] & 0x7f;	/* 0: BER indefinite length */
		if (k == 0 || k > 4 || n < 2 + k || der[2] == 0)
			return 0;
		for (i = 0; i < k; i++)
			len = len << 8 | der[2 + i];
		if (len < 128)
			return 0;	/* long form where short would do */
	}
	*hdr = 2 + k;
	return len > n - *hdr ? 0 : len;
}

static int
hexdigit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* /Contents: hex digits only, one DER element, then zero bytes only. */
static int
check_contents(struct vctx *v)
{
	const uint8_t *hex = v->d.p + v->a + 1;
	size_t nhex = v->b - v->a - 2, i, hdr = 0, len;
	int hi, lo, upper = 0, lower = 0;

	if (nhex % 2 != 0 || nhex == 0)
		goto bad;
	v->der = malloc(nhex / 2);
	if (v->der == NULL)
		return -ENOMEM;
	/* One case throughout: 'a' → 'A' would decode the same. */
	for (i = 0; i < nhex; i++) {
		upper |= hex[i] >= 'A' && hex[i] <= 'F';
		lower |= hex[i] >= 'a' && hex[i] <= 'f';
	}
	if (upper && lower)
		goto bad;
	for (i = 0; i < nhex; i += 2) {
		hi = hexdigit(hex[i]);
		lo = hexdigit(hex[i + 1]);
		if (hi < 0 || lo < 0)
			goto bad;
		v->der[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	len = der_len(v->der, nhex / 2, &hdr);
	if (v->der[0] != 0x30 || len == 0)
		goto bad;
	v->derlen = hdr + len;
	for (i = v->derlen; i < nhex / 2; i++) {
		if (v->der[i] != 0) {
			vfy_fail(v->res, CERT_INVALID, "/Contents holds "
				 "non-zero bytes after the signature");
			return -1;
		}
	}
	return 0;
bad:
	vfy_fail(v->res, CERT_INVALID, "/Contents is not one DER signature");
	return -1;
}

/* The next TLV at *pos inside [0, end): tag, contents span. */
static int
der_next(const uint8_t *der, size_t end, size_t *pos, uint8_t *tag,
	 size_t *coff, size_t *clen)
{
	size_t hdr = 0, len;

	if (*pos >= end)
		return -1;
	len = der_len(der + *pos, end - *pos, &hdr);
	if (len == 0 && (end - *pos < 2 || der[*pos + 1] != 0))
		return -1;
	*tag = der[*pos];
	*coff = *pos + hdr;
	*clen = len;
	*pos = *coff + len;
	return 0;
}

#define CMS_MALFORMED "/Contents is not a well-formed DER CMS signature " \
	"with one signer"

/*
 * After digestAlgorithms: encapContentInfo, [0] certificates (each a
 * plain X.509 certificate, counted into *ncerts), no [1] crls, then the
 * signerInfos SET at *si_off, *si_len.
 */
static const char *
signed_data_tail(const uint8_t *d, size_t end, size_t pos, int *ncerts,
		 size_t *si_off, size_t *si_len)
{
	size_t off, len, p, o, l;
	uint8_t tag;

	*ncerts = 0;
	if (der_next(d, end, &pos, &tag, &off, &len) || tag != 0x30 ||
	    der_next(d, end, &pos, &tag, &off, &len))
		return CMS_MALFORMED;
	if (tag == 0xa0) {
		for (p = off; p < off + len; (*ncerts)++)
			if (der_next(d, off + len, &p, &tag, &o, &l) ||
			    tag != 0x30)
				return "the signature carries a certificate "
				       "of an unexpected kind";
		if (der_next(d, end, &pos, &tag, &off, &len))
			return CMS_MALFORMED;
	}
	if (tag == 0xa1)
		return "the signature carries revocation lists";
	if (tag != 0x31 || pos != end)
		return CMS_MALFORMED;
	*si_off = off;
	*si_len = len;
	return NULL;
}

/*
 * The one SignerInfo: version 1, issuerAndSerialNumber, digest, signed
 * attributes, signature algorithm, signature, and nothing after it.
 */
static const char *
signer_info_shape(const uint8_t *d, size_t off, size_t len)
{
	static const uint8_t want[] = { 0x02, 0x30, 0x30, 0xa0, 0x30, 0x04 };
	size_t pos = off, end = off + len, o, l;
	uint8_t tag;
	size_t i;

	if (der_next(d, end, &pos, &tag, &o, &l) || tag != 0x30 ||
	    pos != end)
		return CMS_MALFORMED;
	pos = o;
	end = o + l;
	for (i = 0; i < WC_ARRAY_SIZE(want); i++)
		if (der_next(d, end, &pos, &tag, &o, &l) || tag != want[i] ||
		    (i == 0 && (l != 1 || d[o] != 1)))
			return CMS_MALFORMED;
	if (pos == end)
		return NULL;
	if (der_next(d, end, &pos, &tag, &o, &l) == 0 && tag == 0xa1)
		return "the signature has unsigned attributes";
	return CMS_MALFORMED;
}

/*
 * The parts of a SignedData that no signature covers: both versions
 * must be 1, digestAlgorithms exactly the signer's digest, no CRLs and
 * no unsigned attributes, so that no byte of the DER can change
 * unnoticed.  Returns NULL, or why not.
 */
static const char *
cms_shape_fault(struct vctx *v, const X509_ALGOR *dig)
{
	const uint8_t *d = v->der;
	unsigned char *alg = NULL;
	const char *why = CMS_MALFORMED;
	size_t pos = 0, off, len, end, si_off = 0, si_len = 0;
	uint8_t tag;
	int n;

	n = i2d_X509_ALGOR(dig, &alg);
	if (der_next(d, v->derlen, &pos, &tag, &off, &len) ||	/* ContentInfo */
	    (pos = off, der_next(d, off + len, &pos, &tag, &off, &len)) ||
	    der_next(d, v->derlen, &pos, &tag, &off, &len) || tag != 0xa0 ||
	    (pos = off, der_next(d, off + len, &pos, &tag, &off, &len)) ||
	    tag != 0x30)
		goto out;
	end = off + len;	/* SignedData */
	pos = off;
	if (der_next(d, end, &pos, &tag, &off, &len) || tag != 0x02 ||
	    len != 1 || d[off] != 1 ||
	    der_next(d, end, &pos, &tag, &off, &len) || tag != 0x31 ||
	    n <= 0 || len != (size_t)n || memcmp(d + off, alg, len) != 0)
		goto out;
	why = signed_data_tail(d, end, pos, &v->ncerts, &si_off, &si_len);
	if (why == NULL)
		why = signer_info_shape(d, si_off, si_len);
out:
	OPENSSL_free(alg);
	return why;
}

/* SHA-256, its parameters absent (NULL would be a second encoding). */
static int
digest_ok(const X509_ALGOR *dig)
{
	const ASN1_OBJECT *obj = NULL;
	int ptype = V_ASN1_EOC;

	if (dig == NULL)
		return 0;
	X509_ALGOR_get0(&obj, &ptype, NULL, dig);
	return OBJ_obj2nid(obj) == NID_sha256 && ptype == V_ASN1_UNDEF;
}

/* Parse the CMS; one signer, SHA-256 digest, canonical DER. */
static int
parse_cms(struct vctx *v, CMS_SignerInfo **sip)
{
	const unsigned char *q = v->der;
	unsigned char *again = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	X509_ALGOR *dig = NULL;
	const ASN1_OBJECT *ct;
	const char *why;
	int n;

	v->cms = d2i_CMS_ContentInfo(NULL, &q, (long)v->derlen);
	if (v->cms == NULL || q != v->der + v->derlen ||
	    OBJ_obj2nid(CMS_get0_type(v->cms)) != NID_pkcs7_signed)
		goto bad;
	n = i2d_CMS_ContentInfo(v->cms, &again);
	if (n != (int)v->derlen || memcmp(again, v->der, v->derlen) != 0) {
		OPENSSL_free(again);
		goto bad;
	}
	OPENSSL_free(again);
	sis = CMS_get0_SignerInfos(v->cms);
	if (sk_CMS_SignerInfo_num(sis) != 1)
		goto bad;
	*sip = sk_CMS_SignerInfo_value(sis, 0);
	CMS_SignerInfo_get0_algs(*sip, NULL, NULL, &dig, NULL);
	if (!digest_ok(dig)) {
		vfy_fail(v->res, CERT_INVALID, "signature digest is not "
			 "SHA-256 with absent parameters");
		return -1;
	}
	why = cms_shape_fault(v, dig);
	if (why != NULL) {
		vfy_fail(v->res, CERT_INVALID, "%s", why);
		return -1;
	}
	/* eContentType is not signed: it must be id-data, as attested. */
	ct = CMS_signed_get0_data_by_OBJ(*sip, OBJ_nid2obj(NID_pkcs9_contentType),
					 -3, V_ASN1_OBJECT);
	if (OBJ_obj2nid(CMS_get0_eContentType(v->cms)) != NID_pkcs7_data ||
	    ct == NULL || OBJ_cmp(ct, CMS_get0_eContentType(v->cms)) != 0)
		goto bad;
	return 0;
bad:
	vfy_fail(v->res, CERT_INVALID, CMS_MALFORMED);
	return -1;
}

/* The signed bytes: [0, a) and [b, b + c). */
static uint8_t *
ranges_copy(const struct vctx *v, size_t *len)
{
	uint8_t *data = malloc(v->a + v->c);

	if (data == NULL)
		return NULL;
	memcpy(data, v->d.p, v->a);
	memcpy(data + v->a, v->d.p + v->b, v->c);
	*len = v->a + v->c;
	return data;
}

/*
 * Every certificate the CMS carries must verify under a certificate
 * named as its issuer (among them and the roots), when there is one:
 * its signature covers all of it, so no byte of it can change.  Names
 * are compared rather than X509_check_issued(), which also compares the
 * key identifiers a changed byte may have broken.  Without a root to
 * compare with, a changed copy of the root whose issuer name no longer
 * matches anything goes unnoticed here, but such a file is UNTRUSTED
 * at best anyway.
 */
static int
cert_intact(X509 *x, STACK_OF(X509) *certs, STACK_OF(X509) *roots)
{
	int i, n = sk_X509_num(certs), candidates = 0;
	X509 *y;

	for (i = 0; i < n + sk_X509_num(roots); i++) {
		y = i < n ? sk_X509_value(certs, i)
			  : sk_X509_value(roots, i - n);
		if (X509_NAME_cmp(X509_get_issuer_name(x),
				  X509_get_subject_name(y)) != 0)
			continue;
		candidates++;
		if (X509_verify(x, X509_get0_pubkey(y)) == 1)
			return 1;
	}
	if (candidates > 0)
		return 0;
	/* No issuer: then a copy of a root must be that root, unchanged. */
	for (i = 0; i < sk_X509_num(roots); i++) {
		y = sk_X509_value(roots, i);
		if (X509_NAME_cmp(X509_get_subject_name(x),
				  X509_get_subject_name(y)) == 0 &&
		    X509_cmp(x, y) != 0)
			return 0;
	}
	return 1;
}

static int
certs_intact(const struct vctx *v, STACK_OF(X509) *certs)
{
	int i;

	for (i = 0; i < sk_X509_num(certs); i++)
		if (!cert_intact(sk_X509_value(certs, i), certs, v->roots))
			return 0;
	ERR_clear_error();
	return 1;
}

static void
signer_fill(struct vctx *v, X509 *signer)
{
	struct cert_key_info info;

	if (cert_x509_describe(signer, &info) != 0)
		return;
	wc_fmt(v->res->signer_subject, sizeof(v->res->signer_subject), "%s",
	       info.subject);
	memcpy(v->res->signer_fingerprint, info.fingerprint, 65);
}

/*
 * The SignerInfo's signatureAlgorithm is not signed, and OpenSSL does
 * not hold it against the key: it must be the one form this tool
 * writes for the key, ecdsa-with-SHA256 without parameters for EC,
 * rsaEncryption with NULL parameters for RSA (as OpenSSL's CMS writes).
 */
static int
sig_alg_ok(CMS_SignerInfo *si, X509 *signer)
{
	X509_ALGOR *sig = NULL;
	const ASN1_OBJECT *obj = NULL;
	int ptype = V_ASN1_EOC, nid;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sig);
	if (sig == NULL)
		return 0;
	X509_ALGOR_get0(&obj, &ptype, NULL, sig);
	nid = OBJ_obj2nid(obj);
	switch (EVP_PKEY_get_base_id(X509_get0_pubkey(signer))) {
	case EVP_PKEY_EC:
		return nid == NID_ecdsa_with_SHA256 && ptype == V_ASN1_UNDEF;
	case EVP_PKEY_RSA:
		return nid == NID_rsaEncryption && ptype == V_ASN1_NULL;
	default:
		return 0;
	}
}

/* ECDSA: (r, n - s) verifies too; only the low-S form is accepted. */
static int
sig_low_s(CMS_SignerInfo *si, X509 *signer)
{
	ASN1_OCTET_STRING *os = CMS_SignerInfo_get0_signature(si);
	EVP_PKEY *k = X509_get0_pubkey(signer);

	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC)
		return 1;
	return os != NULL &&
	       wc_ecdsa_is_low_s(ASN1_STRING_get0_data(os),
				 (size_t)ASN1_STRING_length(os), k);
}

/* y is the (verified) issuer of some other certificate in certs. */
static int
issues_another(X509 *y, STACK_OF(X509) *certs)
{
	X509 *x;
	int i;

	for (i = 0; i < sk_X509_num(certs); i++) {
		x = sk_X509_value(certs, i);
		if (x != y && X509_cmp(x, y) != 0 &&
		    X509_NAME_cmp(X509_get_issuer_name(x),
				  X509_get_subject_name(y)) == 0 &&
		    X509_verify(x, X509_get0_pubkey(y)) == 1)
			return 1;
	}
	return 0;
}

/*
 * The certificate set is not signed: it must be the signer's
 * certificate, once, and issuers of certificates in it, each once.
 */
static const char *
cert_set_fault(const struct vctx *v, X509 *signer, STACK_OF(X509) *certs)
{
	int i, j, n = sk_X509_num(certs), has_signer = 0;
	X509 *y;

	if (n != v->ncerts)
		return "the signature carries a certificate of an "
		       "unexpected kind";
	for (i = 0; i < n; i++) {
		y = sk_X509_value(certs, i);
		for (j = i + 1; j < n; j++)
			if (X509_cmp(y, sk_X509_value(certs, j)) == 0)
				return "the signature carries a certificate "
				       "twice";
		if (X509_cmp(y, signer) == 0)
			has_signer = 1;
		else if (!issues_another(y, certs))
			return "the signature carries a certificate outside "
			       "the signer's chain";
	}
	return has_signer ? NULL : "the signer's certificate is missing";
}

/* What CMS_verify() lets pass but would let the DER change.  */
static const char *
signer_fault(const struct vctx *v, CMS_SignerInfo *si, X509 *signer,
	     STACK_OF(X509) *certs)
{
	STACK_OF(X509_CRL) *crls;
	int ncrls;

	if (!certs_intact(v, certs))
		return "a certificate in the signature was altered";
	if (!sig_alg_ok(si, signer))
		return "unexpected signature algorithm or parameters";
	if (!sig_low_s(si, signer))
		return "the ECDSA signature is not in low-S form";
	if (CMS_unsigned_get_attr_count(si) >= 0)
		return "the signature has unsigned attributes";
	crls = CMS_get1_crls(v->cms);
	ncrls = sk_X509_CRL_num(crls);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	if (crls != NULL || ncrls > 0)
		return "the signature carries revocation lists";
	return cert_set_fault(v, signer, certs);
}

/* The signature over the ranges (messageDigest, then the signature). */
static int
check_cms(struct vctx *v, CMS_SignerInfo *si)
{
	STACK_OF(X509) *signers = NULL, *certs = NULL;
	const char *why;
	unsigned long e;
	uint8_t *data;
	size_t len;
	BIO *in;
	int ok;

	data = ranges_copy(v, &len);
	if (data == NULL)
		return -ENOMEM;
	in = BIO_new_mem_buf(data, (int)len);
	ok = in != NULL && CMS_verify(v->cms, NULL, NULL, in, NULL,
				      CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY |
					      CMS_DETACHED) == 1;
	e = ERR_peek_last_error();
	BIO_free(in);
	free(data);
	if (!ok) {
		vfy_fail(v->res, CERT_INVALID, "%s",
			 ERR_GET_REASON(e) == CMS_R_CONTENT_VERIFY_ERROR
				 ? "the signed bytes were changed after signing"
				 : "the signature does not verify");
		return -1;
	}
	signers = CMS_get0_signers(v->cms);
	certs = CMS_get1_certs(v->cms);
	why = sk_X509_num(signers) != 1 ? CMS_MALFORMED
		: signer_fault(v, si, sk_X509_value(signers, 0), certs);
	if (why == NULL)
		signer_fill(v, sk_X509_value(signers, 0));
	else
		vfy_fail(v->res, CERT_INVALID, "%s", why);
	ok = why == NULL;
	sk_X509_free(signers);
	sk_X509_pop_free(certs, X509_free);
	return ok ? 0 : -1;
}

/* The chain from the signer to a given root, at the current time. */
static void
check_chain(struct vctx *v)
{
	STACK_OF(X509) *signers, *certs;
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *st;
	int i, ok;

	if (v->roots == NULL) {
		vfy_fail(v->res, CERT_UNTRUSTED, "no root CA given: the "
			 "signer's chain was not checked");
		return;
	}
	st = X509_STORE_new();
	signers = CMS_get0_signers(v->cms);
	certs = CMS_get1_certs(v->cms);
	ok = st != NULL && (ctx = X509_STORE_CTX_new()) != NULL &&
	     sk_X509_num(signers) == 1;
	for (i = 0; ok && i < sk_X509_num(v->roots); i++)
		ok = X509_STORE_add_cert(st, sk_X509_value(v->roots, i));
	ok = ok && X509_STORE_CTX_init(ctx, st, sk_X509_value(signers, 0),
				       certs);
	if (ok && X509_verify_cert(ctx) != 1)
		vfy_fail(v->res, CERT_UNTRUSTED, "signer not trusted: %s",
			 X509_verify_cert_error_string(
				 X509_STORE_CTX_get_error(ctx)));
	else if (!ok)
		vfy_fail(v->res, CERT_UNTRUSTED, "chain could not be checked");
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	sk_X509_free(signers);
	sk_X509_pop_free(certs, X509_free);
}

static int
check_signature(struct vctx *v)
{
	CMS_SignerInfo *si = NULL;
	int ret;

	ret = find_sig(v);
	if (ret != 0) {
		vfy_fail(v->res, CERT_INVALID, ret == -ENOENT
			 ? "the file is not signed" : "malformed document");
		return -1;
	}
	if (check_filter(v) || check_ranges(v))
		return -1;
	ret = check_contents(v);
	if (ret != 0)
		return ret == -ENOMEM ? ret : -1;
	if (parse_cms(v, &si))
		return -1;
	return check_cms(v, si);
}

int
cert_pdf_verify(const uint8_t *pdf, size_t len, const char *root_ca,
		struct cert_verify_result *res)
{
	struct vctx v;
	void *roots = NULL;
	int ret;

	memset(res, 0, sizeof(*res));
	res->register_seq = -1;
	memset(&v, 0, sizeof(v));
	v.res = res;
	if (root_ca != NULL) {
		ret = cert_load_certs(root_ca, &roots);
		if (ret != 0)
			return ret;
		v.roots = roots;
	}
	ret = pdf_doc_open(&v.d, pdf, len);
	if (ret == -ENOMEM)
		goto out;
	if (ret != 0) {
		vfy_fail(res, CERT_INVALID, ret == -ENOTSUP
			 ? "cross-reference streams are not supported"
			 : "not a PDF this tool can read");
		ret = 0;
		goto out;
	}
	/* The record is read even from a broken file, for `cert show`. */
	ret = check_signature(&v);
	if (ret != -ENOMEM)
		ret = vfy_record(&v.d, res);
	if (ret == 0 && res->verdict == CERT_VALID)
		check_chain(&v);
out:
	if (ret != 0)
		cert_verify_result_release(res);
	CMS_ContentInfo_free(v.cms);
	free(v.der);
	sk_X509_pop_free(v.roots, X509_free);
	pdf_doc_release(&v.d);
	ERR_clear_error();
	return ret;
}

void
cert_verify_result_release(struct cert_verify_result *res)
{
	if (res == NULL)
		return;
	free(res->record_text);
	res->record_text = NULL;
	res->record_len = 0;
}
