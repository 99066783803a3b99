/*
 * pdfobj.c - read PDF objects from a buffer, and a growing output buffer.
 *
 * Every scan is bounded by the buffer length, recursion by
 * PDF_MAX_DEPTH and the /Prev chain by PDF_MAX_SECTIONS, so malformed
 * input can only make a function return -EINVAL.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdfobj.h"
#include "lib/lib.h"

#define INT_LIMIT 1000000000000000LL

static int
is_ws(uint8_t c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	       c == ' ';
}

static int
is_delim(uint8_t c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	       c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static int
is_regular(uint8_t c)
{
	return !is_ws(c) && !is_delim(c);
}

static int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

void
pdf_skip_ws(const uint8_t *p, size_t n, size_t *pos)
{
	size_t i = *pos;

	while (i < n) {
		if (is_ws(p[i])) {
			i++;
		} else if (p[i] == '%') {
			while (i < n && p[i] != '\r' && p[i] != '\n')
				i++;
		} else {
			break;
		}
	}
	*pos = i;
}

int
pdf_keyword_at(const uint8_t *p, size_t n, size_t i, const char *kw)
{
	size_t k = strlen(kw);

	if (i > n || n - i < k || memcmp(p + i, kw, k) != 0)
		return 0;
	return i + k == n || !is_regular(p[i + k]);
}

int
pdf_parse_uint(const uint8_t *p, size_t n, size_t *pos, int64_t *out)
{
	size_t i = *pos;
	int64_t v = 0;

	if (i >= n || !is_digit(p[i]))
		return -EINVAL;
	while (i < n && is_digit(p[i])) {
		if (v >= INT_LIMIT / 10)
			return -EINVAL;
		v = v * 10 + (p[i] - '0');
		i++;
	}
	*pos = i;
	*out = v;
	return 0;
}

static int
parse_number(const uint8_t *p, size_t n, size_t *pos, struct pdf_val *v)
{
	size_t i = *pos, digits = 0;
	int neg = 0, dot = 0;
	int64_t x = 0;

	if (p[i] == '+' || p[i] == '-')
		neg = p[i++] == '-';
	for (; i < n && (is_digit(p[i]) || p[i] == '.'); i++) {
		if (p[i] == '.') {
			if (dot++)
				return -EINVAL;
			continue;
		}
		digits++;
		if (!dot) {
			if (x >= INT_LIMIT / 10)
				return -EINVAL;
			x = x * 10 + (p[i] - '0');
		}
	}
	if (digits == 0 || (i < n && is_regular(p[i])))
		return -EINVAL;
	v->type = dot ? PDF_REAL : PDF_INT;
	v->num = neg ? -x : x;
	*pos = i;
	return 0;
}

/* After an unsigned integer: "gen R" makes it a reference. */
static void
try_ref(const uint8_t *p, size_t n, size_t *pos, struct pdf_val *v)
{
	size_t i = *pos;
	int64_t gen;

	if (i < n && !is_ws(p[i]))
		return;
	pdf_skip_ws(p, n, &i);
	if (pdf_parse_uint(p, n, &i, &gen) != 0 || gen > 65535)
		return;
	if (i >= n || !is_ws(p[i]))
		return;
	pdf_skip_ws(p, n, &i);
	if (!pdf_keyword_at(p, n, i, "R"))
		return;
	v->type = PDF_REF;
	v->gen = (uint32_t)gen;
	*pos = i + 1;
}

static int
literal_end(const uint8_t *p, size_t n, size_t *pos)
{
	size_t i = *pos + 1;
	unsigned level = 1;

	while (i < n) {
		if (p[i] == '\\') {
			i += 2;
			continue;
		}
		if (p[i] == '(')
			level++;
		else if (p[i] == ')' && --level == 0)
			break;
		i++;
	}
	if (i >= n)
		return -EINVAL;
	*pos = i + 1;
	return 0;
}

static int
hex_end(const uint8_t *p, size_t n, size_t *pos)
{
	size_t i = *pos + 1;

	while (i < n && p[i] != '>') {
		if (wc_hexval(p[i]) < 0 && !is_ws(p[i]))
			return -EINVAL;
		i++;
	}
	if (i >= n)
		return -EINVAL;
	*pos = i + 1;
	return 0;
}

static int parse_at(const uint8_t *p, size_t n, size_t *pos,
		    struct pdf_val *v, int depth);

static int
container_end(const uint8_t *p, size_t n, size_t *pos, int dict, int depth)
{
	struct pdf_val k, x;
	size_t i = *pos + (dict ? 2 : 1);
	int ret;

	for (;;) {
		pdf_skip_ws(p, n, &i);
		if (i >= n)
			return -EINVAL;
		if (dict && p[i] == '>' && i + 1 < n && p[i + 1] == '>') {
			*pos = i + 2;
			return 0;
		}
		if (!dict && p[i] == ']') {
			*pos = i + 1;
			return 0;
		}
		if (dict) {
			ret = parse_at(p, n, &i, &k, depth + 1);
			if (ret != 0 || k.type != PDF_NAME)
				return -EINVAL;
		}
		ret = parse_at(p, n, &i, &x, depth + 1);
		if (ret != 0)
			return ret;
	}
}

