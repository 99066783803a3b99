/*
 * pdfcanvas.c - the canvas every document is drawn on (pdflayout.h):
 * the font, subset to the characters a first "collecting" pass noted;
 * text in lines broken by measured width (libharu breaks only at
 * spaces); boxes, seal boxes, tables whose header repeats on every page,
 * and "N枚中M枚目" once the page count is known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdflayout.h"
#include "certs/pdfmodel.h"

#define DEFAULT_FONT "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
#define FONT_MAX (64 * 1024 * 1024)
#define PAD 2.6
#define GRAY_EN 0.35
#define GRAY_LINE 0.55
#define GRAY_HEAD_BG 0.94
#define ELLIPSIS "…"

static void
on_error(HPDF_STATUS e, HPDF_STATUS detail, void *user)
{
	struct cert_canvas *cv = user;

	(void)detail;
	if (cv->hpdf_err == 0)
		cv->hpdf_err = e;
}

int
cert_cv_open(struct cert_canvas *cv, const char *font_path, int landscape,
	     unsigned max_pages)
{
	int ret;

	memset(cv, 0, sizeof(*cv));
	cv->landscape = landscape;
	cv->w = landscape ? CERT_A4_H : CERT_A4_W;
	cv->h = landscape ? CERT_A4_W : CERT_A4_H;
	cv->max_pages = max_pages ? max_pages : 1;
	cv->collecting = 1;
	cv->pages = calloc(cv->max_pages, sizeof(*cv->pages));
	if (cv->pages == NULL)
		return -ENOMEM;
	if (font_path == NULL || *font_path == '\0')
		font_path = DEFAULT_FONT;
	ret = wc_read_file(font_path, FONT_MAX, &cv->font_buf, &cv->font_len);
	if (ret != 0)
		return ret == -EFBIG ? -EINVAL : ret;
	return cert_ttf_open(&cv->font, (const uint8_t *)cv->font_buf,
			     cv->font_len);
}

int
cert_cv_start(struct cert_canvas *cv)
{
	const char *name;
	uint32_t cp;
	int ret;

	if (cv->err != 0)
		return cv->err;
	for (cp = 0x20; cp < 0x7F; cp++)
		cv->used[cp >> 3] |= (uint8_t)(1u << (cp & 7));
	cv->collecting = 0;
	cv->npages = 0;
	cv->pdf = HPDF_New(on_error, cv);
	if (cv->pdf == NULL)
		return -ENOMEM;
	HPDF_UseUTFEncodings(cv->pdf);
	HPDF_SetCompressionMode(cv->pdf, HPDF_COMP_ALL);
	ret = cert_pdf_load_font(cv->pdf, (const uint8_t *)cv->font_buf,
				 cv->font_len, cv->used, &name);
	if (ret != 0)
		return ret;
	cv->jp = HPDF_GetFont(cv->pdf, name, "UTF-8");
	cv->mono = HPDF_GetFont(cv->pdf, "Courier", NULL);
	if (cv->jp == NULL || cv->mono == NULL)
		return -EIO;
	return cert_pdf_tounicode(cv->pdf, cv->jp, cv->used);
}

void
cert_cv_release(struct cert_canvas *cv)
{
	if (cv == NULL)
		return;
	if (cv->pdf != NULL)
		HPDF_Free(cv->pdf);
	free(cv->font_buf);
	free(cv->pages);
	memset(cv, 0, sizeof(*cv));
}

int
cert_cv_add_page(struct cert_canvas *cv)
{
	HPDF_Page page;

	if (cv->collecting) {
		cv->npages++;
		return 0;
	}
	if (cv->err != 0)
		return cv->err;
	if (cv->npages >= cv->max_pages) {
		cv->err = -E2BIG;
		return cv->err;
	}
	page = HPDF_AddPage(cv->pdf);
	if (page == NULL) {
		cv->err = -EIO;
		return cv->err;
	}
	HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4,
			  cv->landscape ? HPDF_PAGE_LANDSCAPE
					: HPDF_PAGE_PORTRAIT);
	cv->pages[cv->npages++] = page;
	cv->page = page;
	return 0;
}

/* ---- text ---------------------------------------------------------- */

static void
collect(struct cert_canvas *cv, const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;

	while (i < n) {
		i += cert_utf8_next(s + i, n - i, &cp);
		if (cp <= 0xFFFF)
			cv->used[cp >> 3] |= (uint8_t)(1u << (cp & 7));
	}
}

