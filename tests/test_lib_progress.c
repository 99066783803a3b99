/*
 * test_lib_progress.c - rate, ETA and formatting helpers (lib/ranges.c,
 * lib/util.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/lib.h"

#define MS 1000000ULL
#define SEC 1000000000ULL

static void
test_rate(void **state)
{
	struct wc_rate r;
	uint64_t t = 5 * SEC;

	(void)state;
	wc_rate_init(&r, t, 0);
	assert_int_equal(r.bps, 0);
	assert_int_equal(r.t0_ns, t);

	/* Too soon: ignored entirely. */
	wc_rate_update(&r, t + 100 * MS, 500);
	assert_int_equal(r.bps, 0);
	assert_int_equal(r.last_ns, t);
	assert_int_equal(r.last_bytes, 0);

	/* The first sample is taken as is: 1000 B in 0.5 s. */
	t += 500 * MS;
	wc_rate_update(&r, t, 1000);
	assert_int_equal(r.bps, 2000);
	assert_int_equal(r.last_ns, t);
	assert_int_equal(r.last_bytes, 1000);

	/* Then 3/4 old + 1/4 new: 4000 B/s gives (3 * 2000 + 4000) / 4. */
	t += SEC;
	wc_rate_update(&r, t, 5000);
	assert_int_equal(r.bps, 2500);

	/* 249.999999 ms is under the 250 ms floor... */
	wc_rate_update(&r, t + 250 * MS - 1, 6000);
	assert_int_equal(r.bps, 2500);
	assert_int_equal(r.last_bytes, 5000);
	/* ...250 ms is not: 1000 B in 0.25 s = 4000 B/s. */
	t += 250 * MS;
	wc_rate_update(&r, t, 6000);
	assert_int_equal(r.bps, (2500 * 3 + 4000) / 4);
	assert_int_equal(r.bps, 2875);

	/* Integer division truncates: 3 B/s gives (8625 + 3) / 4. */
	t += SEC;
	wc_rate_update(&r, t, 6003);
	assert_int_equal(r.bps, 2157);

	/* A clock going backwards changes nothing. */
	wc_rate_update(&r, t - 2 * SEC, 9999999);
	assert_int_equal(r.bps, 2157);
	assert_int_equal(r.last_ns, t);

	/* A new pass (bytes fell): restart from there, keep the rate. */
	t += SEC;
	wc_rate_update(&r, t, 10);
	assert_int_equal(r.bps, 2157);
	assert_int_equal(r.last_bytes, 10);
	assert_int_equal(r.last_ns, t);
	t += SEC;
	wc_rate_update(&r, t, 10 + 2157);
	assert_int_equal(r.bps, 2157);
	assert_int_equal(r.t0_ns, 5 * SEC);
}

static void
test_rate_large(void **state)
{
	struct wc_rate r;

	(void)state;
	/* 10 TB in 1 s must not overflow the intermediate product. */
	wc_rate_init(&r, 0, 0);
	wc_rate_update(&r, SEC, 10000000000000ULL);
	assert_int_equal(r.bps, 10000000000000ULL);
}

static void
test_eta(void **state)
{
	(void)state;
	assert_int_equal(wc_eta_sec(0, 0), 0);
	assert_true(wc_eta_sec(1, 0) == UINT64_MAX);
	assert_true(wc_eta_sec(8004304896ULL, 0) == UINT64_MAX);
	assert_int_equal(wc_eta_sec(0, 1000), 0);
	assert_int_equal(wc_eta_sec(1, 1000), 1);
	assert_int_equal(wc_eta_sec(999, 1000), 1);
	assert_int_equal(wc_eta_sec(1000, 1000), 1);
	assert_int_equal(wc_eta_sec(1001, 1000), 2);
	assert_int_equal(wc_eta_sec(8004304896ULL, 100000000), 81);
}

static void
test_ppm(void **state)
{
	(void)state;
	assert_int_equal(wc_ppm(0, 0), 0);
	assert_int_equal(wc_ppm(5, 0), 0);
	assert_int_equal(wc_ppm(0, 10), 0);
	assert_int_equal(wc_ppm(1, 3), 333333);
	assert_int_equal(wc_ppm(2, 3), 666666);
	assert_int_equal(wc_ppm(3, 3), 1000000);
	assert_int_equal(wc_ppm(4, 3), 1000000);
	assert_int_equal(wc_ppm(UINT64_MAX, 1), 1000000);
	assert_int_equal(wc_ppm(UINT64_MAX - 1, UINT64_MAX), 999999);
	assert_int_equal(wc_ppm(UINT64_MAX / 2, UINT64_MAX), 499999);
}

