/*
 * test_register_line.c - one register line (register/line.c, body.c,
 * signer.c, util.c): composing, hashing, signing, parsing, and a fuzz
 * loop over mutated lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/ec.h>

#include "tests/register_test.h"

static struct tkey ca, tech;

static int
setup(void **state)
{
	(void)state;
	wc_tz_set("Asia/Tokyo");
	t_ca(&ca, "Test Root CA");
	t_leaf(&tech, &ca, "技術者 一郎", 2);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	t_key_free(&tech);
	t_key_free(&ca);
	return 0;
}

/* A signed line with a received body. */
static char *
make_line(uint64_t seq, const char *prev, int embed, size_t *len)
{
	struct reg_received r = {
		.contract = "練総契第123号", .asset_tag = "NRM-0001",
		.description = "庁内PC \"総務課\", 内蔵HDD", .serial = "WD-1234",
		.from = "練馬区 情報政策課",
	};
	struct reg_line_in in = {
		.seq = seq, .time = "2025-12-01T17:24:05+09:00",
		.kind = REG_RECEIVED, .prev = prev, .embed_cert = embed,
	};
	char *line;

	assert_int_equal(reg_body_received(&r, &in.body), 0);
	assert_int_equal(reg_line_make(&tech.s, &in, &line, len), 0);
	json_object_put(in.body);
	return line;
}

static void
test_make_and_parse(void **state)
{
	struct reg_entry e;
	const char *why;
	char *line, hex[REG_HEX_LEN];
	uint8_t sum[32];
	size_t len;

	(void)state;
	line = make_line(1, REG_ZERO_HASH, 1, &len);
	assert_int_equal(line[len - 1], '\n');
	assert_null(memchr(line, '\n', len - 1));
	assert_int_equal(strncmp(line, "{\"seq\":1,\"time\":\"2025-12-01T17:24:05"
				 "+09:00\",\"kind\":\"received\",\"body\":{", 70),
			 0);
	assert_int_equal(reg_line_parse(line, len - 1, &e, &why), 0);
	assert_int_equal(e.seq, 1);
	assert_int_equal(e.kind, REG_RECEIVED);
	assert_string_equal(e.prev, REG_ZERO_HASH);
	assert_string_equal(e.signer, tech.s.fingerprint);
	assert_non_null(e.cert_b64);
	assert_string_equal(reg_body_str(&e, "asset_tag"), "NRM-0001");
	assert_string_equal(reg_body_str(&e, "description"),
			    "庁内PC \"総務課\", 内蔵HDD");
	assert_null(reg_body_str(&e, "model"));		/* written as null */
	/* The hash is of the whole line, signature included, no newline. */
	wc_sha256(line, len - 1, sum);
	wc_hex(hex, sum, sizeof(sum));
	assert_string_equal(e.hash, hex);
	/* The signed bytes: the line up to ,"sig": then "}". */
	assert_int_equal(memcmp(line + e.signed_len, ",\"sig\":\"", 8), 0);
	assert_int_equal(reg_entry_check_sig(&e, line, tech.pkey), 0);
	assert_int_equal(e.when, 1764577445);
	reg_entry_release(&e);
	free(line);
}

static void
test_cert_only_when_asked(void **state)
{
	struct reg_entry e;
	const char *why;
	char *line;
	size_t len;

	(void)state;
	line = make_line(2, REG_ZERO_HASH, 0, &len);
	assert_int_equal(reg_line_parse(line, len - 1, &e, &why), 0);
	assert_null(e.cert_b64);
	assert_null(strstr(line, "\"cert\""));
	assert_int_equal(reg_entry_check_sig(&e, line, tech.pkey), 0);
	reg_entry_release(&e);
	free(line);
}

