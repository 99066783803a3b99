/*
 * test_wipe_pattern.c - seekable pattern generation, pattern names and
 * erase plans (wipe/pattern.c, wipe/method.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wipe/wipe.h"

#define SPAN (2 * WC_MIB)

static const uint64_t offsets[] = { 0, 1, 15, 16, 17, 4095, 4096,
				    WC_MIB + 3 };
static const size_t lengths[] = { 1, 2, 3, 15, 16, 17, 31, 4097, 65539 };

static struct wipe_pattern
random_pattern(enum wipe_pattern_kind kind)
{
	struct wipe_pattern p;
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.kind = kind;
	for (i = 0; i < sizeof(p.key); i++)
		p.key[i] = (uint8_t)(0xa0 + 7 * i);
	return p;
}

static uint8_t *
generate(const struct wipe_pattern *p, uint64_t off, size_t len)
{
	struct wipe_patgen *g = NULL;
	uint8_t *buf = malloc(len);

	assert_non_null(buf);
	assert_int_equal(wipe_patgen_new(p, &g), 0);
	assert_non_null(g);
	assert_int_equal(wipe_patgen_fill(g, off, buf, len), 0);
	wipe_patgen_free(g);
	return buf;
}

/* Every [X, X + len) equals the slice of one generation from 0. */
static void
check_seekable(const struct wipe_pattern *p)
{
	struct wipe_patgen *g = NULL;
	uint8_t *whole = generate(p, 0, SPAN), *part;
	size_t i, j;

	part = malloc(65539 + 1);
	assert_non_null(part);
	assert_int_equal(wipe_patgen_new(p, &g), 0);
	/* One generator reused out of order must not carry state over. */
	for (i = 0; i < WC_ARRAY_SIZE(offsets); i++) {
		for (j = 0; j < WC_ARRAY_SIZE(lengths); j++) {
			memset(part, 0x5a, lengths[j] + 1);
			assert_int_equal(wipe_patgen_fill(g, offsets[i], part,
							  lengths[j]), 0);
			assert_memory_equal(part, whole + offsets[i],
					    lengths[j]);
			/* Nothing written past the end. */
			assert_int_equal(part[lengths[j]], 0x5a);
		}
	}
	wipe_patgen_free(g);
	free(part);
	free(whole);
}

static void
test_seekable_random(void **state)
{
	struct wipe_pattern p = random_pattern(WIPE_PAT_RANDOM);
	uint8_t *a;
	size_t i, zeros = 0;

	(void)state;
	check_seekable(&p);
	/* It does look random: few zero bytes, not a repeat of block 0. */
	a = generate(&p, 0, 4096);
	for (i = 0; i < 4096; i++)
		zeros += a[i] == 0;
	assert_true(zeros < 64);
	assert_memory_not_equal(a, a + 16, 16);
	free(a);
}

static void
test_seekable_complement(void **state)
{
	struct wipe_pattern p = random_pattern(WIPE_PAT_RANDOM_INV);

	(void)state;
	check_seekable(&p);
}

