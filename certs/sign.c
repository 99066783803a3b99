/*
 * sign.c - PAdES baseline B-B signatures added as an incremental update
 * (ISO 32000-1 §7.5.6, §12.8; ETSI EN 319 142-1).
 *
 * The update rewrites the Catalog (adding /AcroForm, raising /Version
 * to 1.7: libharu writes %PDF-1.3) and the first page (adding the
 * signature widget to /Annots), adds the field/widget and the /Sig
 * dictionary, then a classic xref section and trailer.  /ByteRange
 * covers the whole file except the /Contents hex string, whose DER CMS
 * is written last.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>

#include "certs/sign_priv.h"
#include "certs/signer_priv.h"

#define BR_WIDTH 36		/* "[0 a b c]" with 10-digit numbers */
#define MAX_PAGE_DEPTH 16

/* What the update needs from the original file. */
struct upd {
	struct pdf_doc d;
	struct pdf_val cat;	/* Catalog dictionary */
	struct pdf_val page;	/* first page dictionary */
	uint32_t cat_num, cat_gen, page_num, page_gen;
};

/* Follow /Kids[0] from the page tree root to the first page. */
static int
first_page(struct upd *u, const struct pdf_val *pages)
{
	struct pdf_val ref = *pages, node, kids, kid, type;
	size_t pos;
	int depth;

	for (depth = 0; depth < MAX_PAGE_DEPTH; depth++) {
		if (ref.type != PDF_REF || pdf_resolve(&u->d, &ref, &node) ||
		    node.type != PDF_DICT ||
		    pdf_get(&u->d, &node, "Type", &type) != 0)
			return -EINVAL;
		if (pdf_name_is(u->d.p, &type, "Page")) {
			u->page = node;
			u->page_num = (uint32_t)ref.num;
			u->page_gen = ref.gen;
			return 0;
		}
		pos = 0;
		if (!pdf_name_is(u->d.p, &type, "Pages") ||
		    pdf_get(&u->d, &node, "Kids", &kids) != 0 ||
		    kids.type != PDF_ARRAY ||
		    pdf_array_next(u->d.p, u->d.n, &kids, &pos, &kid) != 0)
			return -EINVAL;
		ref = kid;
	}
	return -EINVAL;
}

static int
upd_open(struct upd *u, const uint8_t *pdf, size_t len)
{
	struct pdf_val type, pages, x;
	int ret;

	memset(u, 0, sizeof(*u));
	ret = pdf_doc_open(&u->d, pdf, len);
	if (ret != 0)
		return ret == -ENOMEM ? ret : -EINVAL;
	ret = -EINVAL;
	if (u->d.root.num > UINT32_MAX ||
	    pdf_resolve(&u->d, &u->d.root, &u->cat) != 0 ||
	    u->cat.type != PDF_DICT ||
	    pdf_get(&u->d, &u->cat, "Type", &type) != 0 ||
	    !pdf_name_is(pdf, &type, "Catalog"))
		goto fail;
	/* A form (and so maybe a signature) already: not ours to extend. */
	if (pdf_dict_get(pdf, len, &u->cat, "AcroForm", &x) == 0)
		goto fail;
	u->cat_num = (uint32_t)u->d.root.num;
	u->cat_gen = u->d.root.gen;
	if (pdf_dict_get(pdf, len, &u->cat, "Pages", &pages) != 0 ||
	    first_page(u, &pages) != 0 || u->page_num == u->cat_num ||
	    u->d.size > 8388605)
		goto fail;
	return 0;
fail:
	pdf_doc_release(&u->d);
	return ret;
}

