/*
 * test_certs_ttfsubset.c - the TrueType subsetter (certs/ttfsubset.c):
 * a small font built here from the OpenType table layouts, the real
 * IPAexGothic when it is installed, and malformed fonts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "certs/pdflayout.h"
#include "certs/ttfsubset.h"
#include "lib/lib.h"

#define IPAEX "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
#define TAG(s) CERT_TTF_TAG((s)[0], (s)[1], (s)[2], (s)[3])
#define NGLYPHS 6
#define NHMETRICS 4

/* ---- building a font ------------------------------------------------ */

struct buf {
	uint8_t p[4096];
	size_t len;
};

static void
put16(struct buf *b, unsigned v)
{
	b->p[b->len++] = (uint8_t)(v >> 8);
	b->p[b->len++] = (uint8_t)v;
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xFFFF);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* A simple glyph of one contour and one point; odd length on purpose. */
static void
simple_glyph(struct buf *b, int k)
{
	put16(b, 1);
	put16(b, (unsigned)k);
	put16(b, 0);
	put16(b, 100u + (unsigned)k);
	put16(b, 700);
	put16(b, 0);			/* endPtsOfContours[0] */
	put16(b, 0);			/* instructionLength */
	b->p[b->len++] = 0x01;		/* on curve, x and y as words */
	put16(b, (unsigned)(10 * k));
	put16(b, 20);
}

/* Glyph 3: glyph 1 at word offsets, then glyph 2 scaled (byte args). */
static void
composite_glyph(struct buf *b, unsigned second)
{
	put16(b, 0xFFFF);		/* numberOfContours -1 */
	put16(b, 0);
	put16(b, 0);
	put16(b, 900);
	put16(b, 700);
	put16(b, 0x0001 | 0x0020);	/* words, more components */
	put16(b, 1);
	put16(b, 5);
	put16(b, 6);
	put16(b, 0x0008);		/* a scale */
	put16(b, second);
	b->p[b->len++] = 3;
	b->p[b->len++] = 4;
	put16(b, 0x4000);
}

struct font_opts {
	int short_loca;
	unsigned second;		/* second component of glyph 3 */
};

static void
build_glyf(struct buf *glyf, struct buf *loca, const struct font_opts *o)
{
	size_t off[NGLYPHS + 1];
	int i;

	for (i = 0; i < NGLYPHS; i++) {
		off[i] = glyf->len;
		if (i == 3)
			composite_glyph(glyf, o->second);
		else
			simple_glyph(glyf, i);
		if (glyf->len % 2)
			glyf->p[glyf->len++] = 0;
	}
	off[NGLYPHS] = glyf->len;
	for (i = 0; i <= NGLYPHS; i++) {
		if (o->short_loca)
			put16(loca, (unsigned)(off[i] / 2));
		else
			put32(loca, (uint32_t)off[i]);
	}
}

/* (3,1) format 4: A-C → 1-3, Z → 5 through glyphIdArray, あ → 4;
 * (3,10) format 12: the same plus U+1F600 → 5. */
static void
build_cmap(struct buf *b)
{
	static const unsigned end[] = { 0x43, 0x5A, 0x3042, 0xFFFF };
	static const unsigned start[] = { 0x41, 0x5A, 0x3042, 0xFFFF };
	static const unsigned delta[] = { (1u - 0x41) & 0xFFFF, 0,
					  (4u - 0x3042) & 0xFFFF, 1 };
	static const uint32_t groups[][3] = {
		{ 0x41, 0x43, 1 }, { 0x5A, 0x5A, 5 }, { 0x3042, 0x3042, 4 },
		{ 0x1F600, 0x1F600, 5 },
	};
	unsigned i;

	put16(b, 0);
	put16(b, 2);
	put16(b, 3), put16(b, 1), put32(b, 20);
	put16(b, 3), put16(b, 10), put32(b, 20 + 16 + 8 * 4 + 2);
	put16(b, 4), put16(b, 16 + 8 * 4 + 2), put16(b, 0);
	put16(b, 8), put16(b, 8), put16(b, 2), put16(b, 0);
	for (i = 0; i < 4; i++)
		put16(b, end[i]);
	put16(b, 0);
	for (i = 0; i < 4; i++)
		put16(b, start[i]);
	for (i = 0; i < 4; i++)
		put16(b, delta[i]);
	for (i = 0; i < 4; i++)
		put16(b, i == 1 ? 6 : 0);	/* → glyphIdArray[0] */
	put16(b, 5);
	put16(b, 12), put16(b, 0), put32(b, 16 + 12 * 4), put32(b, 0);
	put32(b, 4);
	for (i = 0; i < 4; i++)
		put32(b, groups[i][0]), put32(b, groups[i][1]),
			put32(b, groups[i][2]);
}