static void
test_avg_bps(void **state)
{
	(void)state;
	assert_int_equal(wc_avg_bps(1000, 0), 0);
	assert_int_equal(wc_avg_bps(0, SEC), 0);
	assert_int_equal(wc_avg_bps(1000, SEC), 1000);
	assert_int_equal(wc_avg_bps(1000, SEC / 2), 2000);
	assert_int_equal(wc_avg_bps(1, 3 * SEC), 0);
	assert_int_equal(wc_avg_bps(10, 3 * SEC), 3);
	/* 8 TB in an hour, no overflow. */
	assert_int_equal(wc_avg_bps(8000000000000ULL, 3600 * SEC),
			 2222222222ULL);
}

static void
expect_bytes(uint64_t n, const char *want)
{
	char buf[32];

	wc_human_bytes(buf, sizeof(buf), n);
	assert_string_equal(buf, want);
}

static void
test_human_bytes(void **state)
{
	char small[4];

	(void)state;
	expect_bytes(0, "0 B");
	expect_bytes(512, "512 B");
	expect_bytes(1023, "1023 B");
	expect_bytes(1024, "1.0 KiB");
	expect_bytes(1075, "1.0 KiB");		/* 1.0498 */
	expect_bytes(1076, "1.1 KiB");		/* 1.0508 */
	expect_bytes(1536, "1.5 KiB");
	expect_bytes(10 * 1024 - 1, "10.0 KiB");
	expect_bytes(256 * WC_MIB, "256.0 MiB");
	expect_bytes(WC_GIB + WC_GIB / 2, "1.5 GiB");
	expect_bytes(8004304896ULL, "7.5 GiB");	/* 7.4546 */
	expect_bytes(1024 * WC_GIB, "1.0 TiB");
	expect_bytes(UINT64_MAX, "16.0 EiB");
	/* A short buffer truncates, never overflows. */
	memset(small, 'x', sizeof(small));
	wc_human_bytes(small, sizeof(small), 1024);
	assert_string_equal(small, "1.0");
}

/*
 * LIBRARY BUG (lib/util.c, wc_human_bytes): the unit is chosen before
 * rounding, so values that round up to 1024 of a unit print as
 * "1024.0 KiB" / "1024.0 MiB" instead of "1.0 MiB" / "1.0 GiB".
 * These assertions fail until that is fixed.
 */
static void
test_human_bytes_unit_boundary(void **state)
{
	(void)state;
	expect_bytes(WC_MIB - 1, "1.0 MiB");
	expect_bytes(WC_GIB - 1, "1.0 GiB");
}

static void
expect_duration(uint64_t sec, const char *want)
{
	char buf[32];

	wc_human_duration(buf, sizeof(buf), sec);
	assert_string_equal(buf, want);
}

static void
test_human_duration(void **state)
{
	(void)state;
	expect_duration(0, "0:00");
	expect_duration(59, "0:59");
	expect_duration(60, "1:00");
	expect_duration(123, "2:03");
	expect_duration(3599, "59:59");
	expect_duration(3600, "1:00:00");
	expect_duration(3723, "1:02:03");
	expect_duration(360000, "100:00:00");
	expect_duration(UINT64_MAX, "--:--");
}

static void
test_hex(void **state)
{
	static const uint8_t in[] = { 0x00, 0x01, 0xab, 0xcd, 0xef, 0xff };
	uint8_t out[6];
	char hex[13];

	(void)state;
	wc_hex(hex, in, sizeof(in));
	assert_string_equal(hex, "0001abcdefff");
	wc_hex(hex, in, 0);
	assert_string_equal(hex, "");
	memset(out, 0, sizeof(out));
	assert_int_equal(wc_unhex(out, sizeof(out), "0001abcdefff"), 0);
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(wc_unhex(out, sizeof(out), "0001ABCDEFFF"), 0);
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(wc_unhex(out, sizeof(out), "0001abcdeff"), -EINVAL);
	assert_int_equal(wc_unhex(out, sizeof(out), "0001abcdefff0"),
			 -EINVAL);
	assert_int_equal(wc_unhex(out, sizeof(out), "0001abcdefgf"), -EINVAL);
	assert_int_equal(wc_unhex(out, sizeof(out), "0001abcd efff"),
			 -EINVAL);
	assert_int_equal(wc_unhex(out, sizeof(out), "0x01abcdefff"), -EINVAL);
	assert_int_equal(wc_unhex(out, 0, ""), 0);
	assert_int_equal(wc_unhex(out, 1, ""), -EINVAL);
}

