/*
 * test_certs_keys.c - keys and certificates: the files (0600, O_EXCL,
 * no symlinks, PKCS#8 with the KDF asked for), the certificate profiles,
 * and every refusal: wrong passphrase (-EACCES), expired or not yet
 * valid leaf (-EKEYEXPIRED), key and certificate that differ
 * (-EKEYREJECTED), a key others can read (-EPERM); CSR and import.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

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

static void
path(char *out, size_t len, const char *name)
{
	assert_int_equal(fx_path(out, len, &F, name), 0);
}

static struct cert_key_req
leaf_req(const char *name)
{
	struct cert_key_req r = { .org = "株式会社テスト消去", .name = name,
				  .kdf_iter = FX_KDF_ITER };
	return r;
}

static void
test_key_file_mode_and_format(void **state)
{
	const X509_ALGOR *alg;
	PBKDF2PARAM *kdf;
	PBE2PARAM *pbe2;
	struct stat st;
	X509_SIG *p8;
	FILE *fp;
	char *pem;
	size_t len;

	(void)state;
	assert_int_equal(stat(F.key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(F.ca_key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(F.cert, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(wc_read_file(F.key, 1 << 16, &pem, &len), 0);
	assert_non_null(strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	free(pem);
	/* PBES2: PBKDF2-HMAC-SHA256 with the iterations asked, AES-256. */
	fp = fopen(F.key, "r");
	assert_non_null(fp);
	p8 = PEM_read_PKCS8(fp, NULL, NULL, NULL);
	fclose(fp);
	assert_non_null(p8);
	X509_SIG_get0(p8, &alg, NULL);
	assert_int_equal(OBJ_obj2nid(alg->algorithm), NID_pbes2);
	pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM),
					 alg->parameter);
	assert_non_null(pbe2);
	assert_int_equal(OBJ_obj2nid(pbe2->encryption->algorithm),
			 NID_aes_256_cbc);
	assert_int_equal(OBJ_obj2nid(pbe2->keyfunc->algorithm), NID_id_pbkdf2);
	kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
					pbe2->keyfunc->parameter);
	assert_non_null(kdf);
	assert_int_equal(ASN1_INTEGER_get(kdf->iter), FX_KDF_ITER);
	assert_int_equal(OBJ_obj2nid(kdf->prf->algorithm), NID_hmacWithSHA256);
	PBKDF2PARAM_free(kdf);
	PBE2PARAM_free(pbe2);
	X509_SIG_free(p8);
	assert_true(CERT_KDF_ITER_DEFAULT >= 600000);
}

static void
test_never_overwritten(void **state)
{
	struct cert_key_req r = leaf_req("x");
	char link[160], target[160], before[64];
	uint8_t md1[32], md2[32];

	(void)state;
	assert_int_equal(wc_sha256_file(F.key, md1), 0);
	assert_int_equal(cert_key_leaf_init(&r, "p", F.ca_key, F.ca_cert,
					    "ca " FX_PASS, F.key, F.cert),
			 -EEXIST);
	assert_int_equal(cert_key_ca_init(&r, "p", F.ca_key, F.ca_cert),
			 -EEXIST);
	assert_int_equal(wc_sha256_file(F.key, md2), 0);
	assert_memory_equal(md1, md2, 32);
	/* A dangling symlink is not followed: the target is not created. */
	path(link, sizeof(link), "link.key");
	path(target, sizeof(target), "target.key");
	path(before, sizeof(before), "new.pem");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(cert_key_leaf_init(&r, "p", F.ca_key, F.ca_cert,
					    "ca " FX_PASS, link, before),
			 -EEXIST);
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(access(before, F_OK), -1);
}

static void
test_wrong_passphrase(void **state)
{
	struct cert_signer *s = NULL;
	char bad[160];
	void *k = NULL;

	(void)state;
	path(bad, sizeof(bad), "bad-pass");
	assert_int_equal(fx_write(bad, "wrong\n", 6), 0);
	assert_int_equal(cert_signer_load(F.key, F.cert, F.ca_cert, bad,
					  time(NULL), &s), -EACCES);
	assert_null(s);
	assert_int_equal(cert_key_load(F.key, "correct hors", &k), -EACCES);
	assert_int_equal(cert_key_load(F.key, FX_PASS, &k), 0);
	EVP_PKEY_free(k);
	assert_int_equal(fx_write(bad, "\n", 1), 0);	/* empty */
	assert_int_equal(cert_signer_load(F.key, F.cert, NULL, bad,
					  time(NULL), &s), -EINVAL);
}

static void
test_passphrase_file(void **state)
{
	char p[160], buf[CERT_PASS_MAX];

	(void)state;
	path(p, sizeof(p), "crlf");
	assert_int_equal(fx_write(p, "pass word\r\nsecond line\n", 23), 0);
	assert_int_equal(cert_passphrase_get(p, NULL, 0, buf), 0);
	assert_string_equal(buf, "pass word");
	assert_int_equal(fx_write(p, "no newline", 10), 0);
	assert_int_equal(cert_passphrase_get(p, NULL, 0, buf), 0);
	assert_string_equal(buf, "no newline");
	assert_int_equal(cert_passphrase_get("/nonexistent/x", NULL, 0, buf),
			 -ENOENT);
}

