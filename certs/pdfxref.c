/*
 * pdfxref.c - a PDF document's cross-reference tables (classic only, with
 * their /Prev chain), its indirect objects and its streams.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "certs/pdfobj.h"

#define OFF_FREE UINT64_MAX	/* an xref entry marked free */

static int
is_ws(uint8_t c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	       c == ' ';
}

static int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* ---- cross-reference tables ------------------------------------------ */

static int
find_startxref(const uint8_t *p, size_t n, size_t *off)
{
	static const char kw[] = "startxref";
	size_t k = sizeof(kw) - 1, from, i, pos;
	struct pdf_val v;

	if (n < k + 2)
		return -EINVAL;
	from = n > 1024 ? n - 1024 : 0;
	for (i = n - k;; i--) {
		if (memcmp(p + i, kw, k) == 0)
			break;
		if (i == from)
			return -EINVAL;
	}
	pos = i + k;
	if (pdf_parse(p, n, &pos, &v) != 0 || v.type != PDF_INT ||
	    v.num <= 0 || (uint64_t)v.num >= n)
		return -EINVAL;
	*off = (size_t)v.num;
	return 0;
}

/* One 20-byte entry "oooooooooo ggggg n\r\n" at p[i]. */
static int
xref_entry(const uint8_t *p, uint64_t *off, uint32_t *gen, int *used)
{
	size_t k;

	*off = 0;
	*gen = 0;
	for (k = 0; k < 10; k++) {
		if (!is_digit(p[k]))
			return -EINVAL;
		*off = *off * 10 + (p[k] - '0');
	}
	for (k = 11; k < 16; k++) {
		if (!is_digit(p[k]))
			return -EINVAL;
		*gen = *gen * 10 + (uint32_t)(p[k] - '0');
	}
	if (p[10] != ' ' || p[16] != ' ' || (p[17] != 'n' && p[17] != 'f'))
		return -EINVAL;
	if (!is_ws(p[18]) || !is_ws(p[19]))
		return -EINVAL;
	*used = p[17] == 'n';
	return 0;
}

/* Record one entry unless a newer section already gave the object. */
static int
xref_set(struct pdf_doc *d, uint64_t num, const uint8_t *e)
{
	uint64_t off;
	uint32_t gen;
	int used;

	if (xref_entry(e, &off, &gen, &used) != 0)
		return -EINVAL;
	if (d->off == NULL || num == 0)
		return 0;
	if (num >= d->size)
		return -EINVAL;
	if (d->off[num] != 0)
		return 0;
	if (used && (off == 0 || off >= d->n))
		return -EINVAL;
	d->off[num] = used ? off : OFF_FREE;
	d->gen[num] = gen;
	return 0;
}

/*
 * Walk the subsections of the table at *pos ("xref" already consumed);
 * fill d->off when it is allocated.  Leaves *pos after "trailer".
 */
static int
xref_table(struct pdf_doc *d, size_t *pos)
{
	const uint8_t *p = d->p;
	size_t i = *pos, n = d->n, k;
	int64_t start, count;

	for (;;) {
		pdf_skip_ws(p, n, &i);
		if (pdf_keyword_at(p, n, i, "trailer")) {
			*pos = i + 7;
			return 0;
		}
		if (pdf_parse_uint(p, n, &i, &start) != 0 || i >= n ||
		    p[i] != ' ')
			return -EINVAL;
		i++;
		if (pdf_parse_uint(p, n, &i, &count) != 0)
			return -EINVAL;
		while (i < n && (p[i] == ' ' || p[i] == '\r' || p[i] == '\n'))
			i++;
		if ((uint64_t)count > (n - i) / 20)
			return -EINVAL;
		for (k = 0; k < (size_t)count; k++, i += 20)
			if (xref_set(d, (uint64_t)start + k, p + i) != 0)
				return -EINVAL;
	}
}

/* The first (newest) trailer: /Size, /Root, /Info, /ID. */
static int
trailer_first(struct pdf_doc *d, const struct pdf_val *t)
{
	struct pdf_val v;

	d->trailer = *t;
	if (pdf_dict_get(d->p, d->n, t, "Size", &v) != 0 ||
	    v.type != PDF_INT || v.num < 1 || v.num > 8388607 ||
	    (uint64_t)v.num > d->n)
		return -EINVAL;
	d->size = (size_t)v.num;
	if (pdf_dict_get(d->p, d->n, t, "Root", &d->root) != 0 ||
	    d->root.type != PDF_REF)
		return -EINVAL;
	if (pdf_dict_get(d->p, d->n, t, "Info", &d->info) != 0)
		memset(&d->info, 0, sizeof(d->info));
	else if (d->info.type != PDF_REF)
		return -EINVAL;
	if (pdf_dict_get(d->p, d->n, t, "ID", &d->id) != 0)
		memset(&d->id, 0, sizeof(d->id));
	else if (d->id.type != PDF_ARRAY)
		return -EINVAL;
	d->off = calloc(d->size, sizeof(*d->off));
	d->gen = calloc(d->size, sizeof(*d->gen));
	return d->off && d->gen ? 0 : -ENOMEM;
}

