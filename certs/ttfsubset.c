/*
 * ttfsubset.c - keep only the glyphs a certificate uses (ttfsubset.h).
 *
 * Table layouts are those of the OpenType specification (head, maxp,
 * hhea, hmtx, loca, glyf, cmap formats 4 and 12, post).  Every read
 * goes through rd16/rd32 on a bounds-checked (pointer, length) pair.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/ttfsubset.h"
#include "lib/lib.h"

#define TAG_HEAD CERT_TTF_TAG('h', 'e', 'a', 'd')
#define TAG_MAXP CERT_TTF_TAG('m', 'a', 'x', 'p')
#define TAG_HHEA CERT_TTF_TAG('h', 'h', 'e', 'a')
#define TAG_HMTX CERT_TTF_TAG('h', 'm', 't', 'x')
#define TAG_LOCA CERT_TTF_TAG('l', 'o', 'c', 'a')
#define TAG_GLYF CERT_TTF_TAG('g', 'l', 'y', 'f')
#define TAG_CMAP CERT_TTF_TAG('c', 'm', 'a', 'p')
#define TAG_POST CERT_TTF_TAG('p', 'o', 's', 't')

#define HEAD_MIN 54
#define HEAD_ADJUST 8		/* checkSumAdjustment */
#define HEAD_MAGIC 12
#define HEAD_UPEM 18
#define HEAD_LOCFMT 50
#define POST_HEADER 32
#define CHECKSUM_MAGIC 0xB1B0AFBAu

/* Composite glyph component flags. */
#define ARGS_ARE_WORDS (1u << 0)
#define HAVE_SCALE (1u << 3)
#define MORE_COMPONENTS (1u << 5)
#define HAVE_XY_SCALE (1u << 6)
#define HAVE_2X2 (1u << 7)

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xFFFF);
}

const struct cert_ttf_table *
cert_ttf_find(const struct cert_ttf *f, uint32_t tag)
{
	unsigned i;

	for (i = 0; i < f->ntables; i++)
		if (f->tables[i].tag == tag)
			return &f->tables[i];
	return NULL;
}

/* A table's bytes, or NULL when it is missing or shorter than min. */
static const uint8_t *
table(const struct cert_ttf *f, uint32_t tag, size_t min, size_t *len)
{
	const struct cert_ttf_table *t = cert_ttf_find(f, tag);

	if (t == NULL || t->length < min)
		return NULL;
	if (len != NULL)
		*len = t->length;
	return f->buf + t->offset;
}

static int
read_directory(struct cert_ttf *f)
{
	uint32_t version;
	unsigned i, j;
	const uint8_t *r;

	if (f->len < 12)
		return -EINVAL;
	version = rd32(f->buf);
	if (version != 0x00010000 && version != CERT_TTF_TAG('t', 'r', 'u', 'e'))
		return -EINVAL;
	f->ntables = rd16(f->buf + 4);
	if (f->ntables == 0 || f->ntables > CERT_TTF_MAX_TABLES ||
	    12 + 16 * (size_t)f->ntables > f->len)
		return -EINVAL;
	for (i = 0; i < f->ntables; i++) {
		r = f->buf + 12 + 16 * i;
		f->tables[i].tag = rd32(r);
		f->tables[i].checksum = rd32(r + 4);
		f->tables[i].offset = rd32(r + 8);
		f->tables[i].length = rd32(r + 12);
		if ((uint64_t)f->tables[i].offset + f->tables[i].length >
		    f->len)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (f->tables[j].tag == f->tables[i].tag)
				return -EINVAL;
	}
	return 0;
}

static int
read_metrics(struct cert_ttf *f)
{
	const uint8_t *head, *maxp, *hhea;
	size_t hmtx_len;
	int fmt;

	head = table(f, TAG_HEAD, HEAD_MIN, NULL);
	maxp = table(f, TAG_MAXP, 6, NULL);
	hhea = table(f, TAG_HHEA, 36, NULL);
	if (head == NULL || maxp == NULL || hhea == NULL ||
	    rd32(head + HEAD_MAGIC) != 0x5F0F3CF5 ||
	    rd16(head + HEAD_UPEM) == 0)
		return -EINVAL;
	fmt = (int16_t)rd16(head + HEAD_LOCFMT);
	if (fmt != 0 && fmt != 1)
		return -EINVAL;
	f->long_loca = fmt;
	f->nglyphs = rd16(maxp + 4);
	f->nhmetrics = rd16(hhea + 34);
	if (f->nglyphs == 0 || f->nhmetrics == 0 ||
	    f->nhmetrics > f->nglyphs)
		return -EINVAL;
	if (table(f, TAG_HMTX, 0, &hmtx_len) == NULL ||
	    hmtx_len < 4 * (size_t)f->nhmetrics +
			       2 * (size_t)(f->nglyphs - f->nhmetrics))
		return -EINVAL;
	return 0;
}

