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
		cmocka_unit_test(test_qr_scan),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