/* Copy the entries of dict but those named in drop (NULL-terminated). */
static void
copy_entries(struct pdf_out *o, const struct pdf_doc *d,
	     const struct pdf_val *dict, const char *const *drop)
{
	struct pdf_val k, v;
	size_t pos = 0, i;
	int skip;

	while (pdf_dict_next(d->p, d->n, dict, &pos, &k, &v) == 0) {
		for (skip = 0, i = 0; drop[i] != NULL; i++)
			skip |= pdf_name_is(d->p, &k, drop[i]);
		if (skip)
			continue;
		pdf_out_bytes(o, d->p + k.off, k.len);
		pdf_out_bytes(o, " ", 1);
		pdf_out_bytes(o, d->p + v.off, v.len);
		pdf_out_bytes(o, "\n", 1);
	}
}

/* The version to declare: 1.7, or the Catalog's own if higher. */
static void
put_version(struct pdf_out *o, const struct upd *u)
{
	struct pdf_val v;

	if (pdf_dict_get(u->d.p, u->d.n, &u->cat, "Version", &v) == 0 &&
	    v.type == PDF_NAME && v.len == 4 &&
	    memcmp(u->d.p + v.off + 1, "1.7", 3) > 0) {
		pdf_out_printf(o, "/Version %.*s\n", (int)v.len,
			       (const char *)u->d.p + v.off);
		return;
	}
	pdf_out_printf(o, "/Version /1.7\n");
}

static void
put_catalog(struct pdf_out *o, const struct upd *u, uint32_t field)
{
	static const char *const drop[] = { "AcroForm", "Version", NULL };

	pdf_out_printf(o, "%u %u obj\n<<\n", u->cat_num, u->cat_gen);
	copy_entries(o, &u->d, &u->cat, drop);
	put_version(o, u);
	pdf_out_printf(o, "/AcroForm << /Fields [%u 0 R] /SigFlags 3 >>\n"
			  ">>\nendobj\n", field);
}

/* The page with the widget added to its (possibly indirect) /Annots. */
static int
put_page(struct pdf_out *o, const struct upd *u, uint32_t field)
{
	static const char *const drop[] = { "Annots", NULL };
	struct pdf_val annots, a;
	size_t pos = 0;
	int ret;

	pdf_out_printf(o, "%u %u obj\n<<\n", u->page_num, u->page_gen);
	copy_entries(o, &u->d, &u->page, drop);
	pdf_out_printf(o, "/Annots [");
	ret = pdf_get(&u->d, &u->page, "Annots", &annots);
	if (ret == 0 && annots.type != PDF_ARRAY)
		return -EINVAL;
	while (ret == 0 &&
	       (ret = pdf_array_next(u->d.p, u->d.n, &annots, &pos, &a)) == 0)
		pdf_out_printf(o, "%.*s ", (int)a.len,
			       (const char *)u->d.p + a.off);
	if (ret != -ENOENT)
		return -EINVAL;
	pdf_out_printf(o, "%u 0 R]\n>>\nendobj\n", field);
	return 0;
}

/* "D:20251201172405+09'00'" in the process's time zone. */
static void
pdf_date(char out[32], time_t t)
{
	struct tm tm;
	long off;
	char base[16];

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	strftime(base, sizeof(base), "%Y%m%d%H%M%S", &tm);
	wc_fmt(out, 32, "D:%s%c%02ld'%02ld'", base, off < 0 ? '-' : '+',
	       labs(off) / 60, labs(off) % 60);
}

static void
put_widget(struct pdf_out *o, const struct sign_layout *lay,
	   uint32_t page_gen)
{
	pdf_out_printf(o, "%u 0 obj\n<< /Type /Annot /Subtype /Widget "
		       "/FT /Sig /T (Signature1) /V %u 0 R /P %u %u R "
		       "/Rect [0 0 0 0] /F 132 >>\nendobj\n", lay->field,
		       lay->sig, lay->page, page_gen);
}

static void
put_sig(struct pdf_out *o, struct sign_layout *lay, size_t reserve,
	time_t when, size_t *br_off)
{
	char date[32];
	size_t i;

	pdf_date(date, when);
	pdf_out_printf(o, "%u 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite "
		       "/SubFilter /ETSI.CAdES.detached /M (%s)\n/ByteRange ",
		       lay->sig, date);
	*br_off = o->n;
	pdf_out_printf(o, "%*s\n/Contents <", BR_WIDTH, "");
	lay->contents_off = o->n - 1;
	lay->contents_len = 2 * reserve;
	for (i = 0; i < reserve; i++)
		pdf_out_bytes(o, "00", 2);
	pdf_out_printf(o, "> >>\nendobj\n");
}