/* Any changed byte of the signed part breaks the signature. */
/* (r, n - s) of a DER ECDSA signature on P-256. */
static void
flip_s(const uint8_t *sig, size_t len, uint8_t **out, size_t *outlen)
{
	const unsigned char *p = sig;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *r, *s;
	BIGNUM *s2 = BN_new();
	unsigned char *der = NULL;
	int n;

	assert_true(es != NULL && g != NULL && s2 != NULL);
	ECDSA_SIG_get0(es, &r, &s);
	assert_int_equal(BN_sub(s2, EC_GROUP_get0_order(g), s), 1);
	assert_int_equal(ECDSA_SIG_set0(es, BN_dup(r), s2), 1);
	n = i2d_ECDSA_SIG(es, &der);
	assert_true(n > 0);
	*out = malloc((size_t)n);
	assert_non_null(*out);
	memcpy(*out, der, (size_t)n);
	*outlen = (size_t)n;
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	EC_GROUP_free(g);
}

/* Lines are signed low-S; the high-S twin of a line is rejected. */
static void
test_high_s_rejected(void **state)
{
	struct reg_entry e;
	const char *why, *at;
	uint8_t *sig, *hi;
	size_t len, siglen, hilen, k, off;
	char *line, *b64, buf[REG_LINE_MAX + 2];

	(void)state;
	for (k = 0; k < 8; k++) {
		line = make_line(k + 1, REG_ZERO_HASH, 0, &len);
		at = strstr(line, REG_SIG_PREFIX);
		assert_non_null(at);
		off = (size_t)(at - line) + strlen(REG_SIG_PREFIX);
		assert_int_equal(reg_b64_decode(line + off, len - off - 3, &sig,
						&siglen), 0);
		assert_int_equal(wc_ecdsa_is_low_s(sig, siglen, tech.pkey), 1);
		flip_s(sig, siglen, &hi, &hilen);
		assert_int_equal(wc_ecdsa_is_low_s(hi, hilen, tech.pkey), 0);
		assert_int_equal(reg_b64_encode(hi, hilen, &b64), 0);
		snprintf(buf, sizeof(buf), "%.*s%s\"}\n", (int)off, line, b64);
		assert_int_equal(reg_line_parse(buf, strlen(buf) - 1, &e, &why),
				 0);
		assert_int_equal(reg_entry_check_sig(&e, buf, tech.pkey),
				 -EINVAL);
		reg_entry_release(&e);
		free(b64);
		free(hi);
		free(sig);
		free(line);
	}
}

static void
test_edit_breaks_signature(void **state)
{
	struct reg_entry e;
	const char *why;
	char *line, *p;
	size_t len;

	(void)state;
	line = make_line(1, REG_ZERO_HASH, 1, &len);
	p = strstr(line, "NRM-0001");
	p[7] = '2';
	assert_int_equal(reg_line_parse(line, len - 1, &e, &why), 0);
	assert_int_equal(reg_entry_check_sig(&e, line, tech.pkey), -EBADMSG);
	reg_entry_release(&e);
	/* Another key does not verify it either. */
	p[7] = '1';
	assert_int_equal(reg_line_parse(line, len - 1, &e, &why), 0);
	assert_int_equal(reg_entry_check_sig(&e, line, ca.pkey), -EBADMSG);
	reg_entry_release(&e);
	free(line);
}

static void
expect_bad(const char *line, const char *want_why)
{
	struct reg_entry e;
	const char *why;

	assert_int_equal(reg_line_parse(line, strlen(line), &e, &why),
			 -EBADMSG);
	assert_non_null(why);
	if (want_why != NULL && strstr(why, want_why) == NULL)
		fail_msg("'%s' gave '%s', want '%s'", line, why, want_why);
	reg_entry_release(&e);
}

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define T1 "\"time\":\"2025-12-01T17:24:05+09:00\""