static size_t
loca_at(const struct cert_ttf *f, const uint8_t *loca, unsigned i)
{
	return f->long_loca ? rd32(loca + 4 * (size_t)i)
			    : 2 * (size_t)rd16(loca + 2 * (size_t)i);
}

static int
check_loca(const struct cert_ttf *f)
{
	const uint8_t *loca;
	size_t loca_len, glyf_len, prev = 0, cur;
	unsigned i;

	loca = table(f, TAG_LOCA, 0, &loca_len);
	if (loca == NULL || table(f, TAG_GLYF, 0, &glyf_len) == NULL ||
	    loca_len < ((size_t)f->nglyphs + 1) * (f->long_loca ? 4 : 2))
		return -EINVAL;
	for (i = 0; i <= f->nglyphs; i++) {
		cur = loca_at(f, loca, i);
		if (cur < prev || cur > glyf_len)
			return -EINVAL;
		prev = cur;
	}
	return 0;
}

/* A subtable's length as it says, clipped to what the cmap holds. */
static int
check_subtable(struct cert_ttf *f, const uint8_t *sub, size_t avail)
{
	size_t len;
	unsigned segx2;

	if (f->cmap_format == 4) {
		if (avail < 14)
			return -EINVAL;
		len = WC_MIN((size_t)rd16(sub + 2), avail);
		segx2 = rd16(sub + 6);
		if (segx2 == 0 || segx2 % 2 != 0 ||
		    16 + 4 * (size_t)segx2 > len)
			return -EINVAL;
	} else {
		if (avail < 16)
			return -EINVAL;
		len = WC_MIN((size_t)rd32(sub + 4), avail);
		if (len < 16 || rd32(sub + 12) > (len - 16) / 12)
			return -EINVAL;
	}
	f->cmap_sub = sub;
	f->cmap_sub_len = len;
	return 0;
}

/* Preference of a cmap encoding record, 0 when it is not Unicode. */
static int
cmap_rank(unsigned platform, unsigned encoding, unsigned format)
{
	if (format == 12 && platform == 3 && encoding == 10)
		return 4;
	if (format == 12 && platform == 0)
		return 3;
	if (format == 4 && platform == 3 && encoding == 1)
		return 2;
	if (format == 4 && platform == 0)
		return 1;
	return 0;
}

static int
read_cmap(struct cert_ttf *f)
{
	const uint8_t *cmap, *rec, *best = NULL;
	size_t len, off;
	unsigned n, i, fmt;
	int rank, best_rank = 0;

	cmap = table(f, TAG_CMAP, 4, &len);
	if (cmap == NULL)
		return -EINVAL;
	n = rd16(cmap + 2);
	if (4 + 8 * (size_t)n > len)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		rec = cmap + 4 + 8 * i;
		off = rd32(rec + 4);
		if (off > len - 2)
			continue;
		fmt = rd16(cmap + off);
		rank = cmap_rank(rd16(rec), rd16(rec + 2), fmt);
		if (rank > best_rank) {
			best_rank = rank;
			best = cmap + off;
			f->cmap_format = fmt;
		}
	}
	if (best == NULL)
		return -EINVAL;
	return check_subtable(f, best, len - (size_t)(best - cmap));
}

int
cert_ttf_open(struct cert_ttf *f, const uint8_t *buf, size_t len)
{
	int ret;

	memset(f, 0, sizeof(*f));
	f->buf = buf;
	f->len = len;
	if (buf == NULL || len > UINT32_MAX)
		return -EINVAL;
	if ((ret = read_directory(f)) != 0 || (ret = read_metrics(f)) != 0 ||
	    (ret = check_loca(f)) != 0 || (ret = read_cmap(f)) != 0)
		return ret;
	return 0;
}

