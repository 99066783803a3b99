/*
 * test_certs_verify.c - cert_pdf_verify() without poppler: a good
 * certificate, an unknown or missing root, every kind of tampering
 * (a byte outside /Contents, inside the DER, in the zero padding, bytes
 * appended), a record that disagrees with the printed hash or the QR
 * code, and a few hundred mutated files that must all be INVALID.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

#include "certs/verify_priv.h"
#include "tests/certs_fixture.h"

static struct fx F;
static uint8_t *Signed;
static size_t Signed_len;
static size_t Contents_a, Contents_b;	/* the /Contents string */
static size_t Der_len;

static void
locate_contents(void)
{
	const char *br = memmem(Signed, Signed_len, "/ByteRange [0 ", 14);
	unsigned long a, b, c;
	size_t i;

	assert_non_null(br);
	assert_int_equal(sscanf(br + 14, "%lu %lu %lu", &a, &b, &c), 3);
	Contents_a = a;
	Contents_b = b;
	for (i = b - 2; i > a && Signed[i] == '0'; i--)
		;
	Der_len = (i - a + 2) / 2;
}

static int
setup(void **state)
{
	(void)state;
	if (fx_setup(&F) != 0 || fx_signed(&F, &Signed, &Signed_len) != 0)
		return -1;
	locate_contents();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(Signed);
	fx_teardown(&F);
	return 0;
}

static enum cert_verdict
verdict_of(const uint8_t *p, size_t n, const char *root, char *reason,
	   size_t cap)
{
	struct cert_verify_result res;

	assert_int_equal(cert_pdf_verify(p, n, root, &res), 0);
	if (reason != NULL)
		snprintf(reason, cap, "%s", res.reason);
	cert_verify_result_release(&res);
	return res.verdict;
}

static void
test_valid(void **state)
{
	struct cert_verify_result res;

	(void)state;
	assert_int_equal(cert_pdf_verify(Signed, Signed_len, F.ca_cert, &res),
			 0);
	assert_int_equal(res.verdict, CERT_VALID);
	assert_string_equal(res.reason, "");
	assert_string_equal(res.record_id, F.id);
	assert_string_equal(res.record_sha256, F.sha);
	assert_int_equal(res.record_len, F.record_len);
	assert_memory_equal(res.record_text, F.record, F.record_len);
	assert_non_null(strstr(res.signer_subject, "CN=山田 太郎"));
	assert_string_equal(res.signer_fingerprint,
			    cert_signer_fingerprint(F.signer));
	assert_int_equal(res.register_seq, -1);
	cert_verify_result_release(&res);
	assert_null(res.record_text);
}

static void
test_untrusted(void **state)
{
	struct cert_key_req other = { .org = "Other", .name = "Other CA",
				      .kdf_iter = FX_KDF_ITER };
	char key[160], cert[160], why[256];
	struct cert_verify_result res;

	(void)state;
	assert_int_equal(verdict_of(Signed, Signed_len, NULL, why, sizeof(why)),
			 CERT_UNTRUSTED);
	assert_non_null(strstr(why, "no root CA"));
	fx_path(key, sizeof(key), &F, "other.key");
	fx_path(cert, sizeof(cert), &F, "other.pem");
	assert_int_equal(cert_key_ca_init(&other, "x", key, cert), 0);
	assert_int_equal(verdict_of(Signed, Signed_len, cert, why, sizeof(why)),
			 CERT_UNTRUSTED);
	assert_non_null(strstr(why, "not trusted"));
	/* An unreadable root is an error, not a verdict. */
	assert_int_equal(cert_pdf_verify(Signed, Signed_len, "/nonexistent",
					 &res), -ENOENT);
}

static void
expect_invalid(const uint8_t *p, size_t n, const char *why_part)
{
	char why[256];

	assert_int_equal(verdict_of(p, n, F.ca_cert, why, sizeof(why)),
			 CERT_INVALID);
	if (why_part != NULL && strstr(why, why_part) == NULL)
		fail_msg("reason '%s' lacks '%s'", why, why_part);
}

