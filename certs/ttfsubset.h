/*
 * ttfsubset.h - a TrueType subsetter for the certificate font (private
 * to certs/).
 *
 * libharu 2.3.0 copies the font's cmap and post tables whole into every
 * PDF (about 360 KB for IPAexGothic) and must parse the 6 MB font on
 * each run.  Handing it a subset instead keeps certificates small and
 * fast: glyph ids stay as they are, the outlines of glyphs the document
 * does not use are emptied, the cmap maps only the characters used, the
 * post table loses its glyph names, and the tables libharu never embeds
 * are dropped.
 *
 * The font file is untrusted input: every offset and length is checked
 * against the buffer before it is read.
 */
#ifndef WIPECERT_CERTS_TTFSUBSET_H
#define WIPECERT_CERTS_TTFSUBSET_H

#include <stddef.h>
#include <stdint.h>

#define CERT_TTF_MAX_TABLES 64

struct cert_ttf_table {
	uint32_t tag;
	uint32_t checksum;
	uint32_t offset;
	uint32_t length;
};

/* A checked view of a font in the caller's buffer (nothing owned). */
struct cert_ttf {
	const uint8_t *buf;
	size_t len;
	unsigned ntables;
	struct cert_ttf_table tables[CERT_TTF_MAX_TABLES];
	unsigned nglyphs;
	unsigned nhmetrics;
	int long_loca;		/* head.indexToLocFormat == 1 */
	const uint8_t *cmap_sub;	/* the Unicode subtable used */
	size_t cmap_sub_len;
	unsigned cmap_format;	/* 4 or 12 */
};

#define CERT_TTF_TAG(a, b, c, d)                                            \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 |   \
	 (uint32_t)(d))

/*
 * Check the table directory, head, maxp, hhea, hmtx, loca (monotonic,
 * inside glyf) and the Unicode cmap subtable (format 4 or 12).  Returns
 * 0 or -EINVAL.
 */
int cert_ttf_open(struct cert_ttf *f, const uint8_t *buf, size_t len);

/* The table with this tag, or NULL. */
const struct cert_ttf_table *cert_ttf_find(const struct cert_ttf *f,
					   uint32_t tag);

/* The glyph id of a code point through the font's cmap; 0 if none. */
unsigned cert_ttf_lookup(const struct cert_ttf *f, uint32_t cp);

/*
 * The outline bytes of a glyph (empty for a glyph without outline).
 * Returns 0 or -EINVAL (gid out of range).
 */
int cert_ttf_glyph(const struct cert_ttf *f, unsigned gid,
		   const uint8_t **data, size_t *len);

/*
 * Subset a font for the given code points (any order, duplicates and
 * unmapped ones allowed; those above U+FFFF are ignored because
 * libharu reads only a format 4 cmap).  Glyph 0 and the components of
 * kept composite glyphs are kept.  Returns 0 and a malloc'd font in
 * *out, -EINVAL (malformed font), -E2BIG (too many code points for
 * one cmap subtable) or -ENOMEM.
 */
int cert_ttf_subset(const uint8_t *buf, size_t len, const uint32_t *cps,
		    size_t ncps, uint8_t **out, size_t *outlen);

/*
 * Check every table checksum and head.checkSumAdjustment.  Returns 0 or
 * -EINVAL.
 */
int cert_ttf_verify_checksums(const uint8_t *buf, size_t len);

#endif
