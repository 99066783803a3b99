/*
 * register.c - `make bench-register`: how long one register append
 * takes, fsync included, with the key already unlocked, and how long
 * verifying a 10,000-entry register takes (targets: 20 ms, 2 s).
 *
 *   build/reg-bench [DIR] [APPENDS] [ENTRIES]
 *
 * DIR (default build) must be on the disk being measured; the files are
 * removed afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "register/register.h"

#define APPEND_TARGET_MS 20
#define VERIFY_TARGET_MS 2000

static X509 *
self_signed(EVP_PKEY *k)
{
	X509 *c = X509_new();
	X509_NAME *n;

	if (c == NULL)
		return NULL;
	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
	X509_gmtime_adj(X509_getm_notBefore(c), -86400);
	X509_gmtime_adj(X509_getm_notAfter(c), 86400L * 365);
	X509_set_pubkey(c, k);
	n = X509_get_subject_name(c);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
				   (const unsigned char *)"bench", -1, -1, 0);
	X509_set_issuer_name(c, n);
	if (X509_sign(c, k, EVP_sha256()) <= 0) {
		X509_free(c);
		return NULL;
	}
	return c;
}

/* A typical erasure entry body. */
static struct json_object *
body(unsigned i)
{
	char id[37];
	struct reg_erasure e = {
		.record_id = id,
		.record_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c"
				 "d15d6c15b0f00a08",
		.result = "pass", .contract = "練総契第123号",
		.asset_tag = "NRM-0001", .media_type = "hdd", .transport = "sata",
		.vendor = "WDC", .model = "WD5000AAKX-00ERMA0",
		.serial = "WD-WCC2EUP12345", .size_bytes = 500107862016ULL,
		.method = "zero", .nist_category = "Clear",
		.ended = "2026-11-26T10:33:53+09:00",
		.operator_name = "技術者 一郎", .witness = "区職員 次郎",
		.custody = "ok",
	};
	struct json_object *o = NULL;

	if (wc_fmt(id, sizeof(id), "00000000-0000-4000-8000-%012u", i) != 0 ||
	    reg_body_erasure(&e, &o) != 0)
		return NULL;
	return o;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* APPENDS timed appends, fsync included. */
static int
bench_append(const char *path, const struct reg_signer *s, unsigned n)
{
	struct reg_appended out;
	struct json_object *b;
	uint64_t *t, t0;
	unsigned i;
	int ret = 0;

	t = calloc(n, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	for (i = 0; i < n && ret == 0; i++) {
		b = body(i);
		t0 = wc_mono_ns();
		ret = b ? reg_append(path, s, REG_ERASURE, b, time(NULL), &out) :
			-ENOMEM;
		t[i] = wc_mono_ns() - t0;
		json_object_put(b);
	}
	if (ret == 0) {
		qsort(t, n, sizeof(*t), cmp_u64);
		printf("register append (fsync included), %u appends: median "
		       "%.2f ms, p95 %.2f ms, max %.2f ms (target <= %d ms): "
		       "%s\n", n, t[n / 2] / 1e6, t[n * 95 / 100] / 1e6,
		       t[n - 1] / 1e6, APPEND_TARGET_MS,
		       t[n / 2] <= APPEND_TARGET_MS * 1000000ULL ? "ok" : "SLOW");
	}
	free(t);
	return ret;
}

/* A register of n entries, written in one go (no fsync per line). */
static int
make_register(const char *path, const struct reg_signer *s, unsigned n)
{
	char ts[WC_RFC3339_LEN], prev[REG_HEX_LEN], *line;
	struct reg_line_in in = { .kind = REG_ERASURE, .time = ts };
	uint8_t sum[32];
	FILE *f;
	size_t len;
	unsigned i;
	int ret = 0;

	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	memset(prev, '0', 64);
	prev[64] = '\0';
	for (i = 1; i <= n && ret == 0; i++) {
		in.seq = i;
		in.prev = prev;
		in.embed_cert = i == 1;
		in.body = body(i);
		ret = in.body ? wc_rfc3339(ts, sizeof(ts), time(NULL)) : -ENOMEM;
		if (ret == 0)
			ret = reg_line_make(s, &in, &line, &len);
		json_object_put(in.body);
		if (ret != 0)
			break;
		wc_sha256(line, len - 1, sum);
		wc_hex(prev, sum, sizeof(sum));
		if (fwrite(line, 1, len, f) != len)
			ret = -EIO;
		free(line);
	}
	/* On disk before the appends that follow are timed. */
	if (ret == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		ret = -errno;
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	return ret;
}

static int
bench_verify(const char *path, unsigned n)
{
	struct reg_verify_opts o = { .ca_path = NULL };
	struct reg_verify_result r;
	uint64_t t0, ns;
	int ret;

	t0 = wc_mono_ns();
	ret = reg_verify(path, &o, &r);
	ns = wc_mono_ns() - t0;
	if (ret != 0 || r.problem != REG_OK || r.entries != n) {
		fprintf(stderr, "reg-bench: verify failed: %s\n", r.reason);
		return -EINVAL;
	}
	printf("register verify, %u entries: %.0f ms (target <= %d ms): %s\n",
	       n, ns / 1e6, VERIFY_TARGET_MS,
	       ns <= VERIFY_TARGET_MS * 1000000ULL ? "ok" : "SLOW");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "build";
	unsigned appends = argc > 2 ? (unsigned)atoi(argv[2]) : 200;
	unsigned entries = argc > 3 ? (unsigned)atoi(argv[3]) : 10000;
	char p1[4096], p2[4096];
	struct reg_signer s;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *c = k ? self_signed(k) : NULL;
	int ret;

	wc_tz_set(WC_DEFAULT_TZ);
	if (c == NULL || reg_signer_init(&s, k, c) != 0 || appends == 0 ||
	    wc_fmt(p1, sizeof(p1), "%s/reg-bench-append.%d", dir,
		   (int)getpid()) != 0 ||
	    wc_fmt(p2, sizeof(p2), "%s/reg-bench-verify.%d", dir,
		   (int)getpid()) != 0) {
		fprintf(stderr, "reg-bench: set-up failed\n");
		return 1;
	}
	ret = bench_append(p1, &s, appends);
	/* An append at the end of a long register: the tail and signer scan. */
	if (ret == 0)
		ret = make_register(p2, &s, entries);
	if (ret == 0)
		ret = bench_verify(p2, entries);
	if (ret == 0) {
		unlink(p1);
		printf("at the end of that register:\n");
		ret = bench_append(p2, &s, appends / 4 ? appends / 4 : 1);
	}
	if (ret != 0)
		fprintf(stderr, "reg-bench: %s\n", strerror(-ret));
	unlink(p1);
	unlink(p2);
	reg_signer_release(&s);
	X509_free(c);
	EVP_PKEY_free(k);
	return ret == 0 ? 0 : 1;
}
