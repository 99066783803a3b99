/*
 * test_certs_pdflayout.c - the certificate's layout helpers
 * (certs/pdflayout.c): UTF-8, RFC 3339, 和暦, JST, the addressee's
 * honorific, and Japanese line breaking by measured width.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "certs/pdflayout.h"

/* ---- UTF-8 ---------------------------------------------------------- */

static void
test_utf8(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(cert_utf8_next("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(cert_utf8_next("é", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(cert_utf8_next("消", 3, &cp), 3);
	assert_int_equal(cp, 0x6D88);
	assert_int_equal(cert_utf8_next("😀", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* Truncated, overlong, surrogate, stray continuation, 0xFF. */
	assert_int_equal(cert_utf8_next("\xe6\xb6", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(cert_utf8_next("\xc0\x80", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(cert_utf8_next("\xe0\x80\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(cert_utf8_next("\xed\xa0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(cert_utf8_next("\x80", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(cert_utf8_next("\xff", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(cert_utf8_next("\xf4\x90\x80\x80", 4, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
}

/* ---- times ---------------------------------------------------------- */

static void
test_time_parse(void **state)
{
	struct cert_date d;

	(void)state;
	assert_int_equal(cert_time_parse("2025-12-01T17:24:05+09:00", &d), 0);
	assert_int_equal(d.year, 2025);
	assert_int_equal(d.mon, 12);
	assert_int_equal(d.day, 1);
	assert_int_equal(d.hour, 17);
	assert_int_equal(d.min, 24);
	assert_int_equal(d.sec, 5);
	assert_int_equal(d.off_min, 540);
	assert_int_equal(cert_time_parse("2025-12-01T08:24:05.123Z", &d), 0);
	assert_int_equal(d.off_min, 0);
	assert_int_equal(d.hour, 8);
	assert_int_equal(cert_time_parse("2024-02-29t23:59:60-05:30", &d), 0);
	assert_int_equal(d.off_min, -330);

	assert_int_equal(cert_time_parse("2023-02-29T00:00:00Z", &d), -EINVAL);
	assert_int_equal(cert_time_parse("2025-13-01T00:00:00Z", &d), -EINVAL);
	assert_int_equal(cert_time_parse("2025-04-31T00:00:00Z", &d), -EINVAL);
	assert_int_equal(cert_time_parse("2025-12-01T24:00:00Z", &d), -EINVAL);
	assert_int_equal(cert_time_parse("2025-12-01T17:24:05", &d), -EINVAL);
	assert_int_equal(cert_time_parse("2025-12-01T17:24:05+24:00", &d),
			 -EINVAL);
	assert_int_equal(cert_time_parse("2025-12-01T17:24:05+09:00x", &d),
			 -EINVAL);
	assert_int_equal(cert_time_parse("2025-12-01 17:24:05+09:00", &d),
			 -EINVAL);
	assert_int_equal(cert_time_parse("2025-12-01T17:24:05.+09:00", &d),
			 -EINVAL);
	assert_int_equal(cert_time_parse("", &d), -EINVAL);
	assert_int_equal(cert_time_parse(NULL, &d), -EINVAL);
}

static void
expect_jst(time_t t, const char *date, const char *clock)
{
	struct cert_date d;
	char buf[96];

	assert_int_equal(cert_time_from_unix(t, CERT_OFF_JST, &d), 0);
	assert_int_equal(cert_wareki(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, date);
	assert_int_equal(cert_clock(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, clock);
}

/* UTC instants near midnight land on the Tokyo date. */
static void
test_utc_to_jst(void **state)
{
	(void)state;
	/* 2025-11-30T15:30:00Z */
	expect_jst(1764516600, "令和7年12月1日 (2025-12-01)", "00:30 (JST)");
	/* 2025-11-30T14:59:59Z */
	expect_jst(1764514799, "令和7年11月30日 (2025-11-30)", "23:59 (JST)");
	/* 2025-12-31T15:00:00Z: a new year in Tokyo */
	expect_jst(1767193200, "令和8年1月1日 (2026-01-01)", "00:00 (JST)");
	/* 2019-04-30T15:00:00Z: the first day of 令和 */
	expect_jst(1556636400, "令和元年5月1日 (2019-05-01)", "00:00 (JST)");
	/* 2019-04-30T14:59:59Z: the last second of 平成 */
	expect_jst(1556636399, "平成31年4月30日 (2019-04-30)", "23:59 (JST)");
}

static void
test_wareki(void **state)
{
	struct cert_date d = { 2025, 12, 1, 17, 24, 5, 540 };
	char buf[96], small[12];

	(void)state;
	assert_int_equal(cert_wareki(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "令和7年12月1日 (2025-12-01)");
	d = (struct cert_date){ 2019, 12, 31, 0, 0, 0, 540 };
	assert_int_equal(cert_wareki(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "令和元年12月31日 (2019-12-31)");
	d = (struct cert_date){ 2020, 1, 1, 0, 0, 0, 540 };
	assert_int_equal(cert_wareki(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "令和2年1月1日 (2020-01-01)");
	d = (struct cert_date){ 1989, 1, 7, 0, 0, 0, 540 };
	assert_int_equal(cert_wareki(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "昭和64年1月7日 (1989-01-07)");
	d = (struct cert_date){ 1989, 1, 8, 0, 0, 0, 540 };
	assert_int_equal(cert_wareki(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "平成元年1月8日 (1989-01-08)");
	d = (struct cert_date){ 1926, 12, 24, 0, 0, 0, 540 };
	assert_int_equal(cert_wareki(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "1926-12-24");
	d = (struct cert_date){ 2025, 12, 1, 0, 0, 0, 540 };
	assert_int_equal(cert_wareki(small, sizeof(small), &d), -ENAMETOOLONG);
	d = (struct cert_date){ 2025, 2, 29, 0, 0, 0, 540 };
	assert_int_equal(cert_wareki(buf, sizeof(buf), &d), -EINVAL);
}

static void
test_clock(void **state)
{
	struct cert_date d = { 2025, 12, 1, 17, 24, 5, 540 };
	char buf[48];

	(void)state;
	assert_int_equal(cert_clock(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "17:24 (JST)");
	d.off_min = 0;
	assert_int_equal(cert_clock(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "17:24 (UTC)");
	d.off_min = 330;
	assert_int_equal(cert_clock(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "17:24 (UTC+05:30)");
	d.off_min = -180;
	assert_int_equal(cert_clock(buf, sizeof(buf), &d), 0);
	assert_string_equal(buf, "17:24 (UTC-03:00)");
	d.hour = 25;
	assert_int_equal(cert_clock(buf, sizeof(buf), &d), -EINVAL);
}

/* ---- the addressee -------------------------------------------------- */

static void
expect_addressee(const char *a, const char *dept, const char *want)
{
	char buf[256];

	assert_int_equal(cert_addressee(buf, sizeof(buf), a, dept), 0);
	assert_string_equal(buf, want);
}

static void
test_addressee(void **state)
{
	char small[8];

	(void)state;
	expect_addressee("練馬区長", NULL, "練馬区長 殿");
	expect_addressee("練馬区長", "練馬区 総務部情報政策課", "練馬区長 殿");
	expect_addressee(NULL, "練馬区 総務部情報政策課",
			 "練馬区 総務部情報政策課 御中");
	expect_addressee("", "練馬区 総務部情報政策課",
			 "練馬区 総務部情報政策課 御中");
	expect_addressee("  ", "総務課", "総務課 御中");
	/* Never a second honorific. */
	expect_addressee("練馬区長 殿", NULL, "練馬区長 殿");
	expect_addressee("練馬区長　", NULL, "練馬区長 殿");
	expect_addressee("練馬区 総務課 御中", "x", "練馬区 総務課 御中");
	expect_addressee(NULL, "練馬区 総務課御中", "練馬区 総務課御中");
	expect_addressee("山田 太郎 様", NULL, "山田 太郎 様");
	expect_addressee(NULL, NULL, "—");
	expect_addressee("", "", "—");
	assert_int_equal(cert_addressee(small, sizeof(small), "練馬区長", NULL),
			 -ENAMETOOLONG);
}

/* ---- line breaking -------------------------------------------------- */

/* A fixed-pitch measure: ASCII 5 units, anything else 10. */
static double
fixed(void *ctx, const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	double w = 0;

	(void)ctx;
	while (i < n) {
		i += cert_utf8_next(s + i, n - i, &cp);
		w += cp < 0x80 ? 5 : 10;
	}
	return w;
}

/* Break text at width w and compare with the expected lines. */
static void
expect_lines(const char *text, double w, const char *const *want, int n)
{
	struct cert_line lines[32];
	char buf[256];
	int got, i;

	got = cert_break_lines(text, w, fixed, NULL, lines, 32);
	if (got != n) {
		for (i = 0; i < got && i < 32; i++)
			print_message("line %d: '%.*s'\n", i,
				      (int)lines[i].len, text + lines[i].off);
	}
	assert_int_equal(got, n);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%.*s", (int)lines[i].len,
			 text + lines[i].off);
		assert_string_equal(buf, want[i]);
	}
}

#define LINES(...) (const char *const[]){ __VA_ARGS__ }
#define NLINES(...) (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / \
			  sizeof(const char *))
#define EXPECT(text, w, ...) \
	expect_lines(text, w, LINES(__VA_ARGS__), NLINES(__VA_ARGS__))

static void
test_break_japanese(void **state)
{
	(void)state;
	EXPECT("あいうえお", 30, "あいう", "えお");
	EXPECT("あいうえお", 50, "あいうえお");
	/* 。 may not start a line: う goes with it (追い出し). */
	EXPECT("あいう。えお", 30, "あい", "う。え", "お");
	EXPECT("データ、消去", 30, "デー", "タ、消", "去");
	/* Small kana and the long vowel mark do not start a line. */
	EXPECT("あいっう", 20, "あ", "いっ", "う");
	EXPECT("あいーう", 20, "あ", "いー", "う");
	/* （「 may not end a line. */
	EXPECT("あい（うえ）", 30, "あい", "（う", "え）");
	EXPECT("あ「いう」", 20, "あ", "「い", "う」");
	/* Mixed with Latin: a break between 書 and No. */
	EXPECT("証明書No.5", 30, "証明書", "No.5");
}

static void
test_break_latin(void **state)
{
	(void)state;
	EXPECT("hello world foo", 60, "hello world", "foo");
	EXPECT("hello world foo", 30, "hello", "world", "foo");
	/* Spaces around breaks are dropped; spaces may overhang. */
	EXPECT("ab   cd", 10, "ab", "cd");
	EXPECT("  ab", 20, "ab");
	/* A word wider than the line is split where it overflows. */
	EXPECT("abcdefghij", 20, "abcd", "efgh", "ij");
	/* After a hyphen or a slash. */
	EXPECT("NRM-HDD-0001", 40, "NRM-HDD-", "0001");
	EXPECT("NRM-HDD-0001", 30, "NRM-", "HDD-", "0001");
	EXPECT("/dev/disk/by-id", 50, "/dev/disk/", "by-id");
	/* A closing parenthesis stays with its word. */
	EXPECT("(Clear) x", 35, "(Clear)", "x");
}

static void
test_break_newlines(void **state)
{
	(void)state;
	EXPECT("ab\ncd", 100, "ab", "cd");
	EXPECT("ab\n\ncd", 100, "ab", "", "cd");
	EXPECT("", 100, "");
	EXPECT("\n", 100, "", "");
	EXPECT("あいうえ\nお", 20, "あい", "うえ", "お");
}

static void
test_break_errors(void **state)
{
	struct cert_line lines[2];

	(void)state;
	assert_int_equal(cert_break_lines(NULL, 10, fixed, NULL, lines, 2),
			 -EINVAL);
	assert_int_equal(cert_break_lines("a", 10, NULL, NULL, lines, 2),
			 -EINVAL);
	assert_int_equal(cert_break_lines("a", 0, fixed, NULL, lines, 2),
			 -EINVAL);
	/* More lines than room: the count, and only max stored. */
	assert_int_equal(cert_break_lines("a\nb\nc\nd", 10, fixed, NULL,
					  lines, 2), 4);
	assert_int_equal(lines[1].off, 2);
	/* A character wider than the line still makes progress. */
	assert_int_equal(cert_break_lines("あい", 5, fixed, NULL, lines, 2),
			 2);
}

/*
 * Random mixed text: lines cover the text in order, no line is wider
 * than the width unless it holds a single character, and no line
 * starts with a character that may not start one unless the line
 * before it could not be broken anywhere else.
 */
static void
test_break_random(void **state)
{
	static const char *const pieces[] = {
		"あ", "い", "。", "、", "（", "）", "ー", "っ", "a", "b",
		" ", "-", "消", "去", "「", "」", "x", "y", "z", "7",
	};
	struct cert_line lines[256];
	char text[512];
	unsigned seed = 12345, i, k;
	int n, j;
	uint32_t cp;
	size_t pos;

	(void)state;
	for (i = 0; i < 2000; i++) {
		text[0] = '\0';
		for (k = 0; k < 40; k++) {
			seed = seed * 1103515245u + 12345u;
			strcat(text, pieces[(seed >> 16) % 20]);
		}
		n = cert_break_lines(text, 30 + (seed >> 8) % 40, fixed, NULL,
				     lines, 256);
		assert_true(n > 0 && n <= 256);
		pos = 0;
		for (j = 0; j < n; j++) {
			assert_true(lines[j].off >= pos);
			for (; pos < lines[j].off; pos++)
				assert_int_equal(text[pos], ' ');
			if (lines[j].len > 0 &&
			    cert_utf8_next(text + lines[j].off, lines[j].len,
					   &cp) < lines[j].len)
				assert_true(fixed(NULL, text + lines[j].off,
						  lines[j].len) <=
					    30 + (seed >> 8) % 40);
			pos = lines[j].off + lines[j].len;
		}
		for (; text[pos] != '\0'; pos++)
			assert_int_equal(text[pos], ' ');
	}
}

static void
test_kinsoku_set(void **state)
{
	(void)state;
	assert_true(cert_kinsoku_no_start(0x3001));	/* 、 */
	assert_true(cert_kinsoku_no_start(0x3002));	/* 。 */
	assert_true(cert_kinsoku_no_start(0xFF09));	/* ） */
	assert_true(cert_kinsoku_no_start(0x300D));	/* 」 */
	assert_true(cert_kinsoku_no_start(')'));
	assert_false(cert_kinsoku_no_start(0x3042));	/* あ */
	assert_false(cert_kinsoku_no_start(0x300C));	/* 「 */
	assert_false(cert_kinsoku_no_start('a'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_utc_to_jst),
		cmocka_unit_test(test_wareki),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_addressee),
		cmocka_unit_test(test_break_japanese),
		cmocka_unit_test(test_break_latin),
		cmocka_unit_test(test_break_newlines),
		cmocka_unit_test(test_break_errors),
		cmocka_unit_test(test_break_random),
		cmocka_unit_test(test_kinsoku_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