static void
test_parse_rejects(void **state)
{
	(void)state;
	expect_bad("", "empty");
	expect_bad("{}", "signature");
	expect_bad("not json", "signature");
	expect_bad("{\"seq\":1," T1 ",\"sig\":\"AAAA\"}", "keys");
	expect_bad("{\"seq\":1," T1 ",\"kind\":\"received\",\"body\":{},"
		   "\"prev\":\"" H64 "\",\"signer\":\"" H64 "\",\"sig\":\"AA=A\"",
		   "signature");
	/* Keys out of order. */
	expect_bad("{" T1 ",\"seq\":1,\"kind\":\"received\",\"body\":{},"
		   "\"prev\":\"" H64 "\",\"signer\":\"" H64 "\",\"sig\":\"AAAA\"}",
		   "order");
	expect_bad("{\"seq\":0," T1 ",\"kind\":\"received\",\"body\":{},"
		   "\"prev\":\"" H64 "\",\"signer\":\"" H64 "\",\"sig\":\"AAAA\"}",
		   "seq");
	expect_bad("{\"seq\":1.5," T1 ",\"kind\":\"received\",\"body\":{},"
		   "\"prev\":\"" H64 "\",\"signer\":\"" H64 "\",\"sig\":\"AAAA\"}",
		   "seq");
	expect_bad("{\"seq\":1,\"time\":\"2025-12-01 17:24\",\"kind\":\"received\","
		   "\"body\":{},\"prev\":\"" H64 "\",\"signer\":\"" H64
		   "\",\"sig\":\"AAAA\"}", "time");
	expect_bad("{\"seq\":1," T1 ",\"kind\":\"stolen\",\"body\":{},"
		   "\"prev\":\"" H64 "\",\"signer\":\"" H64 "\",\"sig\":\"AAAA\"}",
		   "kind");
	expect_bad("{\"seq\":1," T1 ",\"kind\":\"received\",\"body\":[],"
		   "\"prev\":\"" H64 "\",\"signer\":\"" H64 "\",\"sig\":\"AAAA\"}",
		   "body");
	expect_bad("{\"seq\":1," T1 ",\"kind\":\"received\",\"body\":{},"
		   "\"prev\":\"0123\",\"signer\":\"" H64 "\",\"sig\":\"AAAA\"}",
		   "prev");
	expect_bad("{\"seq\":1," T1 ",\"kind\":\"received\",\"body\":{},"
		   "\"prev\":\"" H64 "\",\"signer\":\"" H64 "\",\"x\":1,"
		   "\"sig\":\"AAAA\"}", "keys");
	/* Invalid UTF-8 in a string. */
	expect_bad("{\"seq\":1," T1 ",\"kind\":\"received\",\"body\":{\"a\":"
		   "\"\xff\xfe\"},\"prev\":\"" H64 "\",\"signer\":\"" H64
		   "\",\"sig\":\"AAAA\"}", "JSON");
}

static void
test_parse_minimal_ok(void **state)
{
	const char *ok = "{\"seq\":7," T1 ",\"kind\":\"report\",\"body\":{},"
			 "\"prev\":\"" H64 "\",\"signer\":\"" H64 "\","
			 "\"sig\":\"AAAA\"}";
	struct reg_entry e;
	const char *why;

	(void)state;
	assert_int_equal(reg_line_parse(ok, strlen(ok), &e, &why), 0);
	assert_int_equal(e.seq, 7);
	assert_int_equal(e.kind, REG_REPORT);
	/* Not a DER signature. */
	assert_int_equal(reg_entry_check_sig(&e, ok, tech.pkey), -EINVAL);
	reg_entry_release(&e);
}

