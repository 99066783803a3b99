/*
 * test_certs_sign.c - the incremental update writer (xref offsets,
 * /ByteRange arithmetic, /Prev, startxref, the rewritten Catalog and
 * page), the reservation checked before anything is written, the CMS
 * signed attributes (no signingTime, signing-certificate-v2), and
 * malformed or mutated input that must fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/cms.h>
#include <zlib.h>
#include <openssl/x509.h>

#include "certs/pdfobj.h"
#include "certs/sign_priv.h"
#include "tests/certs_fixture.h"

static struct fx F;

static int
setup(void **state)
{
	(void)state;
	return fx_setup(&F) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	fx_teardown(&F);
	return 0;
}

/* A PDF from object bodies 1..n, Catalog 1, with a classic xref. */
static size_t
mini_pdf(char *buf, size_t cap, const char *const *objs, size_t n)
{
	size_t off[16], k, i, xref;

	k = (size_t)snprintf(buf, cap, "%%PDF-1.4\n");
	for (i = 0; i < n && i < 16; i++) {
		off[i] = k;
		k += (size_t)snprintf(buf + k, cap - k, "%zu 0 obj\n%s\nendobj\n",
				      i + 1, objs[i]);
	}
	xref = k;
	k += (size_t)snprintf(buf + k, cap - k,
			      "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(buf + k, cap - k, "%010zu 00000 n \n",
				      off[i]);
	k += (size_t)snprintf(buf + k, cap - k,
			      "trailer\n<< /Size %zu /Root 1 0 R >>\n"
			      "startxref\n%zu\n%%%%EOF\n", n + 1, xref);
	assert_true(k < cap);
	return k;
}

/* "N G obj" at off? */
static void
assert_obj_at(const uint8_t *p, size_t n, size_t off, uint32_t num)
{
	unsigned got = 0, gen = 0;
	char kw[4] = "";

	assert_true(off < n);
	assert_int_equal(sscanf((const char *)p + off, "%u %u %3s", &got, &gen,
				kw), 3);
	assert_int_equal(got, num);
	assert_string_equal(kw, "obj");
}

static int
dict_has(const struct pdf_doc *d, const struct pdf_val *dict,
	 const char *key, struct pdf_val *v)
{
	return pdf_dict_get(d->p, d->n, dict, key, v) == 0;
}

static void
test_update_layout(void **state)
{
	struct pdf_doc orig, upd;
	struct sign_layout lay;
	struct pdf_val cat, v, page;
	struct pdf_out o;
	uint8_t *pdf;
	size_t len, i;
	char tail[64];

	(void)state;
	assert_int_equal(fx_pdf(&F, NULL, NULL, 1, &pdf, &len), 0);
	assert_int_equal(pdf_doc_open(&orig, pdf, len), 0);
	assert_int_equal(sign_update(pdf, len, 8192, time(NULL), &o, &lay), 0);
	assert_memory_equal(o.p, pdf, len);	/* the original, unchanged */

	/* ByteRange: everything but the /Contents string. */
	assert_int_equal(lay.range[0], 0);
	assert_int_equal(lay.range[1], lay.contents_off);
	assert_int_equal(o.p[lay.range[1]], '<');
	assert_int_equal(o.p[lay.range[2] - 1], '>');
	assert_int_equal(lay.range[2] - lay.range[1], 2 * 8192 + 2);
	assert_int_equal(lay.range[2] + lay.range[3], o.n);
	for (i = lay.range[1] + 1; i < lay.range[2] - 1; i++)
		assert_int_equal(o.p[i], '0');

	assert_int_equal(pdf_doc_open(&upd, o.p, o.n), 0);
	assert_int_equal(upd.sections, 2);
	assert_int_equal(upd.startxref, lay.xref_off);
	assert_int_equal(upd.size, orig.size + 2);
	assert_int_equal(lay.field, orig.size);
	assert_int_equal(lay.sig, orig.size + 1);
	/* New and rewritten objects are in the update, the rest are not. */
	assert_obj_at(o.p, o.n, upd.off[lay.catalog], lay.catalog);
	assert_obj_at(o.p, o.n, upd.off[lay.page], lay.page);
	assert_obj_at(o.p, o.n, upd.off[lay.field], lay.field);
	assert_obj_at(o.p, o.n, upd.off[lay.sig], lay.sig);
	assert_true(upd.off[lay.catalog] >= len && upd.off[lay.sig] > len);
	for (i = 1; i < orig.size; i++)
		if (i != lay.catalog && i != lay.page)
			assert_int_equal(upd.off[i], orig.off[i]);
	/* The trailer: /Prev is the old xref, startxref the new one. */
	assert_true(dict_has(&upd, &upd.trailer, "Prev", &v));
	assert_int_equal(v.num, orig.startxref);
	assert_true(dict_has(&upd, &upd.trailer, "Info", &v));
	assert_int_equal(v.num, orig.info.num);
	snprintf(tail, sizeof(tail), "startxref\n%zu\n%%%%EOF\n", lay.xref_off);
	assert_memory_equal(o.p + o.n - strlen(tail), tail, strlen(tail));

	/* The Catalog: its old entries, /AcroForm and /Version 1.7. */
	assert_int_equal(pdf_obj(&upd, lay.catalog, &cat, NULL), 0);
	assert_true(dict_has(&upd, &cat, "Pages", &v));
	assert_true(dict_has(&upd, &cat, "Names", &v));
	assert_true(dict_has(&upd, &cat, "Version", &v));
	assert_true(pdf_name_is(upd.p, &v, "1.7"));
	assert_int_equal(pdf_get(&upd, &cat, "AcroForm", &v), 0);
	assert_true(dict_has(&upd, &v, "SigFlags", &v));
	assert_int_equal(v.num, 3);
	assert_int_equal(pdf_obj(&upd, lay.page, &page, NULL), 0);
	assert_true(dict_has(&upd, &page, "Annots", &v));
	assert_true(dict_has(&upd, &page, "Contents", &v));
	pdf_doc_release(&upd);
	pdf_doc_release(&orig);
	pdf_out_release(&o);
	free(pdf);
}