static void
test_seekable_bytes(void **state)
{
	struct wipe_patgen *g;
	struct wipe_pattern p;
	uint8_t *a;
	size_t i;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.kind = WIPE_PAT_BYTES;
	p.nbytes = 3;
	p.bytes[0] = 0x92;
	p.bytes[1] = 0x49;
	p.bytes[2] = 0x24;
	check_seekable(&p);
	/* And byte X is bytes[X % 3] by definition. */
	a = generate(&p, 0, 100000);
	for (i = 0; i < 100000; i++)
		assert_int_equal(a[i], p.bytes[i % 3]);
	free(a);
	a = generate(&p, WC_MIB + 1, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(a[i], p.bytes[(WC_MIB + 1 + i) % 3]);
	free(a);

	p.nbytes = 2;
	a = generate(&p, 7, 999);
	for (i = 0; i < 999; i++)
		assert_int_equal(a[i], p.bytes[(7 + i) % 2]);
	free(a);

	p.nbytes = 1;
	a = generate(&p, 5, 4096);
	for (i = 0; i < 4096; i++)
		assert_int_equal(a[i], 0x92);
	free(a);

	/* Malformed byte patterns are refused, and *out is cleared. */
	g = (struct wipe_patgen *)&p;
	p.nbytes = 0;
	assert_int_equal(wipe_patgen_new(&p, &g), -EINVAL);
	assert_null(g);
	p.nbytes = 4;
	assert_int_equal(wipe_patgen_new(&p, &g), -EINVAL);
	assert_null(g);
	wipe_patgen_free(NULL);
}

static void
test_complement_is_not(void **state)
{
	struct wipe_pattern r = random_pattern(WIPE_PAT_RANDOM);
	struct wipe_pattern c = random_pattern(WIPE_PAT_RANDOM_INV);
	uint8_t *a = generate(&r, 17, 70000), *b = generate(&c, 17, 70000);
	size_t i;

	(void)state;
	for (i = 0; i < 70000; i++)
		assert_int_equal((uint8_t)~a[i], b[i]);
	free(a);
	free(b);

	/* A different key gives a different stream. */
	r.key[15] ^= 1;
	a = generate(&r, 0, 64);
	r.key[15] ^= 1;
	b = generate(&r, 0, 64);
	assert_memory_not_equal(a, b, 64);
	free(a);
	free(b);
}

/* XOR with the keystream turns a matching buffer into 0x00 / 0xff. */
static void
test_xor(void **state)
{
	struct wipe_pattern r = random_pattern(WIPE_PAT_RANDOM);
	struct wipe_pattern c = random_pattern(WIPE_PAT_RANDOM_INV);
	struct wipe_pattern b;
	struct wipe_patgen *g = NULL;
	uint8_t *a, *want;
	size_t i, len = 200003, same = 0;

	(void)state;
	want = generate(&r, 4095, len);
	a = generate(&r, 4095, len);
	assert_int_equal(wipe_patgen_new(&r, &g), 0);
	assert_int_equal(wipe_patgen_xor(g, 4095, a, len), 0);
	for (i = 0; i < len; i++)
		assert_int_equal(a[i], 0x00);
	/* XOR again, from an unaligned offset inside: the stream is back. */
	assert_int_equal(wipe_patgen_xor(g, 4095, a, 1), 0);
	assert_int_equal(wipe_patgen_xor(g, 4096, a + 1, len - 1), 0);
	assert_memory_equal(a, want, len);
	wipe_patgen_free(g);
	free(a);
	free(want);

	a = generate(&c, 17, len);
	assert_int_equal(wipe_patgen_new(&c, &g), 0);
	assert_int_equal(wipe_patgen_xor(g, 17, a, len), 0);
	for (i = 0; i < len; i++)
		assert_int_equal(a[i], 0xff);
	/* At the wrong offset nothing cancels out. */
	free(a);
	a = generate(&c, 17, 4096);
	assert_int_equal(wipe_patgen_xor(g, 18, a, 4096), 0);
	for (i = 0; i < 4096; i++)
		same += a[i] == 0xff;
	assert_true(same < 64);
	wipe_patgen_free(g);
	free(a);

	memset(&b, 0, sizeof(b));
	b.kind = WIPE_PAT_BYTES;
	b.nbytes = 1;
	assert_int_equal(wipe_patgen_new(&b, &g), 0);
	assert_int_equal(wipe_patgen_xor(g, 0, &b, 1), -EINVAL);
	wipe_patgen_free(g);
}

/*
 * AES-128-CTR known answer, from
 *   printf '\0%.0s' $(seq 32) | openssl enc -aes-128-ctr \
 *     -K 000102030405060708090a0b0c0d0e0f \
 *     -iv 00000000000000000000000000000000 | xxd -p
 */
static void
test_aes_ctr_known_answer(void **state)
{
	static const char expect_hex[] =
		"c6a13b37878f5b826f4f8162a1c8d879"
		"7346139595c0b41e497bbde365f42d0a";
	uint8_t expect[32], *a;
	struct wipe_pattern p;
	unsigned i;

	(void)state;
	assert_int_equal(wc_unhex(expect, sizeof(expect), expect_hex), 0);
	memset(&p, 0, sizeof(p));
	p.kind = WIPE_PAT_RANDOM;
	for (i = 0; i < 16; i++)
		p.key[i] = (uint8_t)i;
	a = generate(&p, 0, 32);
	assert_memory_equal(a, expect, 32);
	free(a);
	/* Seeking into the second block gives its tail. */
	a = generate(&p, 21, 11);
	assert_memory_equal(a, expect + 21, 11);
	free(a);
	p.kind = WIPE_PAT_RANDOM_INV;
	a = generate(&p, 0, 32);
	for (i = 0; i < 32; i++)
		assert_int_equal(a[i], (uint8_t)~expect[i]);
	free(a);
}

static void
roundtrip(const char *desc, const char *seed)
{
	struct wipe_pattern p, q;
	char buf[64], hex[33];

	assert_int_equal(wipe_pattern_parse(desc, seed, &p), 0);
	wipe_pattern_describe(&p, buf, sizeof(buf));
	assert_string_equal(buf, desc);
	if (p.kind != WIPE_PAT_BYTES) {
		wc_hex(hex, p.key, sizeof(p.key));
		assert_string_equal(hex, seed);
	}
	assert_int_equal(wipe_pattern_parse(buf, seed, &q), 0);
	assert_memory_equal(&p, &q, sizeof(p));
}

static void
test_describe_parse(void **state)
{
	static const char seed[] = "00112233445566778899aabbccddeeff";
	struct wipe_pattern p;

	(void)state;
	roundtrip("zero", NULL);
	roundtrip("one", NULL);
	roundtrip("bytes:924924", NULL);
	roundtrip("bytes:55", NULL);
	roundtrip("bytes:00ff", NULL);
	roundtrip("random", seed);
	roundtrip("random-complement", seed);

	assert_int_equal(wipe_pattern_parse("zero", NULL, &p), 0);
	assert_int_equal(p.kind, WIPE_PAT_BYTES);
	assert_int_equal(p.nbytes, 1);
	assert_int_equal(p.bytes[0], 0x00);
	assert_int_equal(wipe_pattern_parse("one", seed, &p), 0);
	assert_int_equal(p.bytes[0], 0xff);
	assert_int_equal(wipe_pattern_parse("bytes:924924", NULL, &p), 0);
	assert_int_equal(p.nbytes, 3);
	assert_int_equal(p.bytes[0], 0x92);
	assert_int_equal(p.bytes[1], 0x49);
	assert_int_equal(p.bytes[2], 0x24);
	assert_int_equal(wipe_pattern_parse("random-complement", seed, &p), 0);
	assert_int_equal(p.kind, WIPE_PAT_RANDOM_INV);
	assert_int_equal(p.key[0], 0x00);
	assert_int_equal(p.key[15], 0xff);
	/* Upper-case hex is hex too; it describes in lower case. */
	assert_int_equal(wipe_pattern_parse("bytes:ABCDEF", NULL, &p), 0);
	assert_int_equal(p.bytes[0], 0xab);
}

static void
test_parse_rejects(void **state)
{
	static const char seed[] = "00112233445566778899aabbccddeeff";
	struct wipe_pattern p;

	(void)state;
	assert_int_equal(wipe_pattern_parse("random", NULL, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("random-complement", NULL, &p),
			 -EINVAL);
	assert_int_equal(wipe_pattern_parse("random", "", &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("random", "0011", &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("random",
			 "00112233445566778899aabbccddeefff", &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("random",
			 "00112233445566778899aabbccddeeXX", &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("bytes:", NULL, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("bytes:9", NULL, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("bytes:92492", NULL, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("bytes:92492492", NULL, &p),
			 -EINVAL);
	assert_int_equal(wipe_pattern_parse("bytes:zz", NULL, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("bytes:9g", NULL, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("bytes: 92", NULL, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("Zero", NULL, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("", seed, &p), -EINVAL);
	assert_int_equal(wipe_pattern_parse("randomx", seed, &p), -EINVAL);
}

/* ---- plans ---------------------------------------------------------- */

static void
make(const char *method, int verify_all, struct wipe_plan *plan)
{
	struct wipe_ident id;

	wipe_ident_init(&id);
	id.transport = WIPE_TR_SATA;
	id.rotational = WIPE_YES;
	assert_int_equal(wipe_plan_make(&id, method, verify_all, plan), 0);
	assert_string_equal(plan->method, method);
	assert_string_equal(plan->requested, method);
	assert_int_equal(plan->nist, WIPE_NIST_CLEAR);
	assert_int_equal(plan->destroy_recommended, 0);
}

static void
test_plan_methods(void **state)
{
	struct wipe_plan pl;
	unsigned i, nrand = 0;

	(void)state;
	make("dod-3pass", 0, &pl);
	assert_int_equal(pl.npasses, 3);
	assert_int_equal(pl.pass[0].kind, WIPE_PAT_BYTES);
	assert_int_equal(pl.pass[0].bytes[0], 0x00);
	assert_int_equal(pl.pass[1].bytes[0], 0xff);
	assert_int_equal(pl.pass[2].kind, WIPE_PAT_RANDOM);
	assert_int_equal(pl.verify_mask, 1ULL << 2);

	make("dod-7pass", 0, &pl);
	assert_int_equal(pl.npasses, 7);
	assert_int_equal(pl.pass[6].kind, WIPE_PAT_RANDOM);
	assert_int_equal(pl.verify_mask, 1ULL << 6);

	make("gutmann", 0, &pl);
	assert_int_equal(pl.npasses, 35);
	assert_int_equal(pl.verify_mask, 1ULL << 34);
	for (i = 0; i < 35; i++)
		nrand += pl.pass[i].kind == WIPE_PAT_RANDOM;
	assert_int_equal(nrand, 8);
	assert_int_equal(pl.pass[6].nbytes, 3);
	assert_int_equal(pl.pass[6].bytes[0], 0x92);
	make("gutmann", 1, &pl);
	assert_int_equal(pl.verify_mask, (1ULL << 35) - 1);

	make("usb-2pass", 0, &pl);
	assert_int_equal(pl.npasses, 2);
	assert_int_equal(pl.pass[0].kind, WIPE_PAT_RANDOM);
	assert_int_equal(pl.pass[1].kind, WIPE_PAT_RANDOM_INV);
	assert_memory_equal(pl.pass[0].key, pl.pass[1].key, 16);
	assert_int_equal(pl.verify_mask, 2);

	make("zero", 0, &pl);
	assert_int_equal(pl.npasses, 1);
	assert_int_equal(pl.pass[0].kind, WIPE_PAT_BYTES);
	assert_int_equal(pl.pass[0].nbytes, 1);
	assert_int_equal(pl.pass[0].bytes[0], 0x00);
	assert_int_equal(pl.verify_mask, 1);
	make("one", 1, &pl);
	assert_int_equal(pl.pass[0].bytes[0], 0xff);
	assert_int_equal(pl.verify_mask, 1);
	make("dod-3pass", 1, &pl);
	assert_int_equal(pl.verify_mask, 7);

	/*
	 * Every listed overwrite name resolves to itself; a firmware one
	 * (ata-, nvme-, scsi-) only when the drive reports it, and this
	 * identity reports nothing.
	 */
	for (i = 0; wipe_method_names[i] != NULL; i++) {
		const char *m = wipe_method_names[i];
		struct wipe_ident id;

		if (strcmp(m, "auto") == 0)
			continue;
		if (strncmp(m, "ata-", 4) != 0 && strncmp(m, "nvme-", 5) != 0 &&
		    strncmp(m, "scsi-", 5) != 0) {
			make(m, 0, &pl);
			continue;
		}
		wipe_ident_init(&id);
		id.transport = WIPE_TR_SATA;
		assert_int_equal(wipe_plan_make(&id, m, 0, &pl), -EOPNOTSUPP);
		assert_true(strlen(pl.reason) > 0);
	}
	assert_true(i >= 21);
}

static void
test_plan_unknown(void **state)
{
	struct wipe_plan pl;
	struct wipe_ident id;

	(void)state;
	wipe_ident_init(&id);
	assert_int_equal(wipe_plan_make(&id, "dod-5pass", 0, &pl), -EINVAL);
	assert_int_equal(wipe_plan_make(&id, "", 0, &pl), -EINVAL);
	assert_int_equal(wipe_plan_make(&id, "Random", 0, &pl), -EINVAL);
	assert_int_equal(wipe_plan_make(&id,
			 "a-method-name-far-too-long-for-the-plan", 0, &pl),
			 -EINVAL);
}

static void
test_plan_fresh_seeds(void **state)
{
	struct wipe_plan a, b;
	static const uint8_t zero[16];

	(void)state;
	make("random", 0, &a);
	make("random", 0, &b);
	assert_memory_not_equal(a.pass[0].key, b.pass[0].key, 16);
	assert_memory_not_equal(a.pass[0].key, zero, 16);
	/* Within a plan too, random passes get their own seeds. */
	make("dod-7pass", 0, &a);
	assert_memory_not_equal(a.pass[2].key, a.pass[6].key, 16);
}

static void
test_plan_auto(void **state)
{
	struct wipe_ident id;
	struct wipe_plan pl;

	(void)state;
	wipe_ident_init(&id);
	id.transport = WIPE_TR_USB;
	id.removable = WIPE_YES;
	id.rotational = WIPE_NO;
	assert_int_equal(wipe_plan_make(&id, "auto", 0, &pl), 0);
	assert_string_equal(pl.method, "usb-2pass");
	assert_string_equal(pl.requested, "auto");
	assert_int_equal(pl.destroy_recommended, 1);
	assert_int_equal(pl.npasses, 2);
	assert_true(strlen(pl.reason) > 0);
	/* An explicit method on flash still recommends destruction. */
	assert_int_equal(wipe_plan_make(&id, "zero", 0, &pl), 0);
	assert_int_equal(pl.destroy_recommended, 1);

	/* A USB hard disk is not flash. */
	id.rotational = WIPE_YES;
	assert_int_equal(wipe_plan_make(&id, "auto", 0, &pl), 0);
	assert_string_equal(pl.method, "random");
	assert_int_equal(pl.destroy_recommended, 0);

	wipe_ident_init(&id);
	id.transport = WIPE_TR_LOOP;
	id.rotational = WIPE_NO;
	assert_int_equal(wipe_plan_make(&id, "auto", 0, &pl), 0);
	assert_string_equal(pl.method, "random");
	assert_string_equal(pl.requested, "auto");
	assert_int_equal(pl.npasses, 1);
	assert_int_equal(pl.pass[0].kind, WIPE_PAT_RANDOM);
	assert_int_equal(pl.verify_mask, 1);
	assert_int_equal(pl.destroy_recommended, 0);
	assert_string_equal(wipe_nist_name(pl.nist), "Clear");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seekable_random),
		cmocka_unit_test(test_seekable_complement),
		cmocka_unit_test(test_seekable_bytes),
		cmocka_unit_test(test_complement_is_not),
		cmocka_unit_test(test_xor),
		cmocka_unit_test(test_aes_ctr_known_answer),
		cmocka_unit_test(test_describe_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_plan_methods),
		cmocka_unit_test(test_plan_unknown),
		cmocka_unit_test(test_plan_fresh_seeds),
		cmocka_unit_test(test_plan_auto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