static void
test_bodies(void **state)
{
	struct reg_received r = { .asset_tag = "A-1", .from = "ward" };
	struct reg_takeout t = {
		.asset_tag = "A-1", .time_out = "2025-12-01T10:00:00+09:00",
		.taken_by = "山田", .approver = "佐藤", .purpose = "消去",
		.destination = "センター",
	};
	struct reg_erasure er = {
		.record_id = "r", .record_sha256 = H64, .result = "pass",
		.method = "zero", .nist_category = "Clear",
	};
	struct json_object *o;

	(void)state;
	assert_int_equal(reg_body_received(&r, &o), 0);
	assert_string_equal(json_object_to_json_string_ext(o, 0),
			    "{\"contract\":null,\"asset_tag\":\"A-1\","
			    "\"description\":null,\"media_type\":null,"
			    "\"vendor\":null,\"model\":null,\"serial\":null,"
			    "\"capacity\":null,\"department\":null,"
			    "\"classification\":null,\"stored_info\":null,"
			    "\"from\":\"ward\",\"received_by\":null,"
			    "\"note\":null}");
	json_object_put(o);
	r.from = NULL;			/* required */
	assert_int_equal(reg_body_received(&r, &o), -EINVAL);
	assert_null(o);
	r.from = "\xc3\x28";		/* invalid UTF-8 */
	assert_int_equal(reg_body_received(&r, &o), -EINVAL);
	assert_int_equal(reg_body_takeout(&t, &o), 0);
	json_object_put(o);
	t.time_out = "yesterday";
	assert_int_equal(reg_body_takeout(&t, &o), -EINVAL);
	assert_int_equal(reg_body_erasure(&er, &o), 0);
	json_object_put(o);
	er.result = "maybe";
	assert_int_equal(reg_body_erasure(&er, &o), -EINVAL);
	er.result = "fail";
	er.record_sha256 = "abc";
	assert_int_equal(reg_body_erasure(&er, &o), -EINVAL);
}

