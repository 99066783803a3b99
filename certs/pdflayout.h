/*
 * pdflayout.h - private helpers of the certificate renderer: dates in
 * 和暦, times in the record's zone, the addressee's honorific, UTF-8
 * decoding and Japanese line breaking by measured width (pdflayout.c,
 * pure: buffers in, results out, nothing printed); and the canvas every
 * document is drawn on, with text, boxes, seal boxes, tables and page
 * numbers (pdfcanvas.c).
 */
#ifndef WIPECERT_CERTS_PDFLAYOUT_H
#define WIPECERT_CERTS_PDFLAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <hpdf.h>

#include "certs/ttfsubset.h"

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

/* ---- the canvas (pdfcanvas.c) ---------------------------------------
 *
 * A document is laid out twice by the same code: first "collecting",
 * which draws nothing and only notes every character shown (widths are
 * estimates then), so that the font can be subset before libharu sees
 * it; then, after cert_cv_start(), for real.  Errors are sticky in err:
 * drawing after one does nothing harmful, and cert_cv_save() reports it.
 */
#define CERT_A4_W 595.276
#define CERT_A4_H 841.89
#define CERT_CV_MAX_LINES 64	/* lines of one paragraph or cell */
#define CERT_CV_LEAD 1.32	/* line height / font size */

struct cert_canvas {
	HPDF_Doc pdf;
	HPDF_Font jp;			/* the subset Japanese font */
	HPDF_Font mono;			/* Courier, for hex digits */
	HPDF_Page page;			/* the page drawn on */
	HPDF_Page *pages;		/* every page so far */
	unsigned npages;
	unsigned max_pages;		/* one more: err = -E2BIG */
	double w, h;			/* page size in points */
	int landscape;
	int collecting;
	int err;			/* first error, -errno */
	HPDF_STATUS hpdf_err;		/* first libharu error */
	uint8_t used[8192];		/* BMP code points shown */
	char *font_buf;			/* the whole TrueType font */
	size_t font_len;
	struct cert_ttf font;		/* a view of it */
};

/*
 * Read the font (NULL or "": IPAexGothic's Debian path) and get ready
 * for the collecting pass: A4, landscape or not, at most max_pages
 * pages.  Returns 0, -ENOENT, -EINVAL (not a usable TrueType font) or
 * -ENOMEM.  Release with cert_cv_release() either way.
 */
int cert_cv_open(struct cert_canvas *cv, const char *font_path,
		 int landscape, unsigned max_pages);
/*
 * End the collecting pass: create the document, load the font subset
 * to the characters collected (and printable ASCII) and Courier.
 * Returns 0, -EINVAL, -ENOMEM or -EIO.
 */
int cert_cv_start(struct cert_canvas *cv);
void cert_cv_release(struct cert_canvas *cv);

/* A new page (counted only while collecting).  Returns 0 or cv->err. */
int cert_cv_add_page(struct cert_canvas *cv);

/* Width of s[0..n) in font f at size, in points, as it is shown. */
double cert_cv_width(struct cert_canvas *cv, HPDF_Font f, double size,
		     const char *s, size_t n);
/* One line of text, baseline at y; gray 0 black .. 1 white. */
void cert_cv_put(struct cert_canvas *cv, HPDF_Font f, double size, double x,
		 double y, const char *s, size_t n, double gray);
void cert_cv_put_str(struct cert_canvas *cv, HPDF_Font f, double size,
		     double x, double y, const char *s);
/* A rectangle, stroked gray, filled when fill < 1 (gray level). */
void cert_cv_box(struct cert_canvas *cv, double x, double y, double w,
		 double h, double fill);
/* A thick dark frame, for what a reader must not miss. */
void cert_cv_frame(struct cert_canvas *cv, double x, double y, double w,
		   double h);
/*
 * Text broken into lines of width w, the first line's top at ytop,
 * drawn only when draw is set; align 0 left, 1 centre, 2 right.  At
 * most CERT_CV_MAX_LINES lines.  Returns the height.
 */
double cert_cv_para(struct cert_canvas *cv, HPDF_Font f, double size,
		    double x, double ytop, double w, const char *text,
		    int draw, int align, double gray);
/* The same with at most max_lines lines, the last ending in "…". */
double cert_cv_para_max(struct cert_canvas *cv, HPDF_Font f, double size,
			double x, double ytop, double w, const char *text,
			int draw, int align, double gray, int max_lines);
/* A square seal box (印) of side size, its top-left corner at (x, ytop). */
void cert_cv_seal(struct cert_canvas *cv, double x, double ytop,
		  double size);
/*
 * Footers of every page: left text and a right-aligned Courier text at
 * margin mx, and "N枚中M枚目 (page M of N)" centred when there are two
 * pages or more.
 */
void cert_cv_footers(struct cert_canvas *cv, double mx, const char *left,
		     const char *right);
/* Title, creator and creation date (JST) of the document. */
void cert_cv_info(struct cert_canvas *cv, const char *title,
		  const char *creator, time_t issued);
/*
 * Write the document.  Returns 0 and a malloc'd PDF, cv->err, -EIO (a
 * libharu error) or -ENOMEM.
 */
int cert_cv_save(struct cert_canvas *cv, uint8_t **out, size_t *len);

/* ---- tables ---------------------------------------------------------- */

struct cert_col {
	double w;			/* width in points */
	const char *ja;			/* header, Japanese */
	const char *en;			/* header, English (may be NULL) */
	int mono;			/* cells in Courier (hex, ids) */
};

struct cert_table {
	const struct cert_col *cols;
	size_t ncols;
	double x;			/* left edge */
	double size;			/* cell font size */
	double head_size;		/* header font size */
	double bottom;			/* no row goes below this */
	int max_lines;			/* per cell; 0: CERT_CV_MAX_LINES */
	double fill;			/* row background, 1: none */
	/* Start a new page and return the y where the table goes on. */
	double (*new_page)(void *ctx);
	void *ctx;
};

/* Height of the header row and of one row of cells (ncols strings). */
double cert_cv_table_head_h(struct cert_canvas *cv,
			    const struct cert_table *t);
double cert_cv_table_row_h(struct cert_canvas *cv, const struct cert_table *t,
			   const char *const *cells);
/*
 * Draw the header row, then nrows rows of ncols cells each (row r's
 * cells at cells[r * ncols]); a row that does not fit above t->bottom
 * goes on a new page, under a repeated header.  *y is the top on entry
 * and the bottom on return.  Returns 0 or cv->err.
 */
int cert_cv_table(struct cert_canvas *cv, const struct cert_table *t,
		  const char *const *cells, size_t nrows, double *y);

#endif