struct xent {
	uint32_t num;
	uint32_t gen;
	size_t off;
};

static int
xent_cmp(const void *a, const void *b)
{
	const struct xent *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/* The xref section (grouped in runs of consecutive numbers), trailer. */
static void
put_xref(struct pdf_out *o, const struct upd *u, struct xent *e, size_t ne,
	 size_t size, struct sign_layout *lay)
{
	size_t i, j;

	qsort(e, ne, sizeof(*e), xent_cmp);
	lay->xref_off = o->n;
	pdf_out_printf(o, "xref\n");
	for (i = 0; i < ne; i = j) {
		for (j = i + 1; j < ne && e[j].num == e[j - 1].num + 1; j++)
			;
		pdf_out_printf(o, "%u %zu\n", e[i].num, j - i);
		for (; i < j; i++)
			pdf_out_printf(o, "%010zu %05u %c\r\n", e[i].off,
				       e[i].gen, e[i].num == 0 ? 'f' : 'n');
	}
	pdf_out_printf(o, "trailer\n<< /Size %zu /Root %u %u R", size,
		       u->cat_num, u->cat_gen);
	if (u->d.info.type == PDF_REF)
		pdf_out_printf(o, " /Info %lld %u R",
			       (long long)u->d.info.num, u->d.info.gen);
	if (u->d.id.type == PDF_ARRAY)
		pdf_out_printf(o, " /ID %.*s", (int)u->d.id.len,
			       (const char *)u->d.p + u->d.id.off);
	pdf_out_printf(o, " /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n",
		       u->d.startxref, lay->xref_off);
}

static int
fill_byterange(struct pdf_out *o, struct sign_layout *lay, size_t br_off)
{
	char br[BR_WIDTH + 1];
	size_t k;

	lay->range[0] = 0;
	lay->range[1] = lay->contents_off;
	lay->range[2] = lay->contents_off + lay->contents_len + 2;
	lay->range[3] = o->n - lay->range[2];
	if (wc_fmt(br, sizeof(br), "[0 %zu %zu %zu]", lay->range[1],
		   lay->range[2], lay->range[3]) != 0)
		return -EFBIG;
	k = strlen(br);
	memcpy(o->p + br_off, br, k);
	return 0;
}

int
sign_update(const uint8_t *pdf, size_t len, size_t reserve, time_t when,
	    struct pdf_out *o, struct sign_layout *lay)
{
	struct xent e[5];
	struct upd u;
	size_t br_off = 0;
	int ret;

	memset(o, 0, sizeof(*o));
	memset(lay, 0, sizeof(*lay));
	ret = upd_open(&u, pdf, len);
	if (ret != 0)
		return ret;
	lay->catalog = u.cat_num;
	lay->page = u.page_num;
	lay->field = (uint32_t)u.d.size;
	lay->sig = lay->field + 1;
	pdf_out_bytes(o, pdf, len);
	if (pdf[len - 1] != '\n' && pdf[len - 1] != '\r')
		pdf_out_bytes(o, "\n", 1);
	e[0] = (struct xent){ 0, 65535, 0 };
	e[1] = (struct xent){ u.cat_num, u.cat_gen, o->n };
	put_catalog(o, &u, lay->field);
	e[2] = (struct xent){ u.page_num, u.page_gen, o->n };
	ret = put_page(o, &u, lay->field);
	e[3] = (struct xent){ lay->field, 0, o->n };
	put_widget(o, lay, u.page_gen);
	e[4] = (struct xent){ lay->sig, 0, o->n };
	put_sig(o, lay, reserve, when, &br_off);
	if (ret == 0) {
		put_xref(o, &u, e, 5, u.d.size + 2, lay);
		ret = o->err;
	}
	if (ret == 0)
		ret = fill_byterange(o, lay, br_off);
	pdf_doc_release(&u.d);
	if (ret != 0)
		pdf_out_release(o);
	return ret;
}

/* ---- the CMS signature ------------------------------------------------ */

/*
 * Sign the DER of the signed attributes again.  PKCS7_ATTR_SIGN encodes
 * them as a DER SET OF (sorted), exactly as i2d will write them in the
 * SignerInfo, so the signature matches the bytes a verifier sees.
 */
static int
resign(CMS_SignerInfo *si, EVP_PKEY *pkey)
{
	STACK_OF(X509_ATTRIBUTE) *attrs = sk_X509_ATTRIBUTE_new_null();
	unsigned char *der = NULL, *sig = NULL;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	size_t siglen = 0;
	int i, n = -1, ok = attrs != NULL && m != NULL;

	for (i = 0; ok && i < CMS_signed_get_attr_count(si); i++)
		ok = sk_X509_ATTRIBUTE_push(attrs, CMS_signed_get_attr(si, i));
	if (ok)
		n = ASN1_item_i2d((ASN1_VALUE *)attrs, &der,
				  ASN1_ITEM_rptr(PKCS7_ATTR_SIGN));
	ok = ok && n > 0 &&
	     EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	     EVP_DigestSign(m, NULL, &siglen, der, (size_t)n) == 1 &&
	     (sig = OPENSSL_malloc(siglen)) != NULL &&
	     EVP_DigestSign(m, sig, &siglen, der, (size_t)n) == 1;
	if (ok && siglen <= INT32_MAX) {
		ASN1_STRING_set0(CMS_SignerInfo_get0_signature(si), sig,
				 (int)siglen);
		sig = NULL;
	} else {
		ok = 0;
	}
	OPENSSL_free(sig);
	OPENSSL_free(der);
	EVP_MD_CTX_free(m);
	sk_X509_ATTRIBUTE_free(attrs);	/* the attributes are borrowed */
	return ok;
}

/*
 * ECDSA: (r, n - s) verifies as well as (r, s); write only the low-S
 * form, the one verifiers accept.
 */
static int
sig_low_s(CMS_SignerInfo *si, EVP_PKEY *pkey)
{
	ASN1_OCTET_STRING *os = CMS_SignerInfo_get0_signature(si);
	uint8_t *low = NULL;
	size_t len = 0;
	int ok;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC)
		return 1;
	ok = os != NULL &&
	     wc_ecdsa_to_low_s(ASN1_STRING_get0_data(os),
			       (size_t)ASN1_STRING_length(os), pkey, &low,
			       &len) == 0 &&
	     len <= INT32_MAX && ASN1_STRING_set(os, low, (int)len) == 1;
	free(low);
	return ok;
}