static unsigned
lookup4(const struct cert_ttf *f, uint32_t cp)
{
	const uint8_t *s = f->cmap_sub;
	size_t seg = rd16(s + 6) / 2, i, at;
	unsigned start, delta, range, g;

	if (cp > 0xFFFF)
		return 0;
	for (i = 0; i < seg; i++)
		if (rd16(s + 14 + 2 * i) >= cp)
			break;
	if (i == seg)
		return 0;
	start = rd16(s + 16 + 2 * seg + 2 * i);
	delta = rd16(s + 16 + 4 * seg + 2 * i);
	range = rd16(s + 16 + 6 * seg + 2 * i);
	if (start > cp)
		return 0;
	if (range == 0)
		return (cp + delta) & 0xFFFF;
	at = 16 + 6 * seg + 2 * i + range + 2 * (size_t)(cp - start);
	if (at + 2 > f->cmap_sub_len)
		return 0;
	g = rd16(s + at);
	return g == 0 ? 0 : (g + delta) & 0xFFFF;
}

static unsigned
lookup12(const struct cert_ttf *f, uint32_t cp)
{
	const uint8_t *g;
	size_t lo = 0, hi = rd32(f->cmap_sub + 12), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		g = f->cmap_sub + 16 + 12 * mid;
		if (cp < rd32(g))
			hi = mid;
		else if (cp > rd32(g + 4))
			lo = mid + 1;
		else
			return rd32(g + 8) + (cp - rd32(g));
	}
	return 0;
}

unsigned
cert_ttf_lookup(const struct cert_ttf *f, uint32_t cp)
{
	unsigned gid;

	if (f->cmap_sub == NULL)
		return 0;
	gid = f->cmap_format == 4 ? lookup4(f, cp) : lookup12(f, cp);
	return gid < f->nglyphs ? gid : 0;
}

int
cert_ttf_glyph(const struct cert_ttf *f, unsigned gid, const uint8_t **data,
	       size_t *len)
{
	const uint8_t *loca = table(f, TAG_LOCA, 0, NULL);
	const uint8_t *glyf = table(f, TAG_GLYF, 0, NULL);
	size_t a, b;

	*data = NULL;
	*len = 0;
	if (loca == NULL || glyf == NULL || gid >= f->nglyphs)
		return -EINVAL;
	/* check_loca proved a <= b <= glyf's length. */
	a = loca_at(f, loca, gid);
	b = loca_at(f, loca, gid + 1);
	*data = glyf + a;
	*len = b - a;
	return 0;
}

/* ---- which glyphs to keep ------------------------------------------ */

/* Mark the components of a composite glyph; -EINVAL if malformed. */
static int
mark_components(const struct cert_ttf *f, unsigned gid, uint8_t *keep,
		unsigned *stack, size_t *top)
{
	const uint8_t *g;
	size_t len, pos = 10;
	unsigned flags, comp;

	if (cert_ttf_glyph(f, gid, &g, &len) != 0)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (len < 10)
		return -EINVAL;
	if ((int16_t)rd16(g) >= 0)
		return 0;
	do {
		if (pos + 4 > len)
			return -EINVAL;
		flags = rd16(g + pos);
		comp = rd16(g + pos + 2);
		pos += 4 + ((flags & ARGS_ARE_WORDS) ? 4 : 2);
		pos += (flags & HAVE_SCALE) ? 2 : (flags & HAVE_XY_SCALE) ? 4
				: (flags & HAVE_2X2) ? 8 : 0;
		if (comp >= f->nglyphs || pos > len)
			return -EINVAL;
		if (!keep[comp]) {
			keep[comp] = 1;
			stack[(*top)++] = comp;
		}
	} while (flags & MORE_COMPONENTS);
	return 0;
}

/* keep[gid] = 1 for glyph 0, the mapped code points and components. */
static int
mark_glyphs(const struct cert_ttf *f, const uint32_t *cps, size_t ncps,
	    uint8_t *keep)
{
	unsigned *stack, gid;
	size_t top = 0, i;
	int ret = 0;

	stack = calloc(f->nglyphs, sizeof(*stack));
	if (stack == NULL)
		return -ENOMEM;
	keep[0] = 1;
	stack[top++] = 0;
	for (i = 0; i < ncps; i++) {
		gid = cps[i] <= 0xFFFF ? cert_ttf_lookup(f, cps[i]) : 0;
		if (gid != 0 && !keep[gid]) {
			keep[gid] = 1;
			stack[top++] = gid;
		}
	}
	/* Every glyph enters the stack once, so top stays <= nglyphs. */
	while (top > 0 && ret == 0)
		ret = mark_components(f, stack[--top], keep, stack, &top);
	free(stack);
	return ret;
}