static int
parse_at(const uint8_t *p, size_t n, size_t *pos, struct pdf_val *v,
	 int depth)
{
	size_t i;
	int ret = 0;

	if (depth > PDF_MAX_DEPTH)
		return -EINVAL;
	pdf_skip_ws(p, n, pos);
	i = *pos;
	if (i >= n)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	v->off = i;
	if (p[i] == '/') {
		v->type = PDF_NAME;
		for (i++; i < n && is_regular(p[i]); i++)
			;
	} else if (p[i] == '(') {
		v->type = PDF_STRING;
		ret = literal_end(p, n, &i);
	} else if (p[i] == '<' && i + 1 < n && p[i + 1] == '<') {
		v->type = PDF_DICT;
		ret = container_end(p, n, &i, 1, depth);
	} else if (p[i] == '<') {
		v->type = PDF_HEXSTRING;
		ret = hex_end(p, n, &i);
	} else if (p[i] == '[') {
		v->type = PDF_ARRAY;
		ret = container_end(p, n, &i, 0, depth);
	} else if (pdf_keyword_at(p, n, i, "true") || pdf_keyword_at(p, n, i, "false")) {
		v->type = PDF_BOOL;
		v->num = p[i] == 't';
		i += p[i] == 't' ? 4 : 5;
	} else if (pdf_keyword_at(p, n, i, "null")) {
		v->type = PDF_NULL;
		i += 4;
	} else if (is_digit(p[i]) || p[i] == '+' || p[i] == '-' ||
		   p[i] == '.') {
		ret = parse_number(p, n, &i, v);
		if (ret == 0 && v->type == PDF_INT && is_digit(p[v->off]))
			try_ref(p, n, &i, v);
	} else {
		return -EINVAL;
	}
	if (ret != 0)
		return ret;
	v->len = i - v->off;
	*pos = i;
	return 0;
}

int
pdf_parse(const uint8_t *p, size_t n, size_t *pos, struct pdf_val *v)
{
	return parse_at(p, n, pos, v, 0);
}

/* Decode a name (without its slash) into buf.  Returns its length or -1. */
static int
name_decode(const uint8_t *p, const struct pdf_val *v, char *buf,
	    size_t cap)
{
	size_t i, k = 0;
	int hi, lo;

	for (i = v->off + 1; i < v->off + v->len; i++) {
		uint8_t c = p[i];

		if (c == '#' && i + 2 < v->off + v->len) {
			hi = wc_hexval(p[i + 1]);
			lo = wc_hexval(p[i + 2]);
			if (hi >= 0 && lo >= 0) {
				c = (uint8_t)(hi << 4 | lo);
				i += 2;
			}
		}
		if (k + 1 >= cap)
			return -1;
		buf[k++] = (char)c;
	}
	buf[k] = '\0';
	return (int)k;
}

int
pdf_name_is(const uint8_t *p, const struct pdf_val *v, const char *want)
{
	char buf[PDF_NAME_MAX];
	int k;

	if (v->type != PDF_NAME)
		return 0;
	k = name_decode(p, v, buf, sizeof(buf));
	return k >= 0 && (size_t)k == strlen(want) &&
	       memcmp(buf, want, (size_t)k) == 0;
}

int
pdf_dict_next(const uint8_t *p, size_t n, const struct pdf_val *dict,
	      size_t *pos, struct pdf_val *key, struct pdf_val *val)
{
	size_t end, i;

	if (dict->type != PDF_DICT || dict->off + dict->len > n ||
	    dict->len < 4)
		return -EINVAL;
	end = dict->off + dict->len - 2;	/* the closing ">>" */
	i = *pos == 0 ? dict->off + 2 : *pos;
	pdf_skip_ws(p, end, &i);
	if (i >= end)
		return -ENOENT;
	if (pdf_parse(p, end, &i, key) != 0 || key->type != PDF_NAME ||
	    pdf_parse(p, end, &i, val) != 0)
		return -EINVAL;
	*pos = i;
	return 0;
}

int
pdf_dict_get(const uint8_t *p, size_t n, const struct pdf_val *dict,
	     const char *key, struct pdf_val *val)
{
	struct pdf_val k, v;
	size_t pos = 0;
	int ret;

	while ((ret = pdf_dict_next(p, n, dict, &pos, &k, &v)) == 0) {
		if (pdf_name_is(p, &k, key)) {
			*val = v;
			return 0;
		}
	}
	return ret;
}