/*
 * s[0..n) as it is shown, NUL-terminated in out: characters the font
 * lacks that have a plain form are replaced (IPAexGothic has no ⑴..⒇:
 * "第18条⑺" shows as "第18条(7)").  Truncated at a character boundary.
 */
static size_t
shown(struct cert_canvas *cv, HPDF_Font f, const char *s, size_t n,
      char *out, size_t cap)
{
	size_t i = 0, o = 0, k;
	char sub[8];
	uint32_t cp;

	while (i < n) {
		k = cert_utf8_next(s + i, n - i, &cp);
		if ((f == NULL || f != cv->mono) && cp >= 0x2474 &&
		    cp <= 0x2487 && cert_ttf_lookup(&cv->font, cp) == 0) {
			if (wc_fmt(sub, sizeof(sub), "(%u)", cp - 0x2473))
				break;
		} else {
			memcpy(sub, s + i, k);
			sub[k] = '\0';
		}
		if (o + strlen(sub) >= cap)
			break;
		memcpy(out + o, sub, strlen(sub));
		o += strlen(sub);
		i += k;
	}
	out[o] = '\0';
	return o;
}

double
cert_cv_width(struct cert_canvas *cv, HPDF_Font f, double size,
	      const char *s, size_t n)
{
	HPDF_TextWidth w;
	char buf[1024];

	n = shown(cv, f, s, n, buf, sizeof(buf));
	if (cv->collecting) {
		collect(cv, buf, n);
		return (double)n * size * 0.4;
	}
	w = HPDF_Font_TextWidth(f, (const HPDF_BYTE *)buf, (HPDF_UINT)n);
	return w.width * size / 1000.0;
}

void
cert_cv_put(struct cert_canvas *cv, HPDF_Font f, double size, double x,
	    double y, const char *s, size_t n, double gray)
{
	char buf[1024];

	n = shown(cv, f, s, n, buf, sizeof(buf));
	if (cv->collecting) {
		collect(cv, buf, n);
		return;
	}
	if (n == 0)
		return;		/* libharu shows junk for an empty string */
	HPDF_Page_SetGrayFill(cv->page, gray);
	HPDF_Page_BeginText(cv->page);
	HPDF_Page_SetFontAndSize(cv->page, f, size);
	HPDF_Page_TextOut(cv->page, x, y, buf);
	HPDF_Page_EndText(cv->page);
}

void
cert_cv_put_str(struct cert_canvas *cv, HPDF_Font f, double size, double x,
		double y, const char *s)
{
	cert_cv_put(cv, f, size, x, y, s, strlen(s), 0);
}

void
cert_cv_box(struct cert_canvas *cv, double x, double y, double w, double h,
	    double fill)
{
	if (cv->collecting)
		return;
	HPDF_Page_SetLineWidth(cv->page, 0.5);
	HPDF_Page_SetGrayStroke(cv->page, GRAY_LINE);
	if (fill < 1.0)
		HPDF_Page_SetGrayFill(cv->page, fill);
	HPDF_Page_Rectangle(cv->page, x, y, w, h);
	if (fill < 1.0)
		HPDF_Page_FillStroke(cv->page);
	else
		HPDF_Page_Stroke(cv->page);
}

void
cert_cv_frame(struct cert_canvas *cv, double x, double y, double w, double h)
{
	if (cv->collecting)
		return;
	HPDF_Page_SetLineWidth(cv->page, 1.6);
	HPDF_Page_SetGrayStroke(cv->page, 0);
	HPDF_Page_Rectangle(cv->page, x, y, w, h);
	HPDF_Page_Stroke(cv->page);
}

struct measure {
	struct cert_canvas *cv;
	HPDF_Font f;
	double size;
};

static double
measure(void *ctx, const char *s, size_t n)
{
	struct measure *m = ctx;

	return cert_cv_width(m->cv, m->f, m->size, s, n);
}