static void
test_tampered_bytes(void **state)
{
	uint8_t *m = malloc(Signed_len + 16);
	size_t offs[] = { 0, 100, Contents_a / 2, Contents_a - 1, Contents_b,
			  Signed_len - 20, Signed_len - 1 };
	size_t i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < WC_ARRAY_SIZE(offs); i++) {
		memcpy(m, Signed, Signed_len);
		m[offs[i]] ^= 0x01;
		expect_invalid(m, Signed_len, NULL);
	}
	/* Inside the DER signature: outside the ranges, still caught. */
	memcpy(m, Signed, Signed_len);
	m[Contents_a + 1 + Der_len] ^= 0x01;	/* a hex digit mid-DER */
	expect_invalid(m, Signed_len, NULL);
	memcpy(m, Signed, Signed_len);
	m[Contents_a + 1 + 2 * Der_len - 1] =
		m[Contents_a + 1 + 2 * Der_len - 1] == '1' ? '2' : '1';
	expect_invalid(m, Signed_len, NULL);	/* the last DER digit */
	/* A non-zero byte after the DER, and a case change. */
	memcpy(m, Signed, Signed_len);
	m[Contents_a + 1 + 2 * Der_len + 10] = '1';
	expect_invalid(m, Signed_len, "non-zero bytes after the signature");
	memcpy(m, Signed, Signed_len);
	for (i = Contents_a + 1; i < Contents_b; i++)
		if (m[i] >= 'a' && m[i] <= 'f')
			break;
	m[i] = (uint8_t)(m[i] - 'a' + 'A');
	expect_invalid(m, Signed_len, NULL);
	/* Appended bytes: no longer the whole file. */
	memcpy(m, Signed, Signed_len);
	memcpy(m + Signed_len, "\n% more\n", 8);
	expect_invalid(m, Signed_len + 8, "does not cover the whole file");
	expect_invalid(Signed, Signed_len - 1, NULL);	/* truncated */
	free(m);
}

static void
sign_variant(const char *printed, const char *qr, int attach,
	     const char *why_part)
{
	uint8_t *pdf, *out;
	size_t len, outlen;

	assert_int_equal(fx_pdf(&F, printed, qr, attach, &pdf, &len), 0);
	assert_int_equal(cert_pdf_sign(pdf, len, F.signer, &out, &outlen), 0);
	expect_invalid(out, outlen, why_part);
	free(out);
	free(pdf);
}

/* Signed, intact, but the record and the printed page disagree. */
static void
test_record_mismatch(void **state)
{
	char other[65], payload[160];

	(void)state;
	memset(other, 'a', 64);
	other[64] = '\0';
	sign_variant(other, NULL, 1, "SHA-256 is not the one printed");
	sign_variant(F.sha, NULL, 1, "signer is not the one");
	snprintf(payload, sizeof(payload), CERT_QR_PREFIX "%s %s", F.id,
		 other);
	sign_variant(NULL, payload, 1, "QR code does not match");
	sign_variant(NULL, "", 1, "no readable QR code");
	sign_variant(NULL, NULL, 0, "no record is attached");
}

/* A 64-hex literal that is neither the record's nor the signer's. */
static void
test_register_hash(void **state)
{
	struct cert_verify_result res;
	char lines[512], reg[65];
	uint8_t *pdf, *out;
	size_t len, outlen;

	(void)state;
	memset(reg, '7', 64);
	reg[64] = '\0';
	snprintf(lines, sizeof(lines), "%s\n%s\n%s", F.sha,
		 cert_signer_fingerprint(F.signer), reg);
	assert_int_equal(fx_pdf(&F, lines, NULL, 1, &pdf, &len), 0);
	assert_int_equal(cert_pdf_sign(pdf, len, F.signer, &out, &outlen), 0);
	assert_int_equal(cert_pdf_verify(out, outlen, F.ca_cert, &res), 0);
	assert_int_equal(res.verdict, CERT_VALID);
	assert_string_equal(res.register_hash, reg);
	cert_verify_result_release(&res);
	free(out);
	free(pdf);
	/* Without one, none. */
	assert_int_equal(cert_pdf_verify(Signed, Signed_len, F.ca_cert, &res),
			 0);
	assert_string_equal(res.register_hash, "");
	cert_verify_result_release(&res);
}

static void
test_unsigned(void **state)
{
	uint8_t *pdf;
	size_t len;

	(void)state;
	assert_int_equal(fx_pdf(&F, NULL, NULL, 1, &pdf, &len), 0);
	expect_invalid(pdf, len, "not signed");
	free(pdf);
	expect_invalid((const uint8_t *)"not a pdf", 9, "not a PDF");
}

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Any changed byte, anywhere, makes the certificate INVALID. */
static void
test_fuzz_every_change_caught(void **state)
{
	uint8_t *m = malloc(Signed_len);
	uint32_t seed = 0x9e3779b9;
	size_t k, pos, n;
	uint8_t b;

	(void)state;
	assert_non_null(m);
	for (k = 0; k < 300; k++) {
		memcpy(m, Signed, Signed_len);
		n = Signed_len;
		pos = rnd(&seed) % Signed_len;
		do
			b = (uint8_t)rnd(&seed);
		while (b == m[pos]);
		m[pos] = b;
		if (k % 10 == 0)
			n = rnd(&seed) % Signed_len + 1;
		assert_int_equal(verdict_of(m, n, F.ca_cert, NULL, 0),
				 CERT_INVALID);
	}
	free(m);
}