int
pdf_array_next(const uint8_t *p, size_t n, const struct pdf_val *arr,
	       size_t *pos, struct pdf_val *val)
{
	size_t end, i;

	if (arr->type != PDF_ARRAY || arr->off + arr->len > n ||
	    arr->len < 2)
		return -EINVAL;
	end = arr->off + arr->len - 1;	/* the closing ']' */
	i = *pos == 0 ? arr->off + 1 : *pos;
	pdf_skip_ws(p, end, &i);
	if (i >= end)
		return -ENOENT;
	if (pdf_parse(p, end, &i, val) != 0)
		return -EINVAL;
	*pos = i;
	return 0;
}

static int
put_byte(uint8_t *out, size_t cap, size_t *k, uint8_t c)
{
	if (*k >= cap)
		return -ENOSPC;
	out[(*k)++] = c;
	return 0;
}

/* One escape after a backslash at p[*i]; returns the byte or -1 (none). */
static int
unescape(const uint8_t *p, size_t end, size_t *i)
{
	static const char from[] = "nrtbf()\\", to[] = "\n\r\t\b\f()\\";
	const char *e;
	int v = 0, k;
	uint8_t c = p[*i];

	if ((e = memchr(from, c, sizeof(from) - 1)) != NULL) {
		(*i)++;
		return (uint8_t)to[e - from];
	}
	if (c >= '0' && c <= '7') {
		for (k = 0; k < 3 && *i < end && p[*i] >= '0' && p[*i] <= '7';
		     k++)
			v = v * 8 + (p[(*i)++] - '0');
		return v & 0xff;
	}
	if (c == '\r' || c == '\n') {	/* a line continuation */
		(*i)++;
		if (c == '\r' && *i < end && p[*i] == '\n')
			(*i)++;
		return -1;
	}
	(*i)++;
	return c;		/* an unknown escape: the byte itself */
}

static int
literal_decode(const uint8_t *p, const struct pdf_val *v, uint8_t *out,
	       size_t cap, size_t *k)
{
	size_t i = v->off + 1, end = v->off + v->len - 1;
	int c, ret = 0;

	while (i < end && ret == 0) {
		if (p[i] == '\\' && i + 1 < end) {
			i++;
			c = unescape(p, end, &i);
			if (c >= 0)
				ret = put_byte(out, cap, k, (uint8_t)c);
		} else if (p[i] == '\r') {
			i += (i + 1 < end && p[i + 1] == '\n') ? 2 : 1;
			ret = put_byte(out, cap, k, '\n');
		} else {
			ret = put_byte(out, cap, k, p[i++]);
		}
	}
	return ret;
}

int
pdf_string_decode(const uint8_t *p, const struct pdf_val *v, uint8_t *out,
		  size_t cap, size_t *outlen)
{
	size_t i, k = 0;
	int hi = -1, d, ret = 0;

	if (v->type == PDF_STRING) {
		ret = literal_decode(p, v, out, cap, &k);
	} else if (v->type == PDF_HEXSTRING) {
		for (i = v->off + 1; i < v->off + v->len - 1 && ret == 0; i++) {
			if ((d = wc_hexval(p[i])) < 0)
				continue;
			if (hi < 0) {
				hi = d;
				continue;
			}
			ret = put_byte(out, cap, &k, (uint8_t)(hi << 4 | d));
			hi = -1;
		}
		if (ret == 0 && hi >= 0)
			ret = put_byte(out, cap, &k, (uint8_t)(hi << 4));
	} else {
		return -EINVAL;
	}
	*outlen = k;
	return ret;
}

/* ---- output ------------------------------------------------------------ */

void
pdf_out_bytes(struct pdf_out *o, const void *data, size_t len)
{
	uint8_t *np;
	size_t cap;

	if (o->err != 0)
		return;
	if (len > o->cap - o->n) {
		cap = o->cap ? o->cap : 4096;
		while (cap - o->n < len) {
			if (cap > SIZE_MAX / 2) {
				o->err = -ENOMEM;
				return;
			}
			cap *= 2;
		}
		np = realloc(o->p, cap);
		if (np == NULL) {
			o->err = -ENOMEM;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->n, data, len);
	o->n += len;
}

void
pdf_out_printf(struct pdf_out *o, const char *fmt, ...)
{
	char small[512], *big;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (k < 0) {
		o->err = o->err ? o->err : -EINVAL;
		return;
	}
	if ((size_t)k < sizeof(small)) {
		pdf_out_bytes(o, small, (size_t)k);
		return;
	}
	big = malloc((size_t)k + 1);
	if (big == NULL) {
		o->err = o->err ? o->err : -ENOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)k + 1, fmt, ap);
	va_end(ap);
	pdf_out_bytes(o, big, (size_t)k);
	free(big);
}

void
pdf_out_release(struct pdf_out *o)
{
	if (o == NULL)
		return;
	free(o->p);
	memset(o, 0, sizeof(*o));
}