/* One section at off; *prev is its /Prev or 0. */
static int
xref_section(struct pdf_doc *d, size_t off, size_t *prev)
{
	struct pdf_val t, v;
	size_t pos = off, table;
	int ret;

	if (!pdf_keyword_at(d->p, d->n, pos, "xref"))
		return is_digit(d->p[pos]) ? -ENOTSUP : -EINVAL;
	table = pos + 4;
	pos = table;
	if (d->off == NULL) {	/* newest: find the trailer first */
		ret = xref_table(d, &pos);
		if (ret == 0)
			ret = pdf_parse(d->p, d->n, &pos, &t);
		if (ret != 0 || t.type != PDF_DICT ||
		    trailer_first(d, &t) != 0)
			return ret == -ENOMEM ? ret : -EINVAL;
		pos = table;
	}
	ret = xref_table(d, &pos);
	if (ret == 0)
		ret = pdf_parse(d->p, d->n, &pos, &t);
	if (ret != 0 || t.type != PDF_DICT)
		return -EINVAL;
	*prev = 0;
	if (pdf_dict_get(d->p, d->n, &t, "Prev", &v) == 0) {
		if (v.type != PDF_INT || v.num <= 0 || (uint64_t)v.num >= d->n)
			return -EINVAL;
		*prev = (size_t)v.num;
	}
	return 0;
}

int
pdf_doc_open(struct pdf_doc *d, const uint8_t *p, size_t n)
{
	size_t seen[PDF_MAX_SECTIONS], off, prev, i;
	int ret;

	memset(d, 0, sizeof(*d));
	d->p = p;
	d->n = n;
	if (n < 8 || memcmp(p, "%PDF-", 5) != 0)
		return -EINVAL;
	ret = find_startxref(p, n, &off);
	if (ret != 0)
		return ret;
	d->startxref = off;
	for (;;) {
		for (i = 0; i < d->sections; i++)
			if (seen[i] == off)
				goto bad;	/* a /Prev loop */
		if (d->sections == PDF_MAX_SECTIONS)
			goto bad;
		seen[d->sections++] = off;
		ret = xref_section(d, off, &prev);
		if (ret != 0)
			goto fail;
		if (prev == 0)
			return 0;
		off = prev;
	}
bad:
	ret = -EINVAL;
fail:
	pdf_doc_release(d);
	return ret;
}

void
pdf_doc_release(struct pdf_doc *d)
{
	if (d == NULL)
		return;
	free(d->off);
	free(d->gen);
	d->off = NULL;
	d->gen = NULL;
}

int
pdf_obj(const struct pdf_doc *d, uint32_t num, struct pdf_val *v,
	size_t *end)
{
	struct pdf_val x;
	size_t pos;

	if (d->off == NULL || num >= d->size || d->off[num] == 0 ||
	    d->off[num] == OFF_FREE)
		return -ENOENT;
	pos = (size_t)d->off[num];
	if (pdf_parse(d->p, d->n, &pos, &x) != 0 || x.type != PDF_INT ||
	    x.num != num)
		return -EINVAL;
	if (pdf_parse(d->p, d->n, &pos, &x) != 0 || x.type != PDF_INT ||
	    x.num != d->gen[num])
		return -EINVAL;
	pdf_skip_ws(d->p, d->n, &pos);
	if (!pdf_keyword_at(d->p, d->n, pos, "obj"))
		return -EINVAL;
	pos += 3;
	if (pdf_parse(d->p, d->n, &pos, v) != 0)
		return -EINVAL;
	if (end != NULL)
		*end = pos;
	return 0;
}

int
pdf_resolve(const struct pdf_doc *d, const struct pdf_val *v,
	    struct pdf_val *out)
{
	if (v->type != PDF_REF) {
		*out = *v;
		return 0;
	}
	if (v->num < 0 || v->num > UINT32_MAX)
		return -EINVAL;
	return pdf_obj(d, (uint32_t)v->num, out, NULL);
}