static void
test_sig_dictionary(void **state)
{
	struct sign_layout lay;
	struct pdf_val sig, w, v;
	struct pdf_doc d;
	struct pdf_out o;
	uint8_t *pdf;
	size_t len, pos = 0;
	int i;

	(void)state;
	assert_int_equal(fx_pdf(&F, NULL, NULL, 1, &pdf, &len), 0);
	assert_int_equal(sign_update(pdf, len, 4096, time(NULL), &o, &lay), 0);
	assert_int_equal(pdf_doc_open(&d, o.p, o.n), 0);
	assert_int_equal(pdf_obj(&d, lay.sig, &sig, NULL), 0);
	assert_int_equal(pdf_get(&d, &sig, "SubFilter", &v), 0);
	assert_true(pdf_name_is(d.p, &v, "ETSI.CAdES.detached"));
	assert_int_equal(pdf_get(&d, &sig, "Filter", &v), 0);
	assert_true(pdf_name_is(d.p, &v, "Adobe.PPKLite"));
	assert_int_equal(pdf_get(&d, &sig, "ByteRange", &v), 0);
	for (i = 0; i < 4; i++) {
		struct pdf_val x;

		assert_int_equal(pdf_array_next(d.p, d.n, &v, &pos, &x), 0);
		assert_int_equal(x.num, lay.range[i]);
	}
	assert_int_equal(pdf_get(&d, &sig, "Contents", &v), 0);
	assert_int_equal(v.type, PDF_HEXSTRING);
	assert_int_equal(v.off, lay.range[1]);
	assert_int_equal(v.off + v.len, lay.range[2]);
	/* The widget: a /Sig field, invisible, print flag, on the page. */
	assert_int_equal(pdf_obj(&d, lay.field, &w, NULL), 0);
	assert_int_equal(pdf_get(&d, &w, "FT", &v), 0);
	assert_true(pdf_name_is(d.p, &v, "Sig"));
	assert_int_equal(pdf_dict_get(d.p, d.n, &w, "V", &v), 0);
	assert_int_equal(v.num, lay.sig);
	assert_int_equal(pdf_dict_get(d.p, d.n, &w, "P", &v), 0);
	assert_int_equal(v.num, lay.page);
	assert_int_equal(pdf_dict_get(d.p, d.n, &w, "F", &v), 0);
	assert_int_equal(v.num, 132);
	pdf_doc_release(&d);
	pdf_out_release(&o);
	free(pdf);
}

