/*
 * pdflayout.c - dates, honorifics and line breaking for certificates.
 *
 * Times are printed in the offset the record wrote them in, never in
 * the process's local zone: a certificate issued at 00:30 JST must say
 * the day it was issued in Tokyo, whatever the machine's zone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "certs/pdflayout.h"
#include "lib/lib.h"

size_t
cert_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	const uint8_t *u = (const uint8_t *)s;
	uint32_t c, min;
	size_t len, i;

	*cp = 0xFFFD;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		len = 2, c = u[0] & 0x1F, min = 0x80;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		len = 3, c = u[0] & 0x0F, min = 0x800;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		len = 4, c = u[0] & 0x07, min = 0x10000;
	} else {
		return 1;
	}
	if (n < len)
		return 1;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 1;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 1;
	*cp = c;
	return len;
}

/* ---- dates --------------------------------------------------------- */

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int
date_valid(const struct cert_date *d)
{
	return d->year >= 1 && d->year <= 9999 && d->mon >= 1 &&
	       d->mon <= 12 && d->day >= 1 &&
	       d->day <= days_in_month(d->year, d->mon) && d->hour >= 0 &&
	       d->hour <= 23 && d->min >= 0 && d->min <= 59 && d->sec >= 0 &&
	       d->sec <= 60 && d->off_min > -24 * 60 && d->off_min < 24 * 60;
}

/* n decimal digits at s into *v; 0 or -EINVAL. */
static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
parse_offset(const char *p, int *off_min)
{
	int h, m;

	if (*p == 'Z' || *p == 'z') {
		*off_min = 0;
		return p[1] == '\0' ? 0 : -EINVAL;
	}
	if ((*p != '+' && *p != '-') || digits(p + 1, 2, &h) != 0 ||
	    p[3] != ':' || digits(p + 4, 2, &m) != 0 || p[6] != '\0' ||
	    h > 23 || m > 59)
		return -EINVAL;
	*off_min = (*p == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

int
cert_time_parse(const char *s, struct cert_date *d)
{
	const char *p;

	memset(d, 0, sizeof(*d));
	if (s == NULL || strnlen(s, 64) < 20)
		return -EINVAL;
	if (digits(s, 4, &d->year) || s[4] != '-' ||
	    digits(s + 5, 2, &d->mon) || s[7] != '-' ||
	    digits(s + 8, 2, &d->day) || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &d->hour) || s[13] != ':' ||
	    digits(s + 14, 2, &d->min) || s[16] != ':' ||
	    digits(s + 17, 2, &d->sec))
		return -EINVAL;
	p = s + 19;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -EINVAL;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (parse_offset(p, &d->off_min) != 0 || !date_valid(d))
		return -EINVAL;
	return 0;
}

int
cert_time_from_unix(time_t t, int off_min, struct cert_date *d)
{
	struct tm tm;
	time_t local;

	memset(d, 0, sizeof(*d));
	if (off_min <= -24 * 60 || off_min >= 24 * 60)
		return -EINVAL;
	local = t + (time_t)off_min * 60;
	if (gmtime_r(&local, &tm) == NULL)
		return -EINVAL;
	d->year = tm.tm_year + 1900;
	d->mon = tm.tm_mon + 1;
	d->day = tm.tm_mday;
	d->hour = tm.tm_hour;
	d->min = tm.tm_min;
	d->sec = tm.tm_sec;
	d->off_min = off_min;
	return date_valid(d) ? 0 : -EINVAL;
}

int
cert_wareki(char *buf, size_t len, const struct cert_date *d)
{
	static const struct {
		int year, mon, day;
		const char *name;
	} eras[] = {
		{ 2019, 5, 1, "令和" },
		{ 1989, 1, 8, "平成" },
		{ 1926, 12, 25, "昭和" },
	};
	char num[16];
	long key;
	size_t i;
	int n;

	if (!date_valid(d))
		return -EINVAL;
	key = d->year * 10000L + d->mon * 100L + d->day;
	for (i = 0; i < WC_ARRAY_SIZE(eras); i++) {
		if (key < eras[i].year * 10000L + eras[i].mon * 100L +
				  eras[i].day)
			continue;
		n = d->year - eras[i].year + 1;
		if (n == 1)
			snprintf(num, sizeof(num), "元");
		else
			snprintf(num, sizeof(num), "%d", n);
		return wc_fmt(buf, len, "%s%s年%d月%d日 (%04d-%02d-%02d)",
			      eras[i].name, num, d->mon, d->day, d->year,
			      d->mon, d->day);
	}
	return wc_fmt(buf, len, "%04d-%02d-%02d", d->year, d->mon, d->day);
}

int
cert_clock(char *buf, size_t len, const struct cert_date *d)
{
	int a;

	if (!date_valid(d))
		return -EINVAL;
	if (d->off_min == CERT_OFF_JST)
		return wc_fmt(buf, len, "%02d:%02d (JST)", d->hour, d->min);
	if (d->off_min == 0)
		return wc_fmt(buf, len, "%02d:%02d (UTC)", d->hour, d->min);
	a = d->off_min < 0 ? -d->off_min : d->off_min;
	return wc_fmt(buf, len, "%02d:%02d (UTC%c%02d:%02d)", d->hour, d->min,
		      d->off_min < 0 ? '-' : '+', a / 60, a % 60);
}

/* ---- the addressee ------------------------------------------------- */

static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Length of s without trailing spaces (ASCII or U+3000). */
static size_t
trimmed_len(const char *s)
{
	size_t n = strlen(s);

	for (;;) {
		if (n > 0 && s[n - 1] == ' ')
			n--;
		else if (ends_with(s, n, "\xe3\x80\x80"))
			n -= 3;
		else
			return n;
	}
}

int
cert_addressee(char *buf, size_t len, const char *addressee,
	       const char *department)
{
	const char *s = addressee, *hon = "殿";
	size_t n;

	if (s == NULL || trimmed_len(s) == 0) {
		s = department;
		hon = "御中";
	}
	if (s == NULL || (n = trimmed_len(s)) == 0)
		return wc_fmt(buf, len, "—");
	if (n > 1024)
		return -ENAMETOOLONG;
	if (ends_with(s, n, "殿") || ends_with(s, n, "御中") ||
	    ends_with(s, n, "様"))
		return wc_fmt(buf, len, "%.*s", (int)n, s);
	return wc_fmt(buf, len, "%.*s %s", (int)n, s, hon);
}

/* ---- line breaking ------------------------------------------------- */

static int
in_list(uint32_t cp, const uint32_t *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == cp)
			return 1;
	return 0;
}