double
cert_cv_para_max(struct cert_canvas *cv, HPDF_Font f, double size, double x,
		 double ytop, double w, const char *text, int draw, int align,
		 double gray, int max_lines)
{
	struct cert_line lines[CERT_CV_MAX_LINES];
	double lead = size * CERT_CV_LEAD, dx, y;
	struct measure mc = { cv, f, size };
	int n, i, cut;

	if (max_lines <= 0 || max_lines > CERT_CV_MAX_LINES)
		max_lines = CERT_CV_MAX_LINES;
	n = cert_break_lines(text, w, measure, &mc, lines,
			     CERT_CV_MAX_LINES);
	if (n < 0) {
		cv->err = n;
		return 0;
	}
	cut = n > max_lines;
	if (cut)
		n = max_lines;
	for (i = 0; draw && i < n; i++) {
		dx = 0;
		if (align != 0)
			dx = w - cert_cv_width(cv, f, size, text + lines[i].off,
					       lines[i].len);
		if (align == 1)
			dx /= 2;
		y = ytop - size * 0.95 - i * lead;
		cert_cv_put(cv, f, size, x + dx, y, text + lines[i].off,
			    lines[i].len, gray);
		if (cut && i == n - 1)
			cert_cv_put(cv, cv->jp, size, x + dx +
				    cert_cv_width(cv, f, size,
						  text + lines[i].off,
						  lines[i].len),
				    y, ELLIPSIS, strlen(ELLIPSIS), gray);
	}
	return n * lead;
}

double
cert_cv_para(struct cert_canvas *cv, HPDF_Font f, double size, double x,
	     double ytop, double w, const char *text, int draw, int align,
	     double gray)
{
	return cert_cv_para_max(cv, f, size, x, ytop, w, text, draw, align,
				gray, CERT_CV_MAX_LINES);
}

void
cert_cv_seal(struct cert_canvas *cv, double x, double ytop, double size)
{
	double w;

	cert_cv_box(cv, x, ytop - size, size, size, 1.0);
	w = cert_cv_width(cv, cv->jp, 11, "印", strlen("印"));
	cert_cv_put(cv, cv->jp, 11, x + (size - w) / 2, ytop - size / 2 - 4,
		    "印", strlen("印"), 0.7);
}

static void
footer(struct cert_canvas *cv, double mx, const char *left,
       const char *right, unsigned no, unsigned total)
{
	char line[96];
	double w;

	cert_cv_put(cv, cv->jp, 6.5, mx, 26, left, strlen(left), GRAY_EN);
	w = cert_cv_width(cv, cv->mono, 6.5, right, strlen(right));
	cert_cv_put(cv, cv->mono, 6.5, cv->w - mx - w, 26, right,
		    strlen(right), GRAY_EN);
	if (total < 2)
		return;
	wc_fmt(line, sizeof(line), "%u枚中%u枚目 (page %u of %u)", total, no,
	       no, total);
	cert_cv_para(cv, cv->jp, 7.5, mx, 34, cv->w - 2 * mx, line, 1, 1, 0);
}

void
cert_cv_footers(struct cert_canvas *cv, double mx, const char *left,
		const char *right)
{
	unsigned i;

	if (cv->collecting) {
		cv->page = NULL;
		footer(cv, mx, left, right, 1, 2);
		return;
	}
	for (i = 0; i < cv->npages; i++) {
		cv->page = cv->pages[i];
		footer(cv, mx, left, right, i + 1, cv->npages);
	}
}

/* ---- the document -------------------------------------------------- */

void
cert_cv_info(struct cert_canvas *cv, const char *title, const char *creator,
	     time_t issued)
{
	struct cert_date t;
	HPDF_Date date;

	if (cv->pdf == NULL)
		return;
	HPDF_SetInfoAttr(cv->pdf, HPDF_INFO_TITLE, title);
	HPDF_SetInfoAttr(cv->pdf, HPDF_INFO_CREATOR, creator);
	if (issued <= 0 || cert_time_from_unix(issued, CERT_OFF_JST, &t))
		return;
	memset(&date, 0, sizeof(date));
	date.year = t.year;
	date.month = t.mon;
	date.day = t.day;
	date.hour = t.hour;
	date.minutes = t.min;
	date.seconds = t.sec;
	date.ind = '+';
	date.off_hour = 9;
	HPDF_SetInfoDateAttr(cv->pdf, HPDF_INFO_CREATION_DATE, date);
}