/* Existing annotations stay, direct or through a reference. */
static void
test_annots_merge(void **state)
{
	static const char *const direct[] = {
		"<< /Type /Catalog /Pages 2 0 R /Version /2.0 >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Annots [4 0 R] >>",
		"<< /Type /Annot /Subtype /Text /Rect [0 0 1 1] >>",
	};
	static const char *const indirect[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Annots 5 0 R >>",
		"<< /Type /Annot /Subtype /Text /Rect [0 0 1 1] >>",
		"[4 0 R]",
	};
	char buf[2048], want[32];
	struct sign_layout lay;
	struct pdf_val page, a, cat;
	struct pdf_doc d;
	struct pdf_out o;
	size_t n;
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		n = k == 0 ? mini_pdf(buf, sizeof(buf), direct, 4)
			   : mini_pdf(buf, sizeof(buf), indirect, 5);
		assert_int_equal(sign_update((uint8_t *)buf, n, 1024, 0, &o,
					     &lay), 0);
		assert_int_equal(pdf_doc_open(&d, o.p, o.n), 0);
		assert_int_equal(pdf_obj(&d, 3, &page, NULL), 0);
		assert_int_equal(pdf_dict_get(d.p, d.n, &page, "Annots", &a),
				 0);
		assert_int_equal(a.type, PDF_ARRAY);
		snprintf(want, sizeof(want), "[4 0 R %u 0 R]", lay.field);
		assert_int_equal(a.len, strlen(want));
		assert_memory_equal(d.p + a.off, want, a.len);
		/* A higher /Version is kept, a lower one raised. */
		assert_int_equal(pdf_obj(&d, 1, &cat, NULL), 0);
		assert_int_equal(pdf_dict_get(d.p, d.n, &cat, "Version", &a),
				 0);
		assert_true(pdf_name_is(d.p, &a, k == 0 ? "2.0" : "1.7"));
		pdf_doc_release(&d);
		pdf_out_release(&o);
	}
}

static void
test_refuse_malformed(void **state)
{
	static const char *const form[] = {
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R >>",
	};
	static const char *const nopage[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
	};
	static const char xrefstm[] =
		"%PDF-1.5\n1 0 obj\n<< /Type /XRef /Size 2 /W [1 2 1] "
		"/Length 0 >>\nstream\n\nendstream\nendobj\n"
		"startxref\n9\n%%EOF\n";
	struct sign_layout lay;
	struct pdf_out o;
	uint8_t *out = NULL;
	size_t n, outlen = 0;
	char buf[2048];

	(void)state;
	assert_int_equal(sign_update((const uint8_t *)"hello", 5, 1024, 0, &o,
				     &lay), -EINVAL);
	n = mini_pdf(buf, sizeof(buf), form, 3);
	assert_int_equal(sign_update((uint8_t *)buf, n, 1024, 0, &o, &lay),
			 -EINVAL);
	n = mini_pdf(buf, sizeof(buf), nopage, 2);
	assert_int_equal(sign_update((uint8_t *)buf, n, 1024, 0, &o, &lay),
			 -EINVAL);
	assert_int_equal(sign_update((const uint8_t *)xrefstm,
				     sizeof(xrefstm) - 1, 1024, 0, &o, &lay),
			 -EINVAL);
	assert_int_equal(cert_pdf_sign((const uint8_t *)xrefstm,
				       sizeof(xrefstm) - 1, F.signer, &out,
				       &outlen), -EINVAL);
	assert_null(out);
}

/* Too small a reservation: refused before anything is written. */
static void
test_placeholder_checked_first(void **state)
{
	struct sign_layout lay;
	struct pdf_out o;
	uint8_t *pdf, *out = NULL, *copy;
	size_t len, outlen = 0;

	(void)state;
	assert_int_equal(fx_pdf(&F, NULL, NULL, 1, &pdf, &len), 0);
	assert_int_equal(sign_pdf(pdf, len, F.signer, 256, time(NULL), &out,
				  &outlen), -ENOSPC);
	assert_null(out);
	/* Room for the certificates but not the whole CMS: sign_fill()
	 * must notice after signing and leave the buffer as it was. */
	assert_int_equal(sign_update(pdf, len, 700, time(NULL), &o, &lay), 0);
	copy = malloc(o.n);
	assert_non_null(copy);
	memcpy(copy, o.p, o.n);
	assert_int_equal(sign_fill(F.signer, o.p, o.n, &lay), -ENOSPC);
	assert_memory_equal(copy, o.p, o.n);
	free(copy);
	pdf_out_release(&o);
	free(pdf);
}

