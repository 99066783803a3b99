/*
 * pdf.c - lay out and write a certificate with libharu (DESIGN §7).
 *
 * The layout runs twice over the same code: first "collecting", which
 * only notes every character the page will show, so that the font can
 * be subset before libharu sees it; then for real.  Text is broken into
 * lines here (libharu breaks only at spaces), pages flow as the rows
 * need, and "N枚中M枚目" is added once the page count is known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdflayout.h"
#include "certs/pdfmodel.h"
#include "certs/ttfsubset.h"

#define DEFAULT_FONT "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
#define FONT_MAX (64 * 1024 * 1024)

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MX 42.0			/* left and right margins */
#define CW (PAGE_W - 2 * MX)	/* content width */
#define TOP 812.0
#define BOTTOM 48.0
#define LABEL_W 148.0
#define PAD 2.6
#define SEAL 42.0
#define QR_SIZE 92.0
#define MAX_PAGES 16
#define MAX_LINES 64

#define SZ_VALUE 8.2
#define SZ_LABEL 7.8
#define SZ_LABEL_EN 6.2
#define SZ_MONO 7.6
#define GRAY_EN 0.35
#define GRAY_LINE 0.55
#define GRAY_LABEL_BG 0.94
#define GRAY_SECTION_BG 0.85

struct draw {
	HPDF_Doc pdf;
	HPDF_Font jp;
	HPDF_Font mono;
	HPDF_Page page;
	HPDF_Page pages[MAX_PAGES];
	HPDF_Image qr;
	unsigned npages;
	unsigned section;
	double y;
	int collecting;
	int err;
	HPDF_STATUS hpdf_err;
	const struct cert_model *m;
	uint8_t used[8192];	/* BMP code points shown */
	char *font_buf;		/* the whole TrueType font */
	size_t font_len;
	struct cert_ttf font;	/* a view of it, to know what it lacks */
};

struct measure {
	struct draw *d;
	HPDF_Font font;
	double size;
};

static void
on_error(HPDF_STATUS e, HPDF_STATUS detail, void *user)
{
	struct draw *d = user;

	(void)detail;
	if (d->hpdf_err == 0)
		d->hpdf_err = e;
}

static void
collect(struct draw *d, const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;

	while (i < n) {
		i += cert_utf8_next(s + i, n - i, &cp);
		if (cp <= 0xFFFF)
			d->used[cp >> 3] |= (uint8_t)(1u << (cp & 7));
	}
}

/*
 * s[0..n) as it is shown, NUL-terminated in out: characters the font
 * lacks that have a plain form are replaced (IPAexGothic has no ⑴..⒇:
 * "第18条⑺" shows as "第18条(7)").  Truncated at a character boundary.
 */