/* A changed byte anywhere in the DER signature: never accepted. */
static void
test_every_der_byte(void **state)
{
	uint8_t *m = malloc(Signed_len);
	size_t i, at;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < Der_len; i++) {
		memcpy(m, Signed, Signed_len);
		at = Contents_a + 1 + 2 * i + (i % 2);	/* either digit */
		m[at] = m[at] == '0' ? '8' : '0';
		if (verdict_of(m, Signed_len, F.ca_cert, NULL, 0) !=
		    CERT_INVALID)
			fail_msg("DER byte %zu of %zu changed, not caught", i,
				 Der_len);
	}
	free(m);
}

/* ---- malleated signatures: changed DER that still verifies -------- */

static CMS_ContentInfo *
cms_of(const uint8_t *pdf, size_t a, size_t derlen)
{
	uint8_t *der = malloc(derlen);
	const unsigned char *q = der;
	CMS_ContentInfo *cms;
	unsigned int x;
	size_t i;

	assert_non_null(der);
	for (i = 0; i < derlen; i++) {
		assert_int_equal(sscanf((const char *)pdf + a + 1 + 2 * i,
					"%2x", &x), 1);
		der[i] = (uint8_t)x;
	}
	cms = d2i_CMS_ContentInfo(NULL, &q, (long)derlen);
	assert_non_null(cms);
	free(der);
	return cms;
}

/* Signed, with /Contents replaced by cms, zero-padded. */
static uint8_t *
with_cms(CMS_ContentInfo *cms)
{
	uint8_t *m = malloc(Signed_len), *der = NULL;
	int n = i2d_CMS_ContentInfo(cms, &der), i;
	char hex[3];

	assert_non_null(m);
	assert_true(n > 0 && (size_t)n * 2 <= Contents_b - Contents_a - 2);
	memcpy(m, Signed, Signed_len);
	memset(m + Contents_a + 1, '0', Contents_b - Contents_a - 2);
	for (i = 0; i < n; i++) {
		snprintf(hex, sizeof(hex), "%02x", der[i]);
		memcpy(m + Contents_a + 1 + 2 * i, hex, 2);
	}
	OPENSSL_free(der);
	return m;
}

static CMS_SignerInfo *
si_of(CMS_ContentInfo *cms)
{
	return sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
}

static void
flip_s(CMS_ContentInfo *cms)
{
	ASN1_OCTET_STRING *os = CMS_SignerInfo_get0_signature(si_of(cms));
	const unsigned char *p = ASN1_STRING_get0_data(os);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, ASN1_STRING_length(os));
	const BIGNUM *r, *s;
	BIGNUM *s2 = BN_new();
	unsigned char *der = NULL;
	int n;

	assert_true(g != NULL && es != NULL && s2 != NULL);
	ECDSA_SIG_get0(es, &r, &s);
	assert_int_equal(BN_sub(s2, EC_GROUP_get0_order(g), s), 1);
	assert_int_equal(ECDSA_SIG_set0(es, BN_dup(r), s2), 1);
	n = i2d_ECDSA_SIG(es, &der);
	assert_int_equal(ASN1_STRING_set(os, der, n), 1);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	EC_GROUP_free(g);
}

static void
add_unsigned_attr(CMS_ContentInfo *cms)
{
	assert_int_equal(CMS_unsigned_add1_attr_by_txt(si_of(cms), "1.2.3.4",
		V_ASN1_UTF8STRING, "x", 1), 1);
}

static X509 *
self_signed(EVP_PKEY *k)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_get_subject_name(x);

	assert_non_null(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
				   (const unsigned char *)"extra", -1, -1, 0);
	X509_set_issuer_name(x, nm);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	return x;
}

static void
add_self_signed(CMS_ContentInfo *cms)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = self_signed(k);

	assert_int_equal(CMS_add1_cert(cms, x), 1);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void
add_crl(CMS_ContentInfo *cms)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509_CRL *crl = X509_CRL_new();
	X509 *x = self_signed(k);

	assert_non_null(crl);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(x));
	assert_true(X509_CRL_sign(crl, k, EVP_sha256()) > 0);
	assert_int_equal(CMS_add1_crl(cms, crl), 1);
	X509_CRL_free(crl);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void
sig_alg_key_oid(CMS_ContentInfo *cms)
{
	X509_ALGOR *sig = NULL;

	CMS_SignerInfo_get0_algs(si_of(cms), NULL, NULL, NULL, &sig);
	X509_ALGOR_set0(sig, OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
			V_ASN1_UNDEF, NULL);
}

