/*
 * pdftest.h - what the tests of rendered documents share: is the font
 * there, every Flate stream of a PDF inflated into one buffer, and text
 * looked for as the renderer writes it (UTF-16 hex strings, "<...> Tj",
 * the font's codes being the characters' UTF-16 values), one line of
 * text at a time.  Included by tests/test_certs_{destroy,report,ledger}.c
 * after cmocka.h; everything here is static.
 */
#ifndef WIPECERT_TESTS_PDFTEST_H
#define WIPECERT_TESTS_PDFTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "certs/pdflayout.h"

#define PT_UNUSED __attribute__((unused))
#define PT_FONT "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"

PT_UNUSED static int
pt_have_font(void)
{
	if (access(PT_FONT, R_OK) == 0)
		return 1;
	print_message("skipped: %s not installed\n", PT_FONT);
	return 0;
}

/* Inflate the stream at p into b (appended); 0 when it is not Flate. */
static int
pt_inflate(const uint8_t *p, size_t avail, char **b, size_t *len,
	   size_t *cap)
{
	z_stream z;
	int ret;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return 0;
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)(avail > UINT32_MAX ? UINT32_MAX : avail);
	do {
		if (*cap - *len < 65536) {
			*cap = *cap * 2 + 65536;
			*b = realloc(*b, *cap);
			assert_non_null(*b);
		}
		z.next_out = (Bytef *)*b + *len;
		z.avail_out = (uInt)(*cap - *len);
		ret = inflate(&z, Z_NO_FLUSH);
		*len = *cap - z.avail_out;
	} while (ret == Z_OK);
	inflateEnd(&z);
	return ret == Z_STREAM_END;
}

/* Every Flate stream of pdf, inflated, one after another (malloc'd). */
PT_UNUSED static char *
pt_streams(const uint8_t *pdf, size_t len, size_t *out_len)
{
	const uint8_t *s = pdf, *end = pdf + len;
	size_t n = 0, cap = 0, before;
	char *b = NULL;

	while ((s = memmem(s, (size_t)(end - s), "stream\r\n", 8)) != NULL) {
		s += 8;
		before = n;
		if (!pt_inflate(s, (size_t)(end - s), &b, &n, &cap))
			n = before;
	}
	*out_len = n;
	return b;
}

/* utf8 as the renderer writes it: uppercase UTF-16BE hex digits. */
PT_UNUSED static void
pt_hex(const char *utf8, char *out, size_t cap)
{
	size_t i = 0, o = 0, n = strlen(utf8);
	uint32_t cp;

	while (i < n && o + 5 < cap) {
		i += cert_utf8_next(utf8 + i, n - i, &cp);
		snprintf(out + o, cap - o, "%04X", (unsigned)(cp & 0xFFFF));
		o += 4;
	}
	out[o] = '\0';
}

/* How often text is shown (within one line of text) in the streams. */
PT_UNUSED static int
pt_count(const char *streams, size_t len, const char *utf8)
{
	char hex[1024];
	const char *p = streams, *end = streams + len;
	int n = 0;

	pt_hex(utf8, hex, sizeof(hex));
	while ((p = memmem(p, (size_t)(end - p), hex, strlen(hex))) != NULL) {
		n++;
		p += strlen(hex);
	}
	return n;
}

PT_UNUSED static int
pt_has(const char *streams, size_t len, const char *utf8)
{
	return pt_count(streams, len, utf8) > 0;
}

/* The number of pages libharu wrote (objects of /Type /Page). */
PT_UNUSED static int
pt_pages(const uint8_t *pdf, size_t len)
{
	const uint8_t *p = pdf, *end = pdf + len;
	int n = 0;

	while ((p = memmem(p, (size_t)(end - p), "/Type /Page\n", 12))) {
		n++;
		p += 12;
	}
	return n;
}

#endif