static void
test_expired_and_future_leaf(void **state)
{
	struct cert_key_req r = leaf_req("期限切れ");
	struct cert_signer *s = NULL;
	char key[160], cert[160];

	(void)state;
	path(key, sizeof(key), "old.key");
	path(cert, sizeof(cert), "old.pem");
	r.not_before = time(NULL) - 400 * 86400;
	r.days = 30;
	assert_int_equal(cert_key_leaf_init(&r, FX_PASS, F.ca_key, F.ca_cert,
					    "ca " FX_PASS, key, cert), 0);
	assert_int_equal(cert_signer_load(key, cert, NULL, F.pass, time(NULL),
					  &s), -EKEYEXPIRED);
	/* The same leaf while it was valid. */
	assert_int_equal(cert_signer_load(key, cert, NULL, F.pass,
					  time(NULL) - 390 * 86400, &s), 0);
	cert_signer_free(s);
	/* The technician's leaf, before it begins. */
	assert_int_equal(cert_signer_load(F.key, F.cert, NULL, F.pass,
					  time(NULL) - 86400, &s),
			 -EKEYEXPIRED);
	r.days = CERT_LEAF_DAYS + 1;
	assert_int_equal(cert_key_leaf_init(&r, FX_PASS, F.ca_key, F.ca_cert,
					    "ca " FX_PASS, "/tmp/x.key",
					    "/tmp/x.pem"), -ERANGE);
}

static void
test_mismatched_key(void **state)
{
	struct cert_key_req r = leaf_req("別人");
	struct cert_signer *s = NULL;
	char key[160], cert[160];

	(void)state;
	path(key, sizeof(key), "other.key");
	path(cert, sizeof(cert), "other.pem");
	assert_int_equal(cert_key_leaf_init(&r, FX_PASS, F.ca_key, F.ca_cert,
					    "ca " FX_PASS, key, cert), 0);
	assert_int_equal(cert_signer_load(key, F.cert, NULL, F.pass,
					  time(NULL), &s), -EKEYREJECTED);
	assert_int_equal(cert_signer_load(F.key, cert, NULL, F.pass,
					  time(NULL), &s), -EKEYREJECTED);
	assert_null(s);
	/* A CA whose key is not its certificate's issues nothing. */
	assert_int_equal(cert_key_leaf_init(&r, FX_PASS, key, F.ca_cert,
					    FX_PASS, "/tmp/y.key", "/tmp/y.pem"),
			 -EKEYREJECTED);
	/* Nor does a leaf pretending to be a CA. */
	assert_int_equal(cert_key_leaf_init(&r, FX_PASS, F.key, F.cert,
					    FX_PASS, "/tmp/y.key", "/tmp/y.pem"),
			 -EKEYREJECTED);
	assert_int_equal(access("/tmp/y.key", F_OK), -1);
}

static void
test_key_mode_refused(void **state)
{
	struct cert_signer *s = NULL;
	char link[160];

	(void)state;
	assert_int_equal(chmod(F.key, 0640), 0);
	assert_int_equal(cert_signer_load(F.key, F.cert, NULL, F.pass,
					  time(NULL), &s), -EPERM);
	assert_int_equal(cert_key_check_file(F.key), -EPERM);
	assert_int_equal(chmod(F.key, 0600), 0);
	assert_int_equal(cert_key_check_file(F.key), 0);
	path(link, sizeof(link), "tech-link.key");
	assert_int_equal(symlink(F.key, link), 0);
	assert_int_equal(cert_key_check_file(link), -ELOOP);
	assert_int_equal(cert_signer_load("/nonexistent.key", F.cert, NULL,
					  F.pass, time(NULL), &s), -ENOENT);
	assert_int_equal(cert_signer_load(F.key, "/nonexistent.pem", NULL,
					  F.pass, time(NULL), &s), -ENOENT);
}