/* The DER CMS in /Contents of a signed file, and the signed bytes. */
static CMS_ContentInfo *
signed_cms(const uint8_t *p, size_t n, uint8_t **data, size_t *dlen,
	   size_t *derlen, size_t *room)
{
	const unsigned char *q;
	CMS_ContentInfo *cms;
	unsigned long a, b, c;
	const char *br;
	uint8_t *der;
	size_t i;

	br = memmem(p, n, "/ByteRange [0 ", 14);
	assert_non_null(br);
	assert_int_equal(sscanf(br + 14, "%lu %lu %lu", &a, &b, &c), 3);
	assert_int_equal(b + c, n);
	*room = (b - a - 2) / 2;
	der = malloc(*room);
	assert_non_null(der);
	for (i = 0; i < *room; i++)
		assert_int_equal(sscanf((const char *)p + a + 1 + 2 * i, "%2hhx",
					&der[i]), 1);
	q = der;
	cms = d2i_CMS_ContentInfo(NULL, &q, (long)*room);
	assert_non_null(cms);
	*derlen = (size_t)(q - der);
	for (i = *derlen; i < *room; i++)	/* then zeros only */
		assert_int_equal(der[i], 0);
	free(der);
	*data = malloc(a + c);
	memcpy(*data, p, a);
	memcpy(*data + a, p + b, c);
	*dlen = a + c;
	return cms;
}

static void
test_signed_attributes(void **state)
{
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs;
	CMS_SignerInfo *si;
	CMS_ContentInfo *cms;
	X509_ALGOR *dig, *sig;
	ASN1_OCTET_STRING *md;
	uint8_t *out, *data, want[32];
	size_t len, dlen, derlen, room;
	BIO *in;

	(void)state;
	assert_int_equal(fx_signed(&F, &out, &len), 0);
	cms = signed_cms(out, len, &data, &dlen, &derlen, &room);
	assert_int_equal(room, CERT_SIG_RESERVE);
	assert_true(derlen < 4096);
	sis = CMS_get0_SignerInfos(cms);
	assert_int_equal(sk_CMS_SignerInfo_num(sis), 1);
	si = sk_CMS_SignerInfo_value(sis, 0);
	assert_int_equal(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime,
						    -1), -1);
	assert_true(CMS_signed_get_attr_by_NID(
			    si, NID_id_smime_aa_signingCertificateV2, -1) >= 0);
	assert_true(CMS_signed_get_attr_by_NID(si, NID_pkcs9_contentType, -1)
		    >= 0);
	assert_int_equal(CMS_signed_get_attr_count(si), 3);
	md = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest),
					 -3, V_ASN1_OCTET_STRING);
	assert_non_null(md);
	wc_sha256(data, dlen, want);
	assert_int_equal(ASN1_STRING_length(md), 32);
	assert_memory_equal(ASN1_STRING_get0_data(md), want, 32);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	assert_int_equal(OBJ_obj2nid(dig->algorithm), NID_sha256);
	assert_int_equal(OBJ_obj2nid(sig->algorithm), NID_ecdsa_with_SHA256);
	assert_true(CMS_unsigned_get_attr_count(si) <= 0);
	certs = CMS_get1_certs(cms);
	assert_int_equal(sk_X509_num(certs), 2);	/* leaf and CA */
	assert_ptr_equal(CMS_is_detached(cms), 1);
	in = BIO_new_mem_buf(data, (int)dlen);
	assert_int_equal(CMS_verify(cms, certs, NULL, in, NULL,
				    CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY |
					    CMS_DETACHED), 1);
	BIO_free(in);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	free(data);
	free(out);
}

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Mutated PDFs: signing and parsing fail or succeed, never crash. */
static void
test_fuzz_parser(void **state)
{
	uint8_t *pdf, *m, *out;
	size_t len, mlen, outlen, k, j, pos;
	struct pdf_doc d;
	struct pdf_val v;
	uint32_t seed = 0x2545f491, i;
	int ret;

	(void)state;
	assert_int_equal(fx_pdf(&F, NULL, NULL, 1, &pdf, &len), 0);
	m = malloc(len + 64);
	assert_non_null(m);
	for (k = 0; k < 400; k++) {
		memcpy(m, pdf, len);
		mlen = len;
		/* Bias mutations to the structure at the end of the file. */
		for (j = 0; j <= k % 4; j++) {
			pos = rnd(&seed) % 2 ? len - 1 - rnd(&seed) % 400
					     : rnd(&seed) % len;
			m[pos] = (uint8_t)rnd(&seed);
		}
		if (k % 7 == 0)
			mlen = rnd(&seed) % len + 1;
		out = NULL;
		ret = cert_pdf_sign(m, mlen, F.signer, &out, &outlen);
		assert_true(ret == 0 || ret == -EINVAL);
		if (ret == 0)
			assert_true(outlen > mlen);
		free(out);
		if (pdf_doc_open(&d, m, mlen) == 0) {
			for (i = 0; i < d.size; i++)
				(void)pdf_obj(&d, i, &v, NULL);
			pdf_doc_release(&d);
		}
	}
	free(m);
	free(pdf);
}

