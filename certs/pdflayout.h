/*
 * pdflayout.h - private helpers of the certificate renderer: dates in
 * 和暦, times in the record's zone, the addressee's honorific, UTF-8
 * decoding and Japanese line breaking by measured width.
 *
 * All of it is pure: buffers in, results out, nothing printed.
 */
#ifndef WIPECERT_CERTS_PDFLAYOUT_H
#define WIPECERT_CERTS_PDFLAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A civil date and time with its UTC offset (minutes east of UTC). */
struct cert_date {
	int year;
	int mon;		/* 1..12 */
	int day;		/* 1..31 */
	int hour;
	int min;
	int sec;
	int off_min;
};

#define CERT_OFF_JST (9 * 60)

/*
 * Decode one UTF-8 sequence of s[0..n) (n > 0).  Returns its length in
 * bytes (1..4); *cp is U+FFFD for a malformed, overlong or surrogate
 * sequence, which then counts as one byte.
 */
size_t cert_utf8_next(const char *s, size_t n, uint32_t *cp);

/*
 * Parse an RFC 3339 date-time ("2025-12-01T17:24:05+09:00", fractions
 * of a second ignored, "Z" for UTC).  The fields are those written, in
 * the offset written: nothing is converted.  Returns 0 or -EINVAL.
 */
int cert_time_parse(const char *s, struct cert_date *d);

/* The civil time of t at a fixed offset.  Returns 0 or -EINVAL. */
int cert_time_from_unix(time_t t, int off_min, struct cert_date *d);

/*
 * "令和7年12月1日 (2025-12-01)": the era year (令和 N = 2018 + N, the
 * first year 元年; 平成 and 昭和 before it), then the Gregorian date.
 * Dates before 昭和 print only the Gregorian date.  Returns 0,
 * -EINVAL (not a date) or -ENAMETOOLONG (buf too small).
 */
int cert_wareki(char *buf, size_t len, const struct cert_date *d);

/*
 * "17:24 (JST)" for +09:00, else "17:24 (UTC+05:30)" or "17:24 (UTC)".
 * Returns 0, -EINVAL or -ENAMETOOLONG.
 */
int cert_clock(char *buf, size_t len, const struct cert_date *d);

/*
 * The addressee line: "<addressee> 殿" after a title such as 練馬区長,
 * else "<department> 御中" after an organisation; never both honorifics,
 * and none added to a name that already ends in 殿, 御中 or 様.  "—" when
 * both are empty.  Returns 0 or -ENAMETOOLONG.
 */
int cert_addressee(char *buf, size_t len, const char *addressee,
		   const char *department);

/* Width of s[0..n) in points, for the line breaker. */
typedef double (*cert_measure_fn)(void *ctx, const char *s, size_t n);

/* One line of broken text: bytes [off, off + len) of the input. */
struct cert_line {
	size_t off;
	size_t len;
};

/*
 * Break UTF-8 text into lines no wider than width: at spaces, between
 * Japanese characters, at '\n' always; never before a character that
 * may not start a line (、。，．）」』 small kana …) nor after one that
 * may not end a line (（「『); a word wider than the line is split where
 * it overflows.  Spaces around a break are dropped.  Stores at most max
 * lines and returns how many there are (possibly more than max), or
 * -EINVAL.
 */
int cert_break_lines(const char *text, double width, cert_measure_fn measure,
		     void *ctx, struct cert_line *lines, size_t max);

/* 1 if cp may not start a line (行頭禁則), 0 if it may. */
int cert_kinsoku_no_start(uint32_t cp);

#endif