int
pdf_get(const struct pdf_doc *d, const struct pdf_val *dict,
	const char *key, struct pdf_val *out)
{
	struct pdf_val v;
	int ret;

	ret = pdf_dict_get(d->p, d->n, dict, key, &v);
	if (ret != 0)
		return ret;
	return pdf_resolve(d, &v, out);
}

/* ---- streams ----------------------------------------------------------- */

int
pdf_stream(const struct pdf_doc *d, uint32_t num, struct pdf_val *dict,
	   size_t *data_off, size_t *data_len)
{
	struct pdf_val len;
	size_t pos, end;
	int ret;

	ret = pdf_obj(d, num, dict, &pos);
	if (ret != 0)
		return ret;
	if (dict->type != PDF_DICT)
		return -EINVAL;
	pdf_skip_ws(d->p, d->n, &pos);
	if (!pdf_keyword_at(d->p, d->n, pos, "stream"))
		return -EINVAL;
	pos += 6;
	if (pos + 1 < d->n && d->p[pos] == '\r' && d->p[pos + 1] == '\n')
		pos += 2;
	else if (pos < d->n && d->p[pos] == '\n')
		pos += 1;
	else
		return -EINVAL;
	if (pdf_get(d, dict, "Length", &len) != 0 || len.type != PDF_INT ||
	    len.num < 0 || (uint64_t)len.num > d->n - pos)
		return -EINVAL;
	end = pos + (size_t)len.num;
	pdf_skip_ws(d->p, d->n, &end);
	if (!pdf_keyword_at(d->p, d->n, end, "endstream"))
		return -EINVAL;
	*data_off = pos;
	*data_len = (size_t)len.num;
	return 0;
}

/* /Filter: none (0), /FlateDecode (1), anything else -ENOTSUP. */
static int
stream_filter(const struct pdf_doc *d, const struct pdf_val *dict)
{
	struct pdf_val f, x;
	size_t pos = 0;

	if (pdf_get(d, dict, "DecodeParms", &x) == 0 && x.type != PDF_NULL)
		return -ENOTSUP;
	if (pdf_get(d, dict, "Filter", &f) != 0 || f.type == PDF_NULL)
		return 0;
	if (f.type == PDF_ARRAY) {
		if (pdf_array_next(d->p, d->n, &f, &pos, &x) == -ENOENT)
			return 0;
		if (pdf_array_next(d->p, d->n, &f, &pos, &f) != -ENOENT)
			return -ENOTSUP;	/* a chain of filters */
		f = x;
	}
	return pdf_name_is(d->p, &f, "FlateDecode") ? 1 : -ENOTSUP;
}

int
pdf_stream_decode(const struct pdf_doc *d, uint32_t num, size_t max,
		  uint8_t **out, size_t *outlen, struct pdf_val *dict)
{
	size_t off, len;
	int ret, flate;

	ret = pdf_stream(d, num, dict, &off, &len);
	if (ret != 0)
		return ret;
	flate = stream_filter(d, dict);
	if (flate < 0)
		return flate;
	if (flate)
		return pdf_inflate(d->p + off, len, max, out, outlen);
	if (len > max)
		return -EFBIG;
	*out = malloc(len ? len : 1);
	if (*out == NULL)
		return -ENOMEM;
	memcpy(*out, d->p + off, len);
	*outlen = len;
	return 0;
}

/* Double, from 64 KiB, never past max. */
static size_t
grow(size_t cap, size_t max)
{
	cap = cap ? (cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2) : 65536;
	return cap > max ? max : cap;
}

int
pdf_inflate(const uint8_t *in, size_t len, size_t max, uint8_t **out,
	    size_t *outlen)
{
	z_stream z;
	uint8_t *buf = NULL, *nb;
	size_t cap = 0;
	int zr = Z_OK, ret = 0;

	memset(&z, 0, sizeof(z));
	if (len > UINT32_MAX || inflateInit(&z) != Z_OK)
		return -EINVAL;
	z.next_in = (uint8_t *)in;
	z.avail_in = (unsigned)len;
	while (zr == Z_OK) {
		if (z.total_out == cap) {
			if (cap >= max) {
				ret = -EFBIG;
				break;
			}
			cap = grow(cap, max);
			nb = realloc(buf, cap);
			if (nb == NULL) {
				ret = -ENOMEM;
				break;
			}
			buf = nb;
		}
		z.next_out = buf + z.total_out;
		z.avail_out = (unsigned)(cap - z.total_out);
		zr = inflate(&z, Z_NO_FLUSH);
	}
	if (ret == 0 && zr != Z_STREAM_END)
		ret = -EINVAL;
	*outlen = z.total_out;
	inflateEnd(&z);
	if (ret != 0) {
		free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

