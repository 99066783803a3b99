/*
 * util.c - the register's small helpers: kind names, buffers, base64,
 * UTF-8 checks and time parsing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "register/internal.h"

static const char *const kind_names[REG_KIND_COUNT] = {
	[REG_RECEIVED] = "received",	 [REG_TAKEOUT] = "takeout",
	[REG_RETURN] = "return",	 [REG_STARTED] = "started",
	[REG_ERASURE] = "erasure",	 [REG_CERTIFICATE] = "certificate",
	[REG_DESTRUCTION] = "destruction", [REG_REPORT] = "report",
	[REG_CORRECTION] = "correction", [REG_RECOVERED] = "recovered",
};

const char *
reg_kind_name(enum reg_kind k)
{
	if ((unsigned)k >= REG_KIND_COUNT)
		return NULL;
	return kind_names[k];
}

int
reg_kind_parse(const char *name, enum reg_kind *out)
{
	unsigned i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < REG_KIND_COUNT; i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum reg_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- buffers ---------------------------------------------------------- */

void
reg_buf_init(struct reg_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
reg_buf_release(struct reg_buf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	reg_buf_init(b);
}

static int
buf_grow(struct reg_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->err)
		return b->err;
	if (need <= b->cap)
		return 0;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			b->err = -ENOMEM;
			return b->err;
		}
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->err = -ENOMEM;
		return b->err;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
reg_buf_add(struct reg_buf *b, const void *data, size_t n)
{
	if (n > SIZE_MAX - b->len - 1) {
		b->err = -ENOMEM;
		return;
	}
	if (buf_grow(b, b->len + n + 1) != 0)
		return;
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
reg_buf_str(struct reg_buf *b, const char *s)
{
	reg_buf_add(b, s, strlen(s));
}

void
reg_buf_fmt(struct reg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = -EINVAL;
		return;
	}
	if (buf_grow(b, b->len + (size_t)n + 1) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---- base64 ------------------------------------------------------------ */

int
reg_b64_encode(const uint8_t *in, size_t n, char **out)
{
	size_t olen;
	char *o;

	*out = NULL;
	if (n > (size_t)INT32_MAX / 2)
		return -E2BIG;
	olen = 4 * ((n + 2) / 3);
	o = malloc(olen + 1);
	if (o == NULL)
		return -ENOMEM;
	EVP_EncodeBlock((unsigned char *)o, in, (int)n);
	o[olen] = '\0';
	*out = o;
	return 0;
}

static int
b64_char(int c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/';
}

/*
 * The decoder ignores the unused low bits of the last character; only
 * one text may stand for given bytes, or a signature could be altered
 * without breaking it.
 */
static int
canonical(const char *in, size_t n, const uint8_t *bytes, size_t len)
{
	char *again;
	int same;

	if (reg_b64_encode(bytes, len, &again) != 0)
		return 0;
	same = strlen(again) == n && memcmp(again, in, n) == 0;
	free(again);
	return same;
}

int
reg_b64_decode(const char *in, size_t n, uint8_t **out, size_t *outlen)
{
	size_t i, pad = 0;
	uint8_t *o;
	int got;

	*out = NULL;
	*outlen = 0;
	if (n == 0 || n % 4 != 0 || n > (size_t)INT32_MAX / 2)
		return -EINVAL;
	if (in[n - 1] == '=')
		pad = in[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n - pad; i++)
		if (!b64_char(in[i]))
			return -EINVAL;
	o = malloc(n / 4 * 3 + 1);
	if (o == NULL)
		return -ENOMEM;
	got = EVP_DecodeBlock(o, (const unsigned char *)in, (int)n);
	if (got < 0 || (size_t)got < pad ||
	    !canonical(in, n, o, (size_t)got - pad)) {
		free(o);
		return -EINVAL;
	}
	*out = o;
	*outlen = (size_t)got - pad;
	return 0;
}

/* ---- text checks ------------------------------------------------------- */

/* Length of the UTF-8 sequence at s (up to n bytes), 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

int
reg_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

int
reg_is_hex64(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < 64; i++)
		if (!isdigit((unsigned char)s[i]) &&
		    (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return s[64] == '\0';
}

/* ---- time ------------------------------------------------------------ */

/* Exactly n digits at s into *v. */
static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
parse_date(const char *s, struct tm *tm)
{
	int y, mo, d;

	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -EINVAL;
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	return 0;
}

/* "HH:MM[:SS]" at s; returns characters used, or -EINVAL. */
static int
parse_clock(const char *s, struct tm *tm)
{
	int h, mi, sec = 0, used = 5;

	if (digits(s, 2, &h) || s[2] != ':' || digits(s + 3, 2, &mi))
		return -EINVAL;
	if (s[5] == ':') {
		if (digits(s + 6, 2, &sec))
			return -EINVAL;
		used = 8;
	}
	if (h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec;
	return used;
}

/* "Z", "+HH:MM", "-HH:MM" → seconds east of UTC. */
static int
parse_offset(const char *s, long *off)
{
	int h, m;

	if (strcmp(s, "Z") == 0) {
		*off = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &h) ||
	    s[3] != ':' || digits(s + 4, 2, &m) || s[6] != '\0' || h > 23 ||
	    m > 59)
		return -EINVAL;
	*off = (h * 3600L + m * 60L) * (s[0] == '-' ? -1 : 1);
	return 0;
}

int
reg_time_parse(const char *s, time_t *out, int *date_only)
{
	struct tm tm;
	long off = 0;
	int n, mday, has_off = 0;
	time_t t;

	if (s == NULL || strnlen(s, 40) >= 40)
		return -EINVAL;
	memset(&tm, 0, sizeof(tm));
	if (parse_date(s, &tm) != 0)
		return -EINVAL;
	if (date_only != NULL)
		*date_only = s[10] == '\0';
	if (s[10] != '\0') {
		if (s[10] != 'T' && s[10] != ' ')
			return -EINVAL;
		n = parse_clock(s + 11, &tm);
		if (n < 0)
			return -EINVAL;
		if (s[11 + n] != '\0') {
			if (parse_offset(s + 11 + n, &off) != 0)
				return -EINVAL;
			has_off = 1;
		}
	}
	mday = tm.tm_mday;
	if (has_off) {
		t = timegm(&tm);
	} else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	/* timegm() and mktime() roll 31 February over into March. */
	if (t == (time_t)-1 || tm.tm_mday != mday)
		return -EINVAL;
	*out = has_off ? t - off : t;
	return 0;
}