static void
test_fmt(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(wc_fmt(buf, sizeof(buf), "%s", "1234567"), 0);
	assert_string_equal(buf, "1234567");
	assert_int_equal(wc_fmt(buf, sizeof(buf), "%s", "12345678"),
			 -ENAMETOOLONG);
	assert_string_equal(buf, "1234567");
	assert_int_equal(wc_fmt(buf, sizeof(buf), "%d-%d", 100, 2000),
			 -ENAMETOOLONG);
	assert_int_equal(wc_fmt(buf, sizeof(buf), "%s", ""), 0);
	assert_string_equal(buf, "");
	assert_int_equal(wc_fmt(buf, 1, "%s", "a"), -ENAMETOOLONG);
	assert_string_equal(buf, "");
}

static void
expect_time(const char *zone, time_t t, const char *want)
{
	char buf[WC_RFC3339_LEN];
	int ret = wc_tz_set(zone);

	if (ret == -ENOENT)
		skip();	/* no tzdata for this zone */
	assert_int_equal(ret, 0);
	assert_int_equal(wc_rfc3339(buf, sizeof(buf), t), 0);
	assert_string_equal(buf, want);
}

static void
test_rfc3339(void **state)
{
	char buf[WC_RFC3339_LEN];

	(void)state;
	/* Whatever the process had before. */
	setenv("TZ", "UTC0", 1);
	tzset();
	expect_time("Asia/Tokyo", 1764577445, "2025-12-01T17:24:05+09:00");
	expect_time("UTC", 1764577445, "2025-12-01T08:24:05+00:00");
	expect_time("Asia/Tokyo", 0, "1970-01-01T09:00:00+09:00");
	assert_int_equal(wc_rfc3339(buf, 10, 1764577445), -ENAMETOOLONG);
	/* The short-buffer failure leaves a string, not garbage. */
	assert_int_equal(strlen(buf), 9);
}

static void
test_rfc3339_other_offsets(void **state)
{
	(void)state;
	/* Negative and half-hour offsets (need tzdata). */
	expect_time("America/New_York", 1764577445,
		    "2025-12-01T03:24:05-05:00");
	expect_time("Asia/Kolkata", 1764577445, "2025-12-01T13:54:05+05:30");
	expect_time("Asia/Tokyo", 1764577445, "2025-12-01T17:24:05+09:00");
}

static void
test_tz_set_rejects(void **state)
{
	(void)state;
	assert_int_equal(wc_tz_set(NULL), -EINVAL);
	assert_int_equal(wc_tz_set(""), -EINVAL);
	assert_int_equal(wc_tz_set("/etc/localtime"), -EINVAL);
	assert_int_equal(wc_tz_set(":Asia/Tokyo"), -EINVAL);
	assert_int_equal(wc_tz_set("../../etc/passwd"), -EINVAL);
	assert_int_equal(wc_tz_set("Nowhere/No_City"), -ENOENT);
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void
test_uuid4(void **state)
{
	char a[37], b[37];
	int i, k;

	(void)state;
	for (k = 0; k < 64; k++) {
		memset(a, 'x', sizeof(a));
		assert_int_equal(wc_uuid4(a), 0);
		assert_int_equal(strlen(a), 36);
		for (i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				assert_int_equal(a[i], '-');
			else
				assert_true(is_hex(a[i]));
		}
		assert_int_equal(a[14], '4');
		assert_non_null(strchr("89ab", a[19]));
	}
	assert_int_equal(wc_uuid4(b), 0);
	assert_string_not_equal(a, b);
}

static void
test_sha256(void **state)
{
	uint8_t sum[32];
	char hex[65];

	(void)state;
	/* FIPS 180-2 example: SHA-256("abc"). */
	wc_sha256("abc", 3, sum);
	wc_hex(hex, sum, sizeof(sum));
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_rate_large),
		cmocka_unit_test(test_eta),
		cmocka_unit_test(test_ppm),
		cmocka_unit_test(test_avg_bps),
		cmocka_unit_test(test_human_bytes),
		cmocka_unit_test(test_human_bytes_unit_boundary),
		cmocka_unit_test(test_human_duration),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_rfc3339_other_offsets),
		cmocka_unit_test(test_tz_set_rejects),
		cmocka_unit_test(test_uuid4),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