static size_t
shown(struct draw *d, HPDF_Font f, const char *s, size_t n, char *out,
      size_t cap)
{
	size_t i = 0, o = 0, k;
	char sub[8];
	uint32_t cp;

	while (i < n) {
		k = cert_utf8_next(s + i, n - i, &cp);
		if ((f == NULL || f != d->mono) && cp >= 0x2474 &&
		    cp <= 0x2487 &&
		    cert_ttf_lookup(&d->font, cp) == 0) {
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

static double
width(struct draw *d, HPDF_Font f, double size, const char *s, size_t n)
{
	HPDF_TextWidth w;
	char buf[1024];

	n = shown(d, f, s, n, buf, sizeof(buf));
	if (d->collecting) {
		collect(d, buf, n);
		return (double)n * size * 0.4;
	}
	w = HPDF_Font_TextWidth(f, (const HPDF_BYTE *)buf, (HPDF_UINT)n);
	return w.width * size / 1000.0;
}

static double
measure_cb(void *ctx, const char *s, size_t n)
{
	struct measure *m = ctx;

	return width(m->d, m->font, m->size, s, n);
}

static void
put(struct draw *d, HPDF_Font f, double size, double x, double y,
    const char *s, size_t n, double gray)
{
	char buf[1024];

	n = shown(d, f, s, n, buf, sizeof(buf));
	if (d->collecting) {
		collect(d, buf, n);
		return;
	}
	HPDF_Page_SetGrayFill(d->page, gray);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, f, size);
	HPDF_Page_TextOut(d->page, x, y, buf);
	HPDF_Page_EndText(d->page);
}

static void
put_str(struct draw *d, HPDF_Font f, double size, double x, double y,
	const char *s)
{
	put(d, f, size, x, y, s, strlen(s), 0);
}

static void
box(struct draw *d, double x, double y, double w, double h, double fill)
{
	if (d->collecting)
		return;
	HPDF_Page_SetLineWidth(d->page, 0.5);
	HPDF_Page_SetGrayStroke(d->page, GRAY_LINE);
	if (fill < 1.0)
		HPDF_Page_SetGrayFill(d->page, fill);
	HPDF_Page_Rectangle(d->page, x, y, w, h);
	if (fill < 1.0)
		HPDF_Page_FillStroke(d->page);
	else
		HPDF_Page_Stroke(d->page);
}

/*
 * Text broken into lines of width w, first line's top at ytop; drawn
 * only when draw is set.  align: 0 left, 1 centre, 2 right.  Returns
 * the height.
 */
static double
para(struct draw *d, HPDF_Font f, double size, double x, double ytop,
     double w, const char *text, int draw, int align, double gray)
{
	struct measure mc = { d, f, size };
	struct cert_line lines[MAX_LINES];
	double lead = size * 1.32, dx;
	int n, i;

	n = cert_break_lines(text, w, measure_cb, &mc, lines, MAX_LINES);
	if (n < 0) {
		d->err = n;
		return 0;
	}
	if (n > MAX_LINES)
		n = MAX_LINES;
	for (i = 0; draw && i < n; i++) {
		dx = 0;
		if (align != 0)
			dx = w - width(d, f, size, text + lines[i].off,
				       lines[i].len);
		if (align == 1)
			dx /= 2;
		put(d, f, size, x + dx, ytop - size * 0.95 - i * lead,
		    text + lines[i].off, lines[i].len, gray);
	}
	return n * lead;
}

/* ---- pages --------------------------------------------------------- */

static void
new_page(struct draw *d)
{
	const struct cert_model *m = d->m;
	char line[160];

	d->y = TOP;
	if (d->collecting) {
		d->npages++;
	} else if (d->npages >= MAX_PAGES) {
		d->err = -E2BIG;
		return;
	} else {
		d->page = HPDF_AddPage(d->pdf);
		if (d->page == NULL) {
			d->err = -EIO;
			return;
		}
		HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4,
				  HPDF_PAGE_PORTRAIT);
		d->pages[d->npages++] = d->page;
	}
	if (d->npages > 1 || d->collecting) {
		wc_fmt(line, sizeof(line), "%s (続き) %s (continued)",
		       m->title_ja, m->title_en);
		para(d, d->jp, 8, MX, d->y, CW, line, 1, 0, GRAY_EN);
		if (d->npages > 1)
			d->y -= 20;
	}
}

static void
need(struct draw *d, double h)
{
	if (d->y - h < BOTTOM)
		new_page(d);
}

static void
footer(struct draw *d, HPDF_Page page, unsigned no, unsigned total)
{
	const struct cert_model *m = d->m;
	char line[96];
	double w;

	d->page = page;
	put(d, d->jp, 6.5, MX, 26, m->footer, strlen(m->footer), GRAY_EN);
	w = width(d, d->mono, 6.5, m->id, strlen(m->id));
	put(d, d->mono, 6.5, PAGE_W - MX - w, 26, m->id, strlen(m->id),
	    GRAY_EN);
	if (total < 2)
		return;
	wc_fmt(line, sizeof(line), "%u枚中%u枚目 (page %u of %u)", total, no,
	       no, total);
	para(d, d->jp, 7.5, MX, 34, CW, line, 1, 1, 0);
}

static void
footers(struct draw *d)
{
	unsigned i;

	if (d->collecting) {
		footer(d, NULL, 1, 2);
		return;
	}
	for (i = 0; i < d->npages; i++)
		footer(d, d->pages[i], i + 1, d->npages);
}

/* ---- the top of the first page -------------------------------------- */

/* Right-aligned "label value" pair, value in font vf. */
static void
right_pair(struct draw *d, double y, const char *label, HPDF_Font vf,
	   const char *value)
{
	double wl = width(d, d->jp, 8, label, strlen(label));
	double wv = width(d, vf, 8, value, strlen(value));
	double x = PAGE_W - MX - wl - wv;

	put_str(d, d->jp, 8, x, y, label);
	put_str(d, vf, 8, x + wl, y, value);
}

static void
seal_box(struct draw *d, double x, double ytop, double size)
{
	double w;

	box(d, x, ytop - size, size, size, 1.0);
	w = width(d, d->jp, 11, "印", strlen("印"));
	put(d, d->jp, 11, x + (size - w) / 2, ytop - size / 2 - 4, "印",
	    strlen("印"), 0.7);
}

/* The addressee, underlined; returns the height. */
static double
addressee(struct draw *d, double ytop)
{
	const char *a = d->m->addressee;
	double w = width(d, d->jp, 13, a, strlen(a)), h;

	h = para(d, d->jp, 13, MX, ytop, 250, a, 1, 0, 0);
	if (d->collecting)
		return h;
	HPDF_Page_SetLineWidth(d->page, 0.6);
	HPDF_Page_SetGrayStroke(d->page, 0);
	HPDF_Page_MoveTo(d->page, MX, ytop - h - 1);
	HPDF_Page_LineTo(d->page, MX + WC_MIN(w, 250.0) + 8, ytop - h - 1);
	HPDF_Page_Stroke(d->page);
	return h + 1;
}

/* Address, company, representative and the company seal. */
static double
issuer(struct draw *d, double ytop)
{
	const struct cert_model *m = d->m;
	double x = 318, w = PAGE_W - MX - SEAL - 8 - x, y = ytop;

	y -= para(d, d->jp, 7.8, x, y, w, m->issuer_address, 1, 0, 0) + 2;
	y -= para(d, d->jp, 10.5, x, y, w, m->issuer_company, 1, 0, 0) + 2;
	y -= para(d, d->jp, 8.5, x, y, w, m->issuer_representative, 1, 0, 0);
	seal_box(d, PAGE_W - MX - SEAL, ytop, SEAL);
	return WC_MAX(ytop - y, SEAL);
}

static void
head(struct draw *d)
{
	const struct cert_model *m = d->m;
	double y = d->y, ya, yi;

	right_pair(d, y - 8, "証明書番号 Certificate No. ", d->mono, m->id);
	right_pair(d, y - 20, "発行日 Date of issue: ", d->jp, m->issue_date);
	ya = y - 36 - addressee(d, y - 36);
	yi = y - 64 - issuer(d, y - 64);
	y = WC_MIN(ya, yi) - 22;
	y -= para(d, d->jp, 19, MX, y, CW, m->title_ja, 1, 1, 0) + 2;
	y -= para(d, d->jp, 10, MX, y, CW, m->title_en, 1, 1, 0) + 14;
	y -= para(d, d->jp, 9.5, MX, y, CW, m->body_ja, 1, 0, 0) + 1;
	y -= para(d, d->jp, 8, MX, y, CW, m->body_en, 1, 0, GRAY_EN) + 8;
	y -= para(d, d->jp, 11, MX, y, CW, "記", 1, 1, 0) + 8;
	d->y = y;
}

/* ---- rows ---------------------------------------------------------- */

/* "ja en" on one line when it fits, else en below ja. */
static double
label_cell(struct draw *d, const struct cert_row *r, double ytop, int draw)
{
	double w = LABEL_W - 2 * PAD, h, wj, we;

	wj = width(d, d->jp, SZ_LABEL, r->ja, strlen(r->ja)) + 4;
	we = width(d, d->jp, SZ_LABEL_EN, r->en, strlen(r->en));
	if (wj + we <= w) {
		if (draw) {
			put_str(d, d->jp, SZ_LABEL, MX + PAD,
				ytop - PAD - SZ_LABEL * 0.95, r->ja);
			put(d, d->jp, SZ_LABEL_EN, MX + PAD + wj,
			    ytop - PAD - SZ_LABEL * 0.95, r->en,
			    strlen(r->en), GRAY_EN);
		}
		return SZ_LABEL * 1.32;
	}
	h = para(d, d->jp, SZ_LABEL, MX + PAD, ytop - PAD, w, r->ja, draw, 0,
		 0);
	h += para(d, d->jp, SZ_LABEL_EN, MX + PAD, ytop - PAD - h, w, r->en,
		  draw, 0, GRAY_EN);
	return h;
}

static double
value_cell(struct draw *d, const struct cert_row *r, double ytop, int draw)
{
	double x = MX + LABEL_W + PAD, w = CW - LABEL_W - 2 * PAD;

	if (r->kind == CERT_ROW_MONO) {
		if (draw)
			put_str(d, d->mono, SZ_MONO, x,
				ytop - PAD - SZ_MONO * 0.95, r->value);
		else
			collect(d, r->value, strlen(r->value));
		return SZ_MONO * 1.32;
	}
	return para(d, d->jp, SZ_VALUE, x, ytop - PAD, w, r->value, draw, 0,
		    0);
}

static double
item_height(struct draw *d, const struct cert_row *r)
{
	return WC_MAX(label_cell(d, r, 0, 0), value_cell(d, r, 0, 0)) +
	       2 * PAD;
}

static void
item(struct draw *d, const struct cert_row *r)
{
	double h = item_height(d, r);

	need(d, h);
	box(d, MX, d->y - h, LABEL_W, h, GRAY_LABEL_BG);
	box(d, MX + LABEL_W, d->y - h, CW - LABEL_W, h, 1.0);
	label_cell(d, r, d->y, 1);
	value_cell(d, r, d->y, 1);
	d->y -= h;
}

static double media_height(struct draw *d);

static void
section(struct draw *d, const struct cert_row *r, const struct cert_row *next)
{
	char line[160];
	double h = 14, hn = 0;

	/* A heading stays with the row after it. */
	if (next != NULL && next->kind == CERT_ROW_MEDIA)
		hn = media_height(d);
	else if (next != NULL && next->kind != CERT_ROW_SECTION)
		hn = item_height(d, next);
	need(d, h + 6 + hn);
	d->y -= 6;
	wc_fmt(line, sizeof(line), "%u. %s  %s", ++d->section, r->ja, r->en);
	box(d, MX, d->y - h, CW, h, GRAY_SECTION_BG);
	para(d, d->jp, 8.5, MX + PAD, d->y - 3, CW, line, 1, 0, 0);
	d->y -= h;
}

static const char *const media_head[CERT_MEDIA_COLS][2] = {
	{ "管理番号", "Property No." }, { "種別", "Media type" },
	{ "メーカー", "Make" },		{ "型番", "Model" },
	{ "シリアル番号", "Serial No." }, { "容量", "Capacity" },
};
static const double media_w[CERT_MEDIA_COLS] = { 84, 90, 66, 92, 110, 69.2 };

static double
media_cells(struct draw *d, double ytop, int draw, int header)
{
	double x = MX, h = 0, c;
	unsigned i;

	for (i = 0; i < CERT_MEDIA_COLS; i++) {
		if (header) {
			c = para(d, d->jp, 7.2, x + PAD, ytop - PAD,
				 media_w[i] - 2 * PAD, media_head[i][0], draw,
				 0, 0);
			c += para(d, d->jp, 5.8, x + PAD, ytop - PAD - c,
				  media_w[i] - 2 * PAD, media_head[i][1],
				  draw, 0, GRAY_EN);
		} else {
			c = para(d, d->jp, SZ_VALUE, x + PAD, ytop - PAD,
				 media_w[i] - 2 * PAD, d->m->media[i], draw,
				 0, 0);
		}
		h = WC_MAX(h, c);
		x += media_w[i];
	}
	return h + 2 * PAD;
}

static double
media_height(struct draw *d)
{
	return media_cells(d, 0, 0, 1) + media_cells(d, 0, 0, 0);
}

static void
media(struct draw *d)
{
	double hh = media_cells(d, 0, 0, 1), hv = media_cells(d, 0, 0, 0);
	double x = MX;
	unsigned i;

	need(d, hh + hv);
	for (i = 0; i < CERT_MEDIA_COLS; i++) {
		box(d, x, d->y - hh, media_w[i], hh, GRAY_LABEL_BG);
		box(d, x, d->y - hh - hv, media_w[i], hv, 1.0);
		x += media_w[i];
	}
	media_cells(d, d->y, 1, 1);
	media_cells(d, d->y - hh, 1, 0);
	d->y -= hh + hv;
}

static void
rows(struct draw *d)
{
	const struct cert_model *m = d->m;
	size_t i;

	for (i = 0; i < m->nrows && d->err == 0; i++) {
		switch (m->rows[i].kind) {
		case CERT_ROW_SECTION:
			section(d, &m->rows[i],
				i + 1 < m->nrows ? &m->rows[i + 1] : NULL);
			break;
		case CERT_ROW_MEDIA:
			media(d);
			break;
		default:
			item(d, &m->rows[i]);
			break;
		}
	}
}

/* ---- the end: 以上, seals, remarks and the QR code ------------------- */

static void
signatures(struct draw *d)
{
	static const char *const titles[CERT_SIGN_BOXES] = {
		"作業者 Operator", "管理責任者 Responsible manager",
		"立会者 Witness",
	};
	double w = (CW - 16) / 3, h = 62, x;
	unsigned i;

	need(d, 30 + h);
	d->y -= 4;
	d->y -= para(d, d->jp, 10, MX, d->y, CW, "以上", 1, 2, 0) + 10;
	for (i = 0; i < CERT_SIGN_BOXES; i++) {
		x = MX + i * (w + 8);
		box(d, x, d->y - h, w, h, 1.0);
		para(d, d->jp, 7.2, x + PAD, d->y - PAD, w - 2 * PAD,
		     titles[i], 1, 0, GRAY_EN);
		para(d, d->jp, 9.5, x + PAD, d->y - 20, w - SEAL - 2 * PAD,
		     d->m->signers[i], 1, 0, 0);
		seal_box(d, x + w - (SEAL - 6) - PAD - 2,
			 d->y - h + (SEAL - 6) + PAD + 2, SEAL - 6);
	}
	d->y -= h;
}

static void
remarks(struct draw *d)
{
	double tw = CW - QR_SIZE - 10 - 2 * PAD, th, h;
	double qx = PAGE_W - MX - QR_SIZE;

	th = para(d, d->jp, 7.4, MX + PAD, 0, tw, d->m->remarks, 0, 0, 0);
	h = WC_MAX(th + 16 + 2 * PAD, QR_SIZE + 12);
	need(d, h + 10);
	d->y -= 10;
	box(d, MX, d->y - h, CW - QR_SIZE - 10, h, 1.0);
	para(d, d->jp, 8.5, MX + PAD, d->y - PAD, tw, "特記事項 Remarks", 1,
	     0, 0);
	para(d, d->jp, 7.4, MX + PAD, d->y - PAD - 14, tw, d->m->remarks, 1,
	     0, 0);
	if (!d->collecting && d->qr != NULL)
		HPDF_Page_DrawImage(d->page, d->qr, qx, d->y - QR_SIZE,
				    QR_SIZE, QR_SIZE);
	para(d, d->jp, 6, qx, d->y - QR_SIZE - 1, QR_SIZE,
	     "記録ID・SHA-256 (record)", 1, 1, GRAY_EN);
	d->y -= h;
}

static void
layout(struct draw *d)
{
	d->npages = 0;
	d->section = 0;
	new_page(d);
	head(d);
	rows(d);
	signatures(d);
	remarks(d);
	footers(d);
}

/* ---- the document -------------------------------------------------- */

static int
add_qr(struct draw *d)
{
	char payload[160];
	uint8_t *img;
	unsigned px;
	int ret;

	ret = cert_qr_payload(payload, sizeof(payload), d->m->id,
			      d->m->sha256);
	if (ret == 0)
		ret = cert_qr_image(payload, &img, &px);
	if (ret != 0)
		return ret;
	d->qr = HPDF_LoadRawImageFromMem(d->pdf, img, px, px,
					 HPDF_CS_DEVICE_GRAY, 8);
	free(img);
	return d->qr != NULL ? 0 : -EIO;
}

static void
info(struct draw *d, time_t issued)
{
	char title[128];
	struct cert_date t;
	HPDF_Date date;

	wc_fmt(title, sizeof(title), "%s %s", d->m->title_en, d->m->id);
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, title);
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, d->m->footer);
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
	HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, date);
}