/* PAdES baseline forbids signingTime; OpenSSL 3.0 always adds one. */
static int
drop_signing_time(CMS_SignerInfo *si)
{
	X509_ATTRIBUTE *a;
	int i;

	while ((i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime,
					       -1)) >= 0) {
		a = CMS_signed_delete_attr(si, i);
		if (a == NULL)
			return 0;
		X509_ATTRIBUTE_free(a);
	}
	return 1;
}

/* Parse the DER again and verify it over data, as a reader would. */
static int
self_check(const uint8_t *der, size_t derlen, const uint8_t *data,
	   size_t len)
{
	const unsigned char *q = der;
	CMS_ContentInfo *cms;
	BIO *in;
	int ok;

	cms = d2i_CMS_ContentInfo(NULL, &q, (long)derlen);
	in = BIO_new_mem_buf(data, (int)len);
	ok = cms != NULL && in != NULL && q == der + derlen &&
	     CMS_verify(cms, NULL, NULL, in, NULL,
			CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY |
				CMS_DETACHED) == 1;
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	return ok;
}

int
sign_cms(const struct cert_signer *s, const uint8_t *data, size_t len,
	 uint8_t **der, size_t *derlen)
{
	const unsigned flags = CMS_PARTIAL | CMS_DETACHED | CMS_BINARY |
			       CMS_NOSMIMECAP;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si = NULL;
	unsigned char *out = NULL;
	BIO *in = NULL;
	int i, n = -1, ok;

	if (len > INT32_MAX)
		return -EIO;
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	ok = cms != NULL &&
	     (si = CMS_add1_signer(cms, s->cert, s->pkey, EVP_sha256(),
				   flags | CMS_CADES)) != NULL;
	for (i = 0; ok && i < sk_X509_num(s->chain); i++)
		ok = CMS_add1_cert(cms, sk_X509_value(s->chain, i)) == 1;
	ok = ok && (in = BIO_new_mem_buf(data, (int)len)) != NULL &&
	     CMS_final(cms, in, NULL, CMS_DETACHED | CMS_BINARY) == 1 &&
	     drop_signing_time(si) && resign(si, s->pkey) &&
	     sig_low_s(si, s->pkey) &&
	     (n = i2d_CMS_ContentInfo(cms, &out)) > 0 &&
	     self_check(out, (size_t)n, data, len);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	if (!ok) {
		OPENSSL_free(out);
		return -EIO;
	}
	*der = out;
	*derlen = (size_t)n;
	return 0;
}