/* ---- new tables ---------------------------------------------------- */

struct blob {
	uint8_t *p;
	size_t len;
};

/* glyf with only the kept outlines, and a long-format loca for it. */
static int
build_glyf(const struct cert_ttf *f, const uint8_t *keep, struct blob *glyf,
	   struct blob *loca)
{
	const uint8_t *g;
	size_t total = 0, len, pos = 0;
	unsigned i;

	for (i = 0; i < f->nglyphs; i++)
		if (keep[i] && cert_ttf_glyph(f, i, &g, &len) == 0)
			total += (len + 3) & ~(size_t)3;
	if (total > UINT32_MAX)
		return -EINVAL;
	glyf->p = calloc(1, total + 4);
	loca->len = 4 * ((size_t)f->nglyphs + 1);
	loca->p = malloc(loca->len);
	if (glyf->p == NULL || loca->p == NULL)
		return -ENOMEM;
	for (i = 0; i < f->nglyphs; i++) {
		wr32(loca->p + 4 * i, (uint32_t)pos);
		if (!keep[i] || cert_ttf_glyph(f, i, &g, &len) != 0)
			continue;
		if (len > 0)
			memcpy(glyf->p + pos, g, len);
		pos += (len + 3) & ~(size_t)3;
	}
	wr32(loca->p + 4 * (size_t)f->nglyphs, (uint32_t)pos);
	glyf->len = pos;
	return 0;
}

struct map {
	uint32_t cp;
	unsigned gid;
};

static int
map_cmp(const void *a, const void *b)
{
	const struct map *x = a, *y = b;

	return x->cp < y->cp ? -1 : x->cp > y->cp;
}

/* Sorted, unique (code point, glyph) pairs of the BMP, 0xFFFF excluded. */
static size_t
collect_map(const struct cert_ttf *f, const uint32_t *cps, size_t ncps,
	    struct map *m)
{
	size_t i, n = 0, u = 0;

	for (i = 0; i < ncps; i++) {
		if (cps[i] >= 0xFFFF)
			continue;
		m[n].cp = cps[i];
		m[n].gid = cert_ttf_lookup(f, cps[i]);
		if (m[n].gid != 0)
			n++;
	}
	qsort(m, n, sizeof(*m), map_cmp);
	for (i = 0; i < n; i++)
		if (u == 0 || m[i].cp != m[u - 1].cp)
			m[u++] = m[i];
	return u;
}

/* Segments: runs of consecutive code points with consecutive glyphs. */
static size_t
count_segments(const struct map *m, size_t n)
{
	size_t i, seg = 1;	/* the final 0xFFFF segment */

	for (i = 0; i < n; i++)
		if (i == 0 || m[i].cp != m[i - 1].cp + 1 ||
		    m[i].gid != m[i - 1].gid + 1)
			seg++;
	return seg;
}

static unsigned
floor_log2(size_t n)
{
	unsigned k = 0;

	while ((size_t)2 << k <= n)
		k++;
	return k;
}

static void
write_segments(uint8_t *s, const struct map *m, size_t n, size_t seg)
{
	size_t i, k = 0;
	uint8_t *end = s + 14, *start = s + 16 + 2 * seg;
	uint8_t *delta = s + 16 + 4 * seg;

	for (i = 0; i < n; i++) {
		if (i > 0 && m[i].cp == m[i - 1].cp + 1 &&
		    m[i].gid == m[i - 1].gid + 1) {
			wr16(end + 2 * (k - 1), m[i].cp);
			continue;
		}
		wr16(end + 2 * k, m[i].cp);
		wr16(start + 2 * k, m[i].cp);
		wr16(delta + 2 * k, (m[i].gid - m[i].cp) & 0xFFFF);
		k++;
	}
	wr16(end + 2 * k, 0xFFFF);
	wr16(start + 2 * k, 0xFFFF);
	wr16(delta + 2 * k, 1);
	/* idRangeOffset[] stays zero: every segment maps by delta. */
}

/* A cmap with one (3, 1) format 4 subtable for the used code points. */
static int
build_cmap(const struct cert_ttf *f, const uint32_t *cps, size_t ncps,
	   struct blob *out)
{
	struct map *m;
	size_t n, seg, sublen;
	unsigned sr;