static void
build_head(struct buf *b, int short_loca)
{
	int i;

	put32(b, 0x00010000);
	put32(b, 0x00010000);
	put32(b, 0);			/* checkSumAdjustment */
	put32(b, 0x5F0F3CF5);
	put16(b, 0);
	put16(b, 1000);			/* unitsPerEm */
	for (i = 0; i < 8; i++)
		put16(b, 0);		/* created, modified */
	put16(b, 0), put16(b, 0), put16(b, 900), put16(b, 700);
	put16(b, 0), put16(b, 8), put16(b, 2);
	put16(b, short_loca ? 0 : 1);
	put16(b, 0);
}

static void
build_metrics(struct buf *hhea, struct buf *hmtx, struct buf *maxp)
{
	int i;

	put32(hhea, 0x00010000);
	for (i = 0; i < 15; i++)
		put16(hhea, 0);
	put16(hhea, NHMETRICS);
	for (i = 0; i < NHMETRICS; i++)
		put16(hmtx, 500u + 100u * (unsigned)i), put16(hmtx, 7u + (unsigned)i);
	for (; i < NGLYPHS; i++)
		put16(hmtx, 30u + (unsigned)i);
	put32(maxp, 0x00005000);
	put16(maxp, NGLYPHS);
}

static void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
sum32(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < len; i += 4) {
		uint8_t w[4] = { 0 };

		memcpy(w, p + i, len - i < 4 ? len - i : 4);
		s += get32(w);
	}
	return s;
}

/* Assemble tables (given in tag order) into a font with checksums. */
static size_t
assemble(uint8_t *out, const char *const *tags, struct buf *const *t,
	 unsigned n)
{
	size_t pos = 12 + 16 * (size_t)n, head = 0;
	unsigned i;

	memset(out, 0, 16384);
	out[1] = 1;
	out[4] = 0, out[5] = (uint8_t)n;
	for (i = 0; i < n; i++) {
		uint8_t *r = out + 12 + 16 * i;

		memcpy(r, tags[i], 4);
		memcpy(out + pos, t[i]->p, t[i]->len);
		wr32(r + 4, sum32(t[i]->p, t[i]->len));
		wr32(r + 8, (uint32_t)pos);
		wr32(r + 12, (uint32_t)t[i]->len);
		if (memcmp(tags[i], "head", 4) == 0)
			head = pos;
		pos += (t[i]->len + 3) & ~(size_t)3;
	}
	wr32(out + head + 8, 0xB1B0AFBAu - sum32(out, pos));
	return pos;
}

/* The test font; returns its length in out (16 KiB). */
static size_t
build_font(uint8_t *out, const struct font_opts *o)
{
	static const char *const tags[] = {
		"GSUB", "OS/2", "cmap", "glyf", "head", "hhea",
		"hmtx", "loca", "maxp", "name", "post",
	};
	struct buf *b = calloc(11, sizeof(*b));
	struct buf *t[11];
	size_t len;
	int i;

	assert_non_null(b);
	for (i = 0; i < 11; i++)
		t[i] = &b[i];
	put32(&b[0], 0x00010000), put32(&b[0], 0x12345678);
	b[1].len = 78;			/* OS/2 version 0, fsType 0 */
	build_cmap(&b[2]);
	build_glyf(&b[3], &b[7], o);
	build_head(&b[4], o->short_loca);
	build_metrics(&b[5], &b[6], &b[8]);
	put16(&b[9], 0), put16(&b[9], 0), put16(&b[9], 6);
	put32(&b[10], 0x00020000);
	for (i = 0; i < 20; i++)
		put16(&b[10], (unsigned)i + 1);	/* header, then names */
	len = assemble(out, tags, t, 11);
	free(b);
	return len;
}

static size_t
default_font(uint8_t *out)
{
	struct font_opts o = { 0, 2 };

	return build_font(out, &o);
}

/* ---- checks --------------------------------------------------------- */

static const struct cert_ttf_table *
must_find(const struct cert_ttf *f, const char *tag)
{
	const struct cert_ttf_table *t = cert_ttf_find(f, TAG(tag));

	assert_non_null(t);
	return t;
}