/* Values: strings with escapes, names with #xx, nesting limits. */
static void
test_values(void **state)
{
	static const char lit[] = "(a\\(b\\)\\101\\n\\\r\nz)";
	static const char deep[] =
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]]]]]]";
	uint8_t out[64];
	struct pdf_val v;
	size_t pos = 0, n;

	(void)state;
	assert_int_equal(pdf_parse((const uint8_t *)lit, sizeof(lit) - 1, &pos,
				   &v), 0);
	assert_int_equal(v.type, PDF_STRING);
	assert_int_equal(pdf_string_decode((const uint8_t *)lit, &v, out,
					   sizeof(out), &n), 0);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "a(b)A\nz", 7);
	pos = 0;
	assert_int_equal(pdf_parse((const uint8_t *)"/A#42C", 6, &pos, &v), 0);
	assert_true(pdf_name_is((const uint8_t *)"/A#42C", &v, "ABC"));
	pos = 0;
	assert_int_equal(pdf_parse((const uint8_t *)"12 0 R", 6, &pos, &v), 0);
	assert_int_equal(v.type, PDF_REF);
	assert_int_equal(v.num, 12);
	pos = 0;
	assert_int_equal(pdf_parse((const uint8_t *)"12 0 obj", 8, &pos, &v),
			 0);
	assert_int_equal(v.type, PDF_INT);
	pos = 0;
	assert_int_equal(pdf_parse((const uint8_t *)deep, sizeof(deep) - 1,
				   &pos, &v), -EINVAL);
	pos = 0;
	assert_int_equal(pdf_parse((const uint8_t *)"(open", 5, &pos, &v),
			 -EINVAL);
	pos = 0;
	assert_int_equal(pdf_parse((const uint8_t *)"<12 3g>", 7, &pos, &v),
			 -EINVAL);
	pos = 0;
	assert_int_equal(pdf_parse((const uint8_t *)"<< /A 1 /B", 10, &pos,
				   &v), -EINVAL);
}

/* Inflation is bounded: a small stream cannot expand without limit. */
static void
test_inflate_bounded(void **state)
{
	uLongf zlen = compressBound(1 << 20);
	uint8_t *zeros = calloc(1, 1 << 20), *z = malloc(zlen), *out;
	size_t outlen;

	(void)state;
	assert_true(zeros && z);
	assert_int_equal(compress(z, &zlen, zeros, 1 << 20), Z_OK);
	assert_true(zlen < 2048);
	assert_int_equal(pdf_inflate(z, zlen, 4096, &out, &outlen), -EFBIG);
	assert_int_equal(pdf_inflate(z, zlen, 1 << 20, &out, &outlen), 0);
	assert_int_equal(outlen, 1 << 20);
	assert_memory_equal(out, zeros, 1 << 20);
	free(out);
	assert_int_equal(pdf_inflate(z, zlen / 2, 1 << 20, &out, &outlen),
			 -EINVAL);	/* truncated */
	free(z);
	free(zeros);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_layout),
		cmocka_unit_test(test_sig_dictionary),
		cmocka_unit_test(test_annots_merge),
		cmocka_unit_test(test_refuse_malformed),
		cmocka_unit_test(test_placeholder_checked_first),
		cmocka_unit_test(test_signed_attributes),
		cmocka_unit_test(test_fuzz_parser),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_inflate_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