	m = calloc(ncps + 1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	n = collect_map(f, cps, ncps, m);
	seg = count_segments(m, n);
	sublen = 16 + 8 * seg;
	if (sublen > 0xFFFF) {
		free(m);
		return -E2BIG;
	}
	out->len = 12 + sublen;
	out->p = calloc(1, out->len);
	if (out->p == NULL) {
		free(m);
		return -ENOMEM;
	}
	wr16(out->p + 2, 1);		/* version 0, one subtable */
	wr16(out->p + 4, 3);		/* Windows */
	wr16(out->p + 6, 1);		/* Unicode BMP */
	wr32(out->p + 8, 12);
	sr = 2u << floor_log2(seg);
	wr16(out->p + 12, 4);
	wr16(out->p + 14, (unsigned)sublen);
	wr16(out->p + 18, (unsigned)(2 * seg));
	wr16(out->p + 20, sr);
	wr16(out->p + 22, floor_log2(seg));
	wr16(out->p + 24, (unsigned)(2 * seg - sr));
	write_segments(out->p + 12, m, n, seg);
	free(m);
	return 0;
}

/* hmtx with the side bearings of emptied glyphs zeroed. */
static int
build_hmtx(const struct cert_ttf *f, const uint8_t *keep, struct blob *out)
{
	const uint8_t *src = table(f, TAG_HMTX, 4, &out->len);
	unsigned i;
	size_t at;

	if (src == NULL)
		return -EINVAL;
	out->p = malloc(out->len);
	if (out->p == NULL)
		return -ENOMEM;
	memcpy(out->p, src, out->len);
	for (i = 0; i < f->nglyphs; i++) {
		if (keep[i])
			continue;
		at = i < f->nhmetrics ? 4 * (size_t)i + 2
				      : 4 * (size_t)f->nhmetrics +
						2 * (size_t)(i - f->nhmetrics);
		wr16(out->p + at, 0);
	}
	return 0;
}

static int
build_small(const struct cert_ttf *f, struct blob *head, struct blob *post)
{
	const uint8_t *src;

	src = table(f, TAG_HEAD, HEAD_MIN, &head->len);
	if (src == NULL || head->len < HEAD_MIN)
		return -EINVAL;
	head->p = malloc(head->len);
	if (head->p == NULL)
		return -ENOMEM;
	memcpy(head->p, src, head->len);
	wr16(head->p + HEAD_LOCFMT, 1);
	wr32(head->p + HEAD_ADJUST, 0);
	src = table(f, TAG_POST, POST_HEADER, NULL);
	if (src == NULL)
		return 0;
	/* Version 3.0: the same header, no glyph names. */
	post->len = POST_HEADER;
	post->p = malloc(post->len);
	if (post->p == NULL)
		return -ENOMEM;
	memcpy(post->p, src, POST_HEADER);
	wr32(post->p, 0x00030000);
	return 0;
}

/* ---- writing the font ---------------------------------------------- */

static uint32_t
checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	uint8_t last[4] = { 0 };
	size_t i;

	for (i = 0; i + 4 <= len; i += 4)
		sum += rd32(p + i);
	if (i < len) {
		memcpy(last, p + i, len - i);
		sum += rd32(last);
	}
	return sum;
}

struct out_table {
	uint32_t tag;
	const uint8_t *p;
	size_t len;
};

static int
tag_cmp(const void *a, const void *b)
{
	const struct out_table *x = a, *y = b;

	return x->tag < y->tag ? -1 : x->tag > y->tag;
}

static int
assemble(const struct cert_ttf *f, struct out_table *t, size_t n,
	 uint8_t **out, size_t *outlen)
{
	size_t total = 12 + 16 * n, i, pos;
	uint8_t *p, *head = NULL;
	unsigned k = floor_log2(n);

	qsort(t, n, sizeof(*t), tag_cmp);
	for (i = 0; i < n; i++)
		total += (t[i].len + 3) & ~(size_t)3;
	if (total > UINT32_MAX)
		return -EINVAL;
	p = calloc(1, total);
	if (p == NULL)
		return -ENOMEM;
	wr32(p, rd32(f->buf));
	wr16(p + 4, (unsigned)n);
	wr16(p + 6, 16u << k);
	wr16(p + 8, k);
	wr16(p + 10, (unsigned)(16 * n - (16u << k)));
	pos = 12 + 16 * n;
	for (i = 0; i < n; i++) {
		memcpy(p + pos, t[i].p, t[i].len);
		wr32(p + 12 + 16 * i, t[i].tag);
		wr32(p + 12 + 16 * i + 4, checksum(t[i].p, t[i].len));
		wr32(p + 12 + 16 * i + 8, (uint32_t)pos);
		wr32(p + 12 + 16 * i + 12, (uint32_t)t[i].len);
		if (t[i].tag == TAG_HEAD)
			head = p + pos;
		pos += (t[i].len + 3) & ~(size_t)3;
	}
	if (head != NULL)
		wr32(head + HEAD_ADJUST, CHECKSUM_MAGIC - checksum(p, total));
	*out = p;
	*outlen = total;
	return 0;
}