int
sign_fill(const struct cert_signer *s, uint8_t *buf, size_t n,
	  const struct sign_layout *lay)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t *data, *der = NULL;
	size_t a = lay->range[1], b = lay->range[2], c = lay->range[3];
	size_t derlen = 0, i;
	int ret;

	if (b + c != n || a >= b || lay->contents_off != a ||
	    lay->contents_len != b - a - 2)
		return -EINVAL;
	data = malloc(a + c);
	if (data == NULL)
		return -ENOMEM;
	memcpy(data, buf, a);
	memcpy(data + a, buf + b, c);
	ret = sign_cms(s, data, a + c, &der, &derlen);
	free(data);
	if (ret != 0)
		return ret;
	/* Check the room first: nothing is written when it does not fit. */
	if (derlen > lay->contents_len / 2) {
		OPENSSL_free(der);
		return -ENOSPC;
	}
	for (i = 0; i < derlen; i++) {
		buf[a + 1 + 2 * i] = (uint8_t)hex[der[i] >> 4];
		buf[a + 2 + 2 * i] = (uint8_t)hex[der[i] & 15];
	}
	OPENSSL_free(der);
	return 0;
}

/* A lower bound of the CMS size: its certificates alone. */
static size_t
certs_size(const struct cert_signer *s)
{
	size_t total = (size_t)i2d_X509(s->cert, NULL);
	int i, k;

	for (i = 0; i < sk_X509_num(s->chain); i++) {
		k = i2d_X509(sk_X509_value(s->chain, i), NULL);
		total += k > 0 ? (size_t)k : 0;
	}
	return total;
}

int
sign_pdf(const uint8_t *pdf, size_t len, const struct cert_signer *s,
	 size_t reserve, time_t when, uint8_t **out, size_t *outlen)
{
	struct sign_layout lay;
	struct pdf_out o;
	int ret;

	if (s == NULL || pdf == NULL || len == 0)
		return -EINVAL;
	if (certs_size(s) + 256 > reserve)
		return -ENOSPC;	/* cannot fit: do not even build */
	ret = sign_update(pdf, len, reserve, when, &o, &lay);
	if (ret != 0)
		return ret;
	ret = sign_fill(s, o.p, o.n, &lay);
	if (ret != 0) {
		pdf_out_release(&o);
		return ret;
	}
	*out = o.p;
	*outlen = o.n;
	return 0;
}

int
cert_pdf_sign(const uint8_t *pdf, size_t len, const struct cert_signer *s,
	      uint8_t **out, size_t *outlen)
{
	return sign_pdf(pdf, len, s, CERT_SIG_RESERVE, time(NULL), out,
			outlen);
}