static void
test_profiles(void **state)
{
	struct cert_key_info *ca = NULL, *leaf = NULL;
	struct cert_signer *s = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(cert_key_describe_file(F.ca_cert, &ca, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ca->is_ca, 1);
	assert_string_equal(ca->key_usage, "keyCertSign cRLSign");
	assert_string_equal(ca->key_type, "EC P-256");
	assert_string_equal(ca->subject, ca->issuer);
	assert_true(ca->not_after - ca->not_before >= 20 * 365 * 86400L);
	assert_int_equal(cert_key_describe_file(F.cert, &leaf, &n), 0);
	assert_int_equal(leaf->is_ca, 0);
	assert_string_equal(leaf->key_usage, "digitalSignature nonRepudiation");
	assert_string_equal(leaf->ext_key_usage, "");
	assert_string_equal(leaf->cn, "山田 太郎");
	assert_string_equal(leaf->subject, "CN=山田 太郎,O=株式会社テスト消去");
	assert_string_equal(leaf->issuer, ca->subject);
	assert_true(leaf->not_after - leaf->not_before <= 731 * 86400L);
	assert_int_equal(strlen(leaf->fingerprint), 64);
	assert_int_equal(cert_signer_load(F.key, F.cert, NULL, F.pass,
					  time(NULL), &s), 0);
	assert_string_equal(cert_signer_fingerprint(s), leaf->fingerprint);
	assert_string_equal(cert_signer_name(s), "山田 太郎");
	assert_non_null(cert_signer_pkey(s));
	assert_non_null(cert_signer_x509(s));
	cert_signer_free(s);
	free(ca);
	free(leaf);
}

/* The CA kept elsewhere: sign the request as it would, with extras. */
static void
ca_issue(const char *csr_path, const char *out, int eku)
{
	X509_REQ *q = NULL;
	X509 *ca = NULL, *x = X509_new();
	EVP_PKEY *cak = NULL;
	X509V3_CTX ctx;
	FILE *fp;
	void *k;

	fp = fopen(csr_path, "r");
	q = PEM_read_X509_REQ(fp, NULL, NULL, NULL);
	fclose(fp);
	fp = fopen(F.ca_cert, "r");
	ca = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	assert_int_equal(cert_key_load(F.ca_key, "ca " FX_PASS, &k), 0);
	cak = k;
	assert_true(q && ca && x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	X509_set_subject_name(x, X509_REQ_get_subject_name(q));
	X509_set_issuer_name(x, X509_get_subject_name(ca));
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_set_pubkey(x, X509_REQ_get0_pubkey(q));
	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	if (eku) {
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx,
			NID_ext_key_usage, "1.3.6.1.5.5.7.3.36");

		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, cak, EVP_sha256()) > 0);
	fp = fopen(out, "w");
	PEM_write_X509(fp, x);
	fclose(fp);
	X509_free(x);
	X509_free(ca);
	X509_REQ_free(q);
	EVP_PKEY_free(cak);
}

static void
test_csr_and_import(void **state)
{
	struct cert_key_req r = leaf_req("佐藤 花子");
	char key[160], csr[160], issued[160], bad[160], cert[160];
	struct cert_key_info *info = NULL;
	struct cert_signer *s = NULL;
	size_t n = 0;

	(void)state;
	path(key, sizeof(key), "sato.key");
	path(csr, sizeof(csr), "sato.csr");
	path(issued, sizeof(issued), "sato-issued.pem");
	path(bad, sizeof(bad), "sato-eku.pem");
	path(cert, sizeof(cert), "sato.pem");
	assert_int_equal(cert_key_csr(&r, FX_PASS, 0, key, csr), 0);
	assert_int_equal(cert_key_csr(&r, FX_PASS, 0, key, csr), -EEXIST);
	assert_int_equal(cert_key_describe_file(csr, &info, &n), 0);
	assert_int_equal(info->is_ca, -1);
	assert_string_equal(info->cn, "佐藤 花子");
	free(info);
	ca_issue(csr, issued, 0);
	ca_issue(csr, bad, 1);
	assert_int_equal(cert_key_import(key, FX_PASS, bad, F.ca_cert,
					 time(NULL), cert), -EINVAL);
	assert_int_equal(cert_key_import(key, "wrong", issued, F.ca_cert,
					 time(NULL), cert), -EACCES);
	assert_int_equal(cert_key_import(F.key, FX_PASS, issued, F.ca_cert,
					 time(NULL), cert), -EKEYREJECTED);
	assert_int_equal(cert_key_import(key, FX_PASS, issued, F.cert,
					 time(NULL), cert), -EBADMSG);
	assert_int_equal(cert_key_import(key, FX_PASS, issued, F.ca_cert,
					 time(NULL) + 400 * 86400, cert),
			 -EKEYEXPIRED);
	assert_int_equal(access(cert, F_OK), -1);
	assert_int_equal(cert_key_import(key, FX_PASS, issued, F.ca_cert,
					 time(NULL), cert), 0);
	assert_int_equal(cert_key_import(key, FX_PASS, issued, F.ca_cert,
					 time(NULL), cert), -EEXIST);
	assert_int_equal(cert_signer_load(key, cert, F.ca_cert, F.pass,
					  time(NULL), &s), 0);
	cert_signer_free(s);
	/* A second CSR for the same key. */
	path(csr, sizeof(csr), "sato2.csr");
	assert_int_equal(cert_key_csr(&r, FX_PASS, 1, key, csr), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_file_mode_and_format),
		cmocka_unit_test(test_never_overwritten),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_passphrase_file),
		cmocka_unit_test(test_expired_and_future_leaf),
		cmocka_unit_test(test_mismatched_key),
		cmocka_unit_test(test_key_mode_refused),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_csr_and_import),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