/* Tables copied as they are, when the font has them. */
static const uint32_t copied[] = {
	CERT_TTF_TAG('O', 'S', '/', '2'), CERT_TTF_TAG('c', 'v', 't', ' '),
	CERT_TTF_TAG('f', 'p', 'g', 'm'), TAG_HHEA,
	TAG_MAXP, CERT_TTF_TAG('n', 'a', 'm', 'e'),
	CERT_TTF_TAG('p', 'r', 'e', 'p'),
};

enum { B_GLYF, B_LOCA, B_CMAP, B_HMTX, B_HEAD, B_POST, B_COUNT };

static int
write_subset(const struct cert_ttf *f, struct blob *b, uint8_t **out,
	     size_t *outlen)
{
	static const uint32_t tags[B_COUNT] = { TAG_GLYF, TAG_LOCA, TAG_CMAP,
						TAG_HMTX, TAG_HEAD,
						TAG_POST };
	struct out_table t[B_COUNT + WC_ARRAY_SIZE(copied)];
	const struct cert_ttf_table *src;
	size_t n = 0, i;

	for (i = 0; i < B_COUNT; i++) {
		if (b[i].p == NULL)
			continue;
		t[n].tag = tags[i];
		t[n].p = b[i].p;
		t[n++].len = b[i].len;
	}
	for (i = 0; i < WC_ARRAY_SIZE(copied); i++) {
		src = cert_ttf_find(f, copied[i]);
		if (src == NULL)
			continue;
		t[n].tag = copied[i];
		t[n].p = f->buf + src->offset;
		t[n++].len = src->length;
	}
	return assemble(f, t, n, out, outlen);
}

int
cert_ttf_subset(const uint8_t *buf, size_t len, const uint32_t *cps,
		size_t ncps, uint8_t **out, size_t *outlen)
{
	struct blob b[B_COUNT];
	struct cert_ttf *f;
	uint8_t *keep = NULL;
	size_t i;
	int ret;

	*out = NULL;
	*outlen = 0;
	memset(b, 0, sizeof(b));
	f = malloc(sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	ret = cert_ttf_open(f, buf, len);
	if (ret != 0)
		goto out;
	keep = calloc(f->nglyphs, 1);
	ret = keep == NULL ? -ENOMEM : mark_glyphs(f, cps, ncps, keep);
	if (ret == 0)
		ret = build_glyf(f, keep, &b[B_GLYF], &b[B_LOCA]);
	if (ret == 0)
		ret = build_cmap(f, cps, ncps, &b[B_CMAP]);
	if (ret == 0)
		ret = build_hmtx(f, keep, &b[B_HMTX]);
	if (ret == 0)
		ret = build_small(f, &b[B_HEAD], &b[B_POST]);
	if (ret == 0)
		ret = write_subset(f, b, out, outlen);
out:
	for (i = 0; i < B_COUNT; i++)
		free(b[i].p);
	free(keep);
	free(f);
	return ret;
}

int
cert_ttf_verify_checksums(const uint8_t *buf, size_t len)
{
	struct cert_ttf *f;
	const struct cert_ttf_table *t;
	uint32_t sum, adjust;
	unsigned i;
	int ret = -EINVAL;

	f = malloc(sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	memset(f, 0, sizeof(*f));
	f->buf = buf;
	f->len = len;
	if (buf == NULL || len > UINT32_MAX || read_directory(f) != 0)
		goto out;
	t = cert_ttf_find(f, TAG_HEAD);
	if (t == NULL || t->length < HEAD_MIN)
		goto out;
	adjust = rd32(buf + t->offset + HEAD_ADJUST);
	for (i = 0; i < f->ntables; i++) {
		t = &f->tables[i];
		sum = checksum(buf + t->offset, t->length);
		if (t->tag == TAG_HEAD)
			sum -= adjust;
		if (sum != t->checksum)
			goto out;
	}
	if (checksum(buf, len) == CHECKSUM_MAGIC)
		ret = 0;
out:
	free(f);
	return ret;
}