/* Kept glyphs byte-identical (then zero padding), the others empty. */
static void
check_glyphs(const struct cert_ttf *src, const struct cert_ttf *sub,
	     const uint8_t *keep)
{
	const uint8_t *a, *b;
	size_t la, lb, i;
	unsigned g;

	assert_int_equal(sub->nglyphs, src->nglyphs);
	for (g = 0; g < src->nglyphs; g++) {
		assert_int_equal(cert_ttf_glyph(src, g, &a, &la), 0);
		assert_int_equal(cert_ttf_glyph(sub, g, &b, &lb), 0);
		if (!keep[g]) {
			assert_int_equal(lb, 0);
			continue;
		}
		/* Source glyphs may carry their own padding. */
		assert_true(lb >= la && lb < la + 4);
		assert_memory_equal(a, b, la);
		for (i = la; i < lb; i++)
			assert_int_equal(b[i], 0);
	}
}

static void
test_open_lookup(void **state)
{
	static uint8_t font[16384];
	struct cert_ttf f;
	size_t len = default_font(font);

	(void)state;
	assert_int_equal(cert_ttf_open(&f, font, len), 0);
	assert_int_equal(f.nglyphs, NGLYPHS);
	assert_int_equal(f.cmap_format, 12);
	assert_int_equal(cert_ttf_lookup(&f, 'A'), 1);
	assert_int_equal(cert_ttf_lookup(&f, 'C'), 3);
	assert_int_equal(cert_ttf_lookup(&f, 'Z'), 5);
	assert_int_equal(cert_ttf_lookup(&f, 0x3042), 4);
	assert_int_equal(cert_ttf_lookup(&f, 0x1F600), 5);
	assert_int_equal(cert_ttf_lookup(&f, 'q'), 0);
	assert_int_equal(cert_ttf_lookup(&f, 0x10FFFF), 0);
	assert_int_equal(cert_ttf_verify_checksums(font, len), 0);
}

static void
check_small_subset(const uint8_t *font, size_t len)
{
	static const uint32_t cps[] = { 'C', 0x3042, 0x3042, 'q', 0x1F600 };
	static const uint8_t keep[NGLYPHS] = { 1, 1, 1, 1, 1, 0 };
	struct cert_ttf src, sub;
	const struct cert_ttf_table *t;
	uint8_t *out;
	size_t outlen;

	assert_int_equal(cert_ttf_open(&src, font, len), 0);
	assert_int_equal(cert_ttf_subset(font, len, cps, 5, &out, &outlen), 0);
	assert_int_equal(cert_ttf_open(&sub, out, outlen), 0);
	assert_int_equal(cert_ttf_verify_checksums(out, outlen), 0);
	/* Glyph 3 is composite: its components 1 and 2 stay. */
	check_glyphs(&src, &sub, keep);
	assert_true(sub.long_loca);
	assert_int_equal(sub.cmap_format, 4);
	assert_int_equal(cert_ttf_lookup(&sub, 'C'), 3);
	assert_int_equal(cert_ttf_lookup(&sub, 0x3042), 4);
	assert_int_equal(cert_ttf_lookup(&sub, 'A'), 0);
	assert_int_equal(cert_ttf_lookup(&sub, 'Z'), 0);
	assert_null(cert_ttf_find(&sub, TAG("GSUB")));
	t = must_find(&sub, "post");
	assert_int_equal(t->length, 32);
	assert_int_equal(get32(out + t->offset), 0x00030000);
	must_find(&sub, "OS/2");
	must_find(&sub, "name");
	/* Advance widths stay; the emptied glyph's side bearing is 0. */
	t = must_find(&sub, "hmtx");
	assert_int_equal(get16(out + t->offset + 4 * 3), 800);
	assert_int_equal(get16(out + t->offset + 4 * 3 + 2), 10);
	assert_int_equal(get16(out + t->offset + 16), 34);	/* glyph 4 */
	assert_int_equal(get16(out + t->offset + 18), 0);	/* glyph 5 */
	free(out);
}

static void
test_subset(void **state)
{
	static uint8_t font[16384];
	struct font_opts o = { 1, 2 };
	size_t len;

	(void)state;
	check_small_subset(font, default_font(font));
	len = build_font(font, &o);
	check_small_subset(font, len);
}