int
cert_kinsoku_no_start(uint32_t cp)
{
	static const uint32_t no_start[] = {
		0x3001, 0x3002, 0xFF0C, 0xFF0E, 0x30FB, 0xFF1A, 0xFF1B,
		0xFF1F, 0xFF01, 0x30FC, 0xFF09, 0x300D, 0x300F, 0x3011,
		0x3015, 0x3009, 0x300B, 0x3019, 0x3017, 0xFF5D, 0xFF3D,
		0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083,
		0x3085, 0x3087, 0x308E, 0x3095, 0x3096, 0x30A1, 0x30A3,
		0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7,
		0x30EE, 0x30F5, 0x30F6, 0x3005, 0x303B, 0x2010, 0x30A0,
		0x2013, 0x301C, 0xFF5E, 0x2026, 0x2025, 0x2019, 0x201D,
		')', ']', '}', ',', '.', ':', ';', '!', '?', '%',
	};

	return in_list(cp, no_start, WC_ARRAY_SIZE(no_start));
}

static int
no_end(uint32_t cp)
{
	static const uint32_t list[] = {
		0xFF08, 0x300C, 0x300E, 0x3010, 0x3014, 0x3008, 0x300A,
		0x3018, 0x3016, 0xFF5B, 0xFF3B, 0x2018, 0x201C,
		'(', '[', '{',
	};

	return in_list(cp, list, WC_ARRAY_SIZE(list));
}

/* Characters between which a line may break without a space. */
static int
is_cjk(uint32_t cp)
{
	return (cp >= 0x2460 && cp <= 0x24FF) ||
	       (cp >= 0x2E80 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFF00 && cp <= 0xFFEF) || cp >= 0x20000;
}

static int
is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0x3000;
}

static int
may_break(uint32_t prev, uint32_t cp)
{
	if (is_space(cp))
		return 0;
	if (is_space(prev))
		return 1;
	/* After a hyphen or a slash, as in NRM-HDD-0001 or a path. */
	if ((prev == '-' || prev == '/') && cp < 0x80 &&
	    !cert_kinsoku_no_start(cp))
		return 1;
	if (!is_cjk(prev) && !is_cjk(cp))
		return 0;
	return !cert_kinsoku_no_start(cp) && !no_end(prev);
}

/* Bytes of s[off..end) without trailing spaces. */
static size_t
rtrim(const char *s, size_t off, size_t end)
{
	while (end > off && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	while (end >= off + 3 && memcmp(s + end - 3, "\xe3\x80\x80", 3) == 0)
		end -= 3;
	return end - off;
}

static size_t
skip_spaces(const char *s, size_t pos, size_t end)
{
	uint32_t cp;
	size_t k;

	while (pos < end) {
		k = cert_utf8_next(s + pos, end - pos, &cp);
		if (!is_space(cp))
			break;
		pos += k;
	}
	return pos;
}

/* Where the line starting at pos ends: the byte where the next begins. */
static size_t
fit_line(const char *s, size_t pos, size_t end, double width,
	 cert_measure_fn measure, void *ctx)
{
	size_t i = pos, k, bp = 0;
	uint32_t cp, prev = 0;

	while (i < end) {
		k = cert_utf8_next(s + i, end - i, &cp);
		if (i > pos && may_break(prev, cp))
			bp = i;
		if (i > pos && !is_space(cp) &&
		    measure(ctx, s + pos, i + k - pos) > width)
			return bp > pos ? bp : i;
		prev = cp;
		i += k;
	}
	return end;
}

static void
store(struct cert_line *lines, size_t max, size_t n, size_t off, size_t len)
{
	if (n < max) {
		lines[n].off = off;
		lines[n].len = len;
	}
}

int
cert_break_lines(const char *text, double width, cert_measure_fn measure,
		 void *ctx, struct cert_line *lines, size_t max)
{
	size_t pos = 0, end, next, n = 0, total;
	const char *nl;

	if (text == NULL || measure == NULL || !(width > 0))
		return -EINVAL;
	total = strlen(text);
	if (total > 1024 * 1024)
		return -EINVAL;
	while (pos <= total) {
		nl = memchr(text + pos, '\n', total - pos);
		end = nl != NULL ? (size_t)(nl - text) : total;
		pos = skip_spaces(text, pos, end);
		if (pos == end)
			store(lines, max, n++, pos, 0);
		while (pos < end) {
			next = fit_line(text, pos, end, width, measure, ctx);
			store(lines, max, n++, pos, rtrim(text, pos, next));
			pos = skip_spaces(text, next, end);
		}
		pos = end + 1;
	}
	return n > INT32_MAX ? -EINVAL : (int)n;
}