static int
save(HPDF_Doc pdf, uint8_t **out, size_t *len)
{
	HPDF_UINT32 size, got = 0, n;
	HPDF_STATUS st;
	uint8_t *buf;

	if (HPDF_SaveToStream(pdf) != HPDF_OK)
		return -EIO;
	size = HPDF_GetStreamSize(pdf);
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return -ENOMEM;
	HPDF_ResetStream(pdf);
	while (got < size) {
		n = size - got;
		st = HPDF_ReadFromStream(pdf, buf + got, &n);
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

static const char *
font_path(const struct cert_render_in *in)
{
	if (in->font_path != NULL && *in->font_path)
		return in->font_path;
	if (in->cfg != NULL && in->cfg->font != NULL && *in->cfg->font)
		return in->cfg->font;
	return DEFAULT_FONT;
}

static int
read_font(struct draw *d, const struct cert_render_in *in)
{
	int ret;

	ret = wc_read_file(font_path(in), FONT_MAX, &d->font_buf,
			   &d->font_len);
	if (ret != 0)
		return ret == -EFBIG ? -EINVAL : ret;
	return cert_ttf_open(&d->font, (const uint8_t *)d->font_buf,
			     d->font_len);
}

static int
render(struct draw *d, const struct cert_render_in *in, uint8_t **out,
       size_t *len)
{
	const char *name;
	char file[48];
	uint32_t cp;
	int ret;

	if ((ret = read_font(d, in)) != 0)
		return ret;
	d->collecting = 1;
	layout(d);
	for (cp = 0x20; cp < 0x7F; cp++)
		d->used[cp >> 3] |= (uint8_t)(1u << (cp & 7));
	d->collecting = 0;
	d->pdf = HPDF_New(on_error, d);
	if (d->pdf == NULL)
		return -ENOMEM;
	HPDF_UseUTFEncodings(d->pdf);
	HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
	ret = cert_pdf_load_font(d->pdf, (const uint8_t *)d->font_buf,
				 d->font_len, d->used, &name);
	if (ret != 0)
		return ret;
	d->jp = HPDF_GetFont(d->pdf, name, "UTF-8");
	d->mono = HPDF_GetFont(d->pdf, "Courier", NULL);
	if (d->jp == NULL || d->mono == NULL)
		return -EIO;
	if ((ret = cert_pdf_tounicode(d->pdf, d->jp, d->used)) != 0)
		return ret;
	if ((ret = add_qr(d)) != 0)
		return ret;
	layout(d);
	if (d->err != 0)
		return d->err == -E2BIG ? -EINVAL : d->err;
	ret = wc_fmt(file, sizeof(file), "%s.json", d->m->id);
	if (ret == 0)
		ret = cert_pdf_attach(d->pdf, file, in->record_text,
				      in->record_len);
	if (ret != 0)
		return ret;
	info(d, in->issued);
	if (d->hpdf_err != 0)
		return -EIO;
	return save(d->pdf, out, len);
}

int
cert_pdf_render(const struct cert_render_in *in, uint8_t **pdf, size_t *len)
{
	struct cert_model m;
	struct draw *d;
	int ret;

	*pdf = NULL;
	*len = 0;
	ret = cert_model_build(in, &m);
	if (ret != 0) {
		cert_model_release(&m);
		return ret;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		cert_model_release(&m);
		return -ENOMEM;
	}
	d->m = &m;
	ret = render(d, in, pdf, len);
	if (ret == 0 && d->hpdf_err != 0) {
		free(*pdf);
		*pdf = NULL;
		*len = 0;
		ret = -EIO;
	}
	if (d->pdf != NULL)
		HPDF_Free(d->pdf);
	free(d->font_buf);
	free(d);
	cert_model_release(&m);
	return ret;
}