static void
test_subset_nothing(void **state)
{
	static uint8_t font[16384];
	static const uint8_t keep[NGLYPHS] = { 1, 0, 0, 0, 0, 0 };
	struct cert_ttf src, sub;
	size_t len = default_font(font), outlen;
	uint8_t *out;

	(void)state;
	assert_int_equal(cert_ttf_subset(font, len, NULL, 0, &out, &outlen),
			 0);
	assert_int_equal(cert_ttf_open(&src, font, len), 0);
	assert_int_equal(cert_ttf_open(&sub, out, outlen), 0);
	check_glyphs(&src, &sub, keep);
	assert_int_equal(cert_ttf_lookup(&sub, 'A'), 0);
	free(out);
}

static void
test_real_font(void **state)
{
	const char *text = "データ消去証明書 練馬区長 殿 Certificate 0123";
	uint32_t cps[64], cp;
	struct cert_ttf src, sub;
	uint8_t *keep, *out;
	size_t len, outlen, n = 0, i = 0;
	char *font;

	(void)state;
	if (access(IPAEX, R_OK) != 0) {
		print_message("skipped: %s not installed\n", IPAEX);
		return;
	}
	assert_int_equal(wc_read_file(IPAEX, 64 << 20, &font, &len), 0);
	while (text[i] != '\0' && n < 64) {
		i += cert_utf8_next(text + i, strlen(text + i), &cp);
		cps[n++] = cp;
	}
	assert_int_equal(cert_ttf_open(&src, (uint8_t *)font, len), 0);
	assert_int_equal(cert_ttf_subset((uint8_t *)font, len, cps, n, &out,
					 &outlen), 0);
	assert_int_equal(cert_ttf_open(&sub, out, outlen), 0);
	assert_int_equal(cert_ttf_verify_checksums(out, outlen), 0);
	assert_true(outlen < len / 10);
	keep = calloc(src.nglyphs, 1);
	assert_non_null(keep);
	keep[0] = 1;
	for (i = 0; i < n; i++) {
		keep[cert_ttf_lookup(&src, cps[i])] = 1;
		assert_int_equal(cert_ttf_lookup(&sub, cps[i]),
				 cert_ttf_lookup(&src, cps[i]));
	}
	check_glyphs(&src, &sub, keep);
	free(keep);
	free(out);
	free(font);
}

/* ---- malformed fonts ------------------------------------------------- */

static int
subset_result(const uint8_t *font, size_t len)
{
	static const uint32_t cps[] = { 'A', 'C', 'Z', 0x3042 };
	uint8_t *out = NULL;
	size_t outlen;
	int ret;

	ret = cert_ttf_subset(font, len, cps, 4, &out, &outlen);
	if (ret == 0) {
		assert_non_null(out);
		assert_int_equal(cert_ttf_verify_checksums(out, outlen), 0);
	} else {
		assert_null(out);
	}
	free(out);
	return ret;
}

/* The offset of a table in the test font. */
static size_t
table_at(const uint8_t *font, const char *tag)
{
	unsigned i, n = get16(font + 4);

	for (i = 0; i < n; i++)
		if (memcmp(font + 12 + 16 * i, tag, 4) == 0)
			return get32(font + 12 + 16 * i + 8);
	fail();
	return 0;
}

static void
test_truncated(void **state)
{
	static uint8_t font[16384];
	size_t len = default_font(font), cut, glyf_end;
	uint8_t *copy;
	int ret;

	(void)state;
	glyf_end = table_at(font, "glyf");
	for (cut = 0; cut < len; cut++) {
		/* An exact-size copy, so ASan sees any read past the end. */
		copy = malloc(cut ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, font, cut);
		ret = subset_result(copy, cut);
		if (cut < glyf_end)
			assert_int_equal(ret, -EINVAL);
		free(copy);
	}
	assert_int_equal(subset_result(NULL, 0), -EINVAL);
}

static void
set16(uint8_t *font, const char *tag, size_t off, unsigned value)
{
	size_t at = table_at(font, tag) + off;

	font[at] = (uint8_t)(value >> 8);
	font[at + 1] = (uint8_t)value;
}

/* Change the 16-bit value at table + off and expect -EINVAL. */
static void
expect_bad16(const char *tag, size_t off, unsigned value)
{
	static uint8_t font[16384];
	size_t len = default_font(font);

	set16(font, tag, off, value);
	assert_int_equal(subset_result(font, len), -EINVAL);
}

/* cmap: records at 4 and 12 (platform, encoding, offset), format 4 at
 * 20, format 12 at 70. */