static void
sig_alg_null_params(CMS_ContentInfo *cms)
{
	X509_ALGOR *sig = NULL;

	CMS_SignerInfo_get0_algs(si_of(cms), NULL, NULL, NULL, &sig);
	X509_ALGOR_set0(sig, OBJ_nid2obj(NID_ecdsa_with_SHA256), V_ASN1_NULL,
			NULL);
}

static void
digest_null_params(CMS_ContentInfo *cms)
{
	X509_ALGOR *dig = NULL;

	CMS_SignerInfo_get0_algs(si_of(cms), NULL, NULL, &dig, NULL);
	X509_ALGOR_set0(dig, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
}

static void
test_malleated_cms(void **state)
{
	static const struct {
		void (*fn)(CMS_ContentInfo *);
		const char *why;
	} m[] = {
		{ flip_s, "low-S" },
		{ add_unsigned_attr, "unsigned attributes" },
		{ add_self_signed, "outside the signer's chain" },
		{ add_crl, NULL },
		{ sig_alg_key_oid, "signature algorithm" },
		{ sig_alg_null_params, "signature algorithm" },
		{ digest_null_params, "SHA-256" },
	};
	CMS_ContentInfo *cms;
	uint8_t *pdf;
	size_t i;

	(void)state;
	for (i = 0; i < WC_ARRAY_SIZE(m); i++) {
		cms = cms_of(Signed, Contents_a, Der_len);
		m[i].fn(cms);
		pdf = with_cms(cms);
		expect_invalid(pdf, Signed_len, m[i].why);
		free(pdf);
		CMS_ContentInfo_free(cms);
	}
	/* The round trip itself changes nothing. */
	cms = cms_of(Signed, Contents_a, Der_len);
	pdf = with_cms(cms);
	assert_memory_equal(pdf, Signed, Signed_len);
	free(pdf);
	CMS_ContentInfo_free(cms);
}

/* Fresh signatures are low-S (half of raw ECDSA signatures are not). */
static void
test_signed_low_s(void **state)
{
	CMS_ContentInfo *cms;
	ASN1_OCTET_STRING *os;
	size_t k, len, plen, a, b;
	uint8_t *out, *pdf;
	const char *br;
	STACK_OF(X509) *certs;
	EVP_PKEY *pub;
	X509 *leaf;

	(void)state;
	assert_int_equal(fx_pdf(&F, NULL, NULL, 1, &pdf, &plen), 0);
	for (k = 0; k < 12; k++) {
		assert_int_equal(cert_pdf_sign(pdf, plen, F.signer, &out, &len),
				 0);
		br = memmem(out, len, "/ByteRange [0 ", 14);
		assert_non_null(br);
		assert_int_equal(sscanf(br + 14, "%zu %zu", &a, &b), 2);
		cms = cms_of(out, a, (b - a - 2) / 2);
		os = CMS_SignerInfo_get0_signature(si_of(cms));
		certs = CMS_get1_certs(cms);
		leaf = sk_X509_value(certs, 0);
		if (CMS_SignerInfo_cert_cmp(si_of(cms), leaf) != 0)
			leaf = sk_X509_value(certs, 1);
		assert_int_equal(CMS_SignerInfo_cert_cmp(si_of(cms), leaf), 0);
		pub = X509_get0_pubkey(leaf);
		assert_int_equal(wc_ecdsa_is_low_s(ASN1_STRING_get0_data(os),
			(size_t)ASN1_STRING_length(os), pub), 1);
		sk_X509_pop_free(certs, X509_free);
		CMS_ContentInfo_free(cms);
		free(out);
	}
	free(pdf);
}

static void
on_payload(const char *data, size_t len, void *arg)
{
	snprintf(arg, QR_PAYLOAD_MAX, "%.*s", (int)len, data);
}

static void
test_qr_scan(void **state)
{
	char got[QR_PAYLOAD_MAX] = "", want[160];
	unsigned side;
	uint8_t *img;

	(void)state;
	snprintf(want, sizeof(want), CERT_QR_PREFIX "%s %s", F.id, F.sha);
	img = fx_qr(want, &side);
	assert_non_null(img);
	assert_int_equal(vfy_qr_scan(img, side, side, on_payload, got), 1);
	assert_string_equal(got, want);
	memset(img, 255, (size_t)side * side);
	assert_int_equal(vfy_qr_scan(img, side, side, on_payload, got), 0);
	free(img);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_untrusted),
		cmocka_unit_test(test_tampered_bytes),
		cmocka_unit_test(test_record_mismatch),
		cmocka_unit_test(test_register_hash),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_fuzz_every_change_caught),
		cmocka_unit_test(test_every_der_byte),
		cmocka_unit_test(test_malleated_cms),
		cmocka_unit_test(test_signed_low_s),
		cmocka_unit_test(test_qr_scan),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