static void
test_b64_utf8_hex(void **state)
{
	uint8_t *d;
	size_t n;
	char *s;

	(void)state;
	assert_int_equal(reg_b64_encode((const uint8_t *)"wipe", 4, &s), 0);
	assert_string_equal(s, "d2lwZQ==");
	assert_int_equal(reg_b64_decode(s, strlen(s), &d, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(d, "wipe", 4);
	free(d);
	free(s);
	assert_int_equal(reg_b64_decode("d2lw", 4, &d, &n), 0);
	assert_int_equal(n, 3);
	free(d);
	assert_int_equal(reg_b64_decode("d2l", 3, &d, &n), -EINVAL);
	assert_int_equal(reg_b64_decode("d=lw", 4, &d, &n), -EINVAL);
	assert_int_equal(reg_b64_decode("d2l\n", 4, &d, &n), -EINVAL);
	/* Unused bits set: decodes to "wipe" too, but is not canonical. */
	assert_int_equal(reg_b64_decode("d2lwZR==", 8, &d, &n), -EINVAL);
	assert_true(reg_utf8_valid("管理番号", strlen("管理番号")));
	assert_false(reg_utf8_valid("\xe7\xae", 2));		/* cut */
	assert_false(reg_utf8_valid("\xc0\xaf", 2));		/* overlong */
	assert_false(reg_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_true(reg_is_hex64(H64));
	assert_false(reg_is_hex64("0123"));
	assert_false(reg_is_hex64(
		"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
}

static void
test_time_parse(void **state)
{
	time_t t;
	int d;

	(void)state;
	assert_int_equal(reg_time_parse("2025-12-01T17:24:05+09:00", &t, &d), 0);
	assert_int_equal(t, 1764577445);
	assert_false(d);
	assert_int_equal(reg_time_parse("2025-12-01T08:24:05Z", &t, NULL), 0);
	assert_int_equal(t, 1764577445);
	assert_int_equal(reg_time_parse("2025-12-01 17:24:05", &t, NULL), 0);
	assert_int_equal(t, 1764577445);	/* Asia/Tokyo */
	assert_int_equal(reg_time_parse("2025-12-01", &t, &d), 0);
	assert_true(d);
	assert_int_equal(t, 1764514800);
	assert_int_equal(reg_time_parse("2025-02-31", &t, NULL), -EINVAL);
	assert_int_equal(reg_time_parse("2025-12-01T25:00", &t, NULL), -EINVAL);
	assert_int_equal(reg_time_parse("2025-12-01T10:00+9", &t, NULL), -EINVAL);
	assert_int_equal(reg_time_parse("12/01/2025", &t, NULL), -EINVAL);
	assert_int_equal(reg_time_parse(NULL, &t, NULL), -EINVAL);
}

static void
test_head_parse(void **state)
{
	char h[REG_HEX_LEN];
	uint64_t seq;

	(void)state;
	assert_int_equal(reg_head_parse("12:" H64, &seq, h), 0);
	assert_int_equal(seq, 12);
	assert_string_equal(h, H64);
	assert_int_equal(reg_head_parse("0:" H64, &seq, h), -EINVAL);
	assert_int_equal(reg_head_parse("-1:" H64, &seq, h), -EINVAL);
	assert_int_equal(reg_head_parse("12" H64, &seq, h), -EINVAL);
	assert_int_equal(reg_head_parse("12:abc", &seq, h), -EINVAL);
	assert_int_equal(reg_head_parse("x:" H64, &seq, h), -EINVAL);
}

static void
test_signer_mismatch(void **state)
{
	struct reg_signer s;

	(void)state;
	assert_int_equal(reg_signer_init(&s, ca.pkey, tech.cert), -EKEYREJECTED);
	reg_signer_release(&s);
	reg_signer_release(NULL);
	assert_int_equal(reg_signer_init(&s, NULL, tech.cert), -EINVAL);
}

/* xorshift64*, so that a failure can be replayed. */
static uint64_t
next_rand(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 2685821657736338717ULL;
}

static size_t
mutate(char *buf, size_t len, size_t cap, uint64_t *rng)
{
	static const char tokens[] = "{}[]\",:\\0123456789eE.-+ntfu\x80\xff";
	size_t at = next_rand(rng) % (len + 1), n, r;

	switch (next_rand(rng) % 5) {
	case 0:		/* flip a bit */
		if (len > 0)
			buf[at % len] ^= (char)(1u << (next_rand(rng) % 8));
		return len;
	case 1:		/* a JSON-ish byte somewhere */
		if (len > 0)
			buf[at % len] = tokens[next_rand(rng) % (sizeof(tokens) - 1)];
		return len;
	case 2:		/* cut */
		return at;
	case 3:		/* delete a run */
		r = next_rand(rng) % 16;	/* WC_MIN evaluates twice */
		n = WC_MIN(r, len - at);
		memmove(buf + at, buf + at + n, len - at - n);
		return len - n;
	default:	/* duplicate a run */
		r = next_rand(rng) % 32;
		n = WC_MIN(r, len - at);
		if (len + n > cap)
			return len;
		memmove(buf + at + n, buf + at, len - at);
		return len + n;
	}
}

/*
 * Mutated lines never crash the parser (run under ASan by make check),
 * and a mutated line that still parses never verifies.
 */
static void
test_fuzz(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	struct reg_entry e;
	const char *why;
	char *line, *buf;
	size_t len, cap, n, k;
	int i, parsed = 0;

	(void)state;
	line = make_line(3, H64, 1, &len);
	len--;
	cap = len * 2 + 64;
	buf = malloc(cap);
	assert_non_null(buf);
	for (i = 0; i < 50000; i++) {
		memcpy(buf, line, len);
		n = len;
		for (k = 0; k <= next_rand(&rng) % 3; k++)
			n = mutate(buf, n, cap, &rng);
		if (reg_line_parse(buf, n, &e, &why) == 0) {
			parsed++;
			if (n != len || memcmp(buf, line, len) != 0)
				assert_int_not_equal(
					reg_entry_check_sig(&e, buf, tech.pkey), 0);
		} else {
			assert_non_null(why);
		}
		reg_entry_release(&e);
	}
	print_message("fuzz: 50000 mutations, %d still parsed\n", parsed);
	free(buf);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_and_parse),
		cmocka_unit_test(test_cert_only_when_asked),
		cmocka_unit_test(test_edit_breaks_signature),
		cmocka_unit_test(test_high_s_rejected),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_minimal_ok),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_b64_utf8_hex),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_head_parse),
		cmocka_unit_test(test_signer_mismatch),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