static void
test_bad_cmap(void **state)
{
	static uint8_t font[16384];
	size_t len;

	(void)state;
	expect_bad16("cmap", 2, 0x7FFF);	/* more records than bytes */
	len = default_font(font);		/* no Unicode subtable */
	set16(font, "cmap", 4, 1);
	set16(font, "cmap", 12, 1);
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);		/* odd segCountX2 */
	set16(font, "cmap", 12, 1);
	set16(font, "cmap", 20 + 6, 7);
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);		/* segments past the end */
	set16(font, "cmap", 12, 1);
	set16(font, "cmap", 20 + 6, 0x7FFE);
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);		/* subtable past the cmap */
	set16(font, "cmap", 12, 1);
	set16(font, "cmap", 8, 0x7FFF);
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);		/* too many format 12 groups */
	set16(font, "cmap", 70 + 12, 0x00FF);
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);		/* glyphIdArray index past it */
	set16(font, "cmap", 12, 1);
	set16(font, "cmap", 20 + 16 + 6 * 4 + 2, 0x7000);
	assert_int_equal(subset_result(font, len), 0);
}

static void
test_malformed(void **state)
{
	static uint8_t font[16384];
	size_t len;

	(void)state;
	expect_bad16("head", 12, 0x1234);	/* magic */
	expect_bad16("head", 18, 0);		/* unitsPerEm */
	expect_bad16("head", 50, 7);		/* indexToLocFormat */
	expect_bad16("maxp", 4, 0);		/* numGlyphs */
	expect_bad16("maxp", 4, 200);		/* beyond loca and hmtx */
	expect_bad16("hhea", 34, NGLYPHS + 1);	/* numberOfHMetrics */
	expect_bad16("hhea", 34, 0);
	expect_bad16("loca", 4 * 2 + 2, 0);	/* loca[2] < loca[1] */
	expect_bad16("loca", 4 * NGLYPHS, 0x7FFF);	/* past glyf */
	/* the table directory */
	len = default_font(font);
	font[5] = 0;				/* numTables 0 */
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);
	font[5] = 200;
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);
	font[0] = 'O';				/* a CFF font */
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);
	wr32(font + 12 + 8, 0xFFFFFFF0u);	/* offset past the end */
	assert_int_equal(subset_result(font, len), -EINVAL);
	len = default_font(font);
	memcpy(font + 12 + 16, "GSUB", 4);	/* the same tag twice */
	assert_int_equal(subset_result(font, len), -EINVAL);
}

static void
test_bad_composite(void **state)
{
	static uint8_t font[16384];
	struct font_opts o = { 0, NGLYPHS };	/* component out of range */
	static const uint32_t other[] = { 'A', 0x3042 };
	size_t len = build_font(font, &o), outlen;
	uint8_t *out;

	(void)state;
	assert_int_equal(subset_result(font, len), -EINVAL);
	/* Not used, the broken composite does not matter. */
	assert_int_equal(cert_ttf_subset(font, len, other, 2, &out, &outlen),
			 0);
	free(out);
}

static void
test_random_damage(void **state)
{
	static uint8_t font[16384];
	size_t len = default_font(font), i;
	uint8_t *copy = malloc(len);
	unsigned seed = 42, k, n;
	struct cert_ttf f;

	(void)state;
	assert_non_null(copy);
	for (i = 0; i < 3000; i++) {
		memcpy(copy, font, len);
		seed = seed * 1103515245u + 12345u;
		n = 1 + (seed >> 16) % 4;
		for (k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] ^= (uint8_t)(1u << (seed % 8));
		}
		if (cert_ttf_open(&f, copy, len) == 0)
			cert_ttf_lookup(&f, 'C');
		subset_result(copy, len);
	}
	free(copy);
}

static void
test_checksums(void **state)
{
	static uint8_t font[16384];
	size_t len = default_font(font), glyf = table_at(font, "glyf");

	(void)state;
	assert_int_equal(cert_ttf_verify_checksums(font, len), 0);
	font[glyf + 3] ^= 1;
	assert_int_equal(cert_ttf_verify_checksums(font, len), -EINVAL);
	len = default_font(font);
	font[table_at(font, "head") + 8] ^= 1;	/* checkSumAdjustment */
	assert_int_equal(cert_ttf_verify_checksums(font, len), -EINVAL);
	assert_int_equal(cert_ttf_verify_checksums(font, 10), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_lookup),
		cmocka_unit_test(test_subset),
		cmocka_unit_test(test_subset_nothing),
		cmocka_unit_test(test_real_font),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bad_cmap),
		cmocka_unit_test(test_bad_composite),
		cmocka_unit_test(test_random_damage),
		cmocka_unit_test(test_checksums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