int
cert_cv_save(struct cert_canvas *cv, uint8_t **out, size_t *len)
{
	HPDF_UINT32 size, got = 0, n;
	HPDF_STATUS st;
	uint8_t *buf;

	*out = NULL;
	*len = 0;
	if (cv->err != 0)
		return cv->err;
	if (cv->pdf == NULL || cv->hpdf_err != 0 ||
	    HPDF_SaveToStream(cv->pdf) != HPDF_OK || cv->hpdf_err != 0)
		return -EIO;
	size = HPDF_GetStreamSize(cv->pdf);
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return -ENOMEM;
	HPDF_ResetStream(cv->pdf);
	while (got < size) {
		n = size - got;
		st = HPDF_ReadFromStream(cv->pdf, buf + got, &n);
		got += n;
		if (st == HPDF_STREAM_EOF)
			break;
		if (st != HPDF_OK || n == 0) {
			free(buf);
			return -EIO;
		}
	}
	*out = buf;
	*len = got;
	return 0;
}

/* ---- tables -------------------------------------------------------- */

static double
head_cell(struct cert_canvas *cv, const struct cert_table *t,
	  const struct cert_col *c, double x, double ytop, int draw)
{
	double h;

	h = cert_cv_para(cv, cv->jp, t->head_size, x + PAD, ytop - PAD,
			 c->w - 2 * PAD, c->ja, draw, 0, 0);
	if (c->en != NULL && *c->en != '\0')
		h += cert_cv_para(cv, cv->jp, t->head_size * 0.8, x + PAD,
				  ytop - PAD - h, c->w - 2 * PAD, c->en, draw,
				  0, GRAY_EN);
	return h;
}

static double
cell(struct cert_canvas *cv, const struct cert_table *t,
     const struct cert_col *c, const char *text, double x, double ytop,
     int draw)
{
	double size = c->mono ? t->size * 0.92 : t->size;

	return cert_cv_para_max(cv, c->mono ? cv->mono : cv->jp, size,
				x + PAD, ytop - PAD, c->w - 2 * PAD,
				text != NULL ? text : "", draw, 0, 0,
				t->max_lines);
}

double
cert_cv_table_head_h(struct cert_canvas *cv, const struct cert_table *t)
{
	double h = 0;
	size_t i;

	for (i = 0; i < t->ncols; i++)
		h = WC_MAX(h, head_cell(cv, t, &t->cols[i], 0, 0, 0));
	return h + 2 * PAD;
}

double
cert_cv_table_row_h(struct cert_canvas *cv, const struct cert_table *t,
		    const char *const *cells)
{
	double h = t->size * CERT_CV_LEAD;
	size_t i;

	for (i = 0; i < t->ncols; i++)
		h = WC_MAX(h, cell(cv, t, &t->cols[i], cells[i], 0, 0, 0));
	return h + 2 * PAD;
}

static void
draw_head(struct cert_canvas *cv, const struct cert_table *t, double *y)
{
	double h = cert_cv_table_head_h(cv, t), x = t->x;
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		cert_cv_box(cv, x, *y - h, t->cols[i].w, h, GRAY_HEAD_BG);
		head_cell(cv, t, &t->cols[i], x, *y, 1);
		x += t->cols[i].w;
	}
	*y -= h;
}

static void
draw_row(struct cert_canvas *cv, const struct cert_table *t,
	 const char *const *cells, double h, double *y)
{
	double x = t->x;
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		cert_cv_box(cv, x, *y - h, t->cols[i].w, h, t->fill);
		cell(cv, t, &t->cols[i], cells[i], x, *y, 1);
		x += t->cols[i].w;
	}
	*y -= h;
}

int
cert_cv_table(struct cert_canvas *cv, const struct cert_table *t,
	      const char *const *cells, size_t nrows, double *y)
{
	const char *const *row;
	double h;
	size_t r;
	int fresh = 1;

	/* The header never stays alone at the foot of a page. */
	if (nrows > 0 && t->new_page != NULL &&
	    *y - cert_cv_table_head_h(cv, t) -
			    cert_cv_table_row_h(cv, t, cells) < t->bottom)
		*y = t->new_page(t->ctx);
	draw_head(cv, t, y);
	for (r = 0; r < nrows && cv->err == 0; r++) {
		row = cells + r * t->ncols;
		h = cert_cv_table_row_h(cv, t, row);
		/* A row taller than a page is drawn anyway, not looped on. */
		if (*y - h < t->bottom && !fresh && t->new_page != NULL) {
			*y = t->new_page(t->ctx);
			draw_head(cv, t, y);
		}
		draw_row(cv, t, row, h, y);
		fresh = 0;
	}
	return cv->err;
}
