/*
 * pdf.c - lay out and write a certificate with libharu (DESIGN §7).
 *
 * The layout runs twice over the same code on a canvas (pdflayout.h):
 * first "collecting", which only notes every character the page will
 * show, so that the font can be subset before libharu sees it; then for
 * real.  Pages flow as the rows need, and "N枚中M枚目" is added once the
 * page count is known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdflayout.h"
#include "certs/pdfmodel.h"

#define PAGE_W CERT_A4_W
#define MX CERT_PAGE_MX		/* left and right margins */
#define CW CERT_CONTENT_W	/* content width */
#define TOP 812.0
#define BOTTOM 48.0
#define LABEL_W 148.0
#define PAD 2.6
#define SEAL 42.0
#define QR_SIZE 92.0
#define MAX_PAGES 16
#define REPORT_MAX_PAGES 600	/* a 第22条 report lists every medium */
#define PHOTO_H 168.0
#define PHOTO_GAP 8.0

#define SZ_VALUE 8.2
#define SZ_LABEL 7.8
#define SZ_LABEL_EN 6.2
#define SZ_MONO 7.6
#define GRAY_EN 0.35
#define GRAY_LINE 0.55
#define GRAY_LABEL_BG 0.94
#define GRAY_SECTION_BG 0.85

struct draw {
	struct cert_canvas cv;
	HPDF_Image qr;
	HPDF_Image photo[CERT_MAX_PHOTOS];
	unsigned section;
	double y;
	const struct cert_model *m;
};

/* Japanese text on the canvas (cert_cv_para); returns the height. */
static double
para(struct draw *d, double size, double x, double ytop, double w,
     const char *text, int draw, int align, double gray)
{
	return cert_cv_para(&d->cv, d->cv.jp, size, x, ytop, w, text, draw,
			    align, gray);
}

/* ---- pages --------------------------------------------------------- */

static void
new_page(struct draw *d)
{
	const struct cert_model *m = d->m;
	char line[160];

	d->y = TOP;
	if (cert_cv_add_page(&d->cv) != 0)
		return;
	if (d->cv.npages > 1 || d->cv.collecting) {
		wc_fmt(line, sizeof(line), "%s (続き) %s (continued)",
		       m->title_ja, m->title_en);
		para(d, 8, MX, d->y, CW, line, 1, 0, GRAY_EN);
		if (d->cv.npages > 1)
			d->y -= 20;
	}
}

static void
need(struct draw *d, double h)
{
	if (d->y - h < BOTTOM)
		new_page(d);
}

/* ---- the top of the first page -------------------------------------- */

/* Right-aligned "label value" pair, value in font vf. */
static void
right_pair(struct draw *d, double y, const char *label, HPDF_Font vf,
	   const char *value)
{
	double wl = cert_cv_width(&d->cv, d->cv.jp, 8, label, strlen(label));
	double wv = cert_cv_width(&d->cv, vf, 8, value, strlen(value));
	double x = PAGE_W - MX - wl - wv;

	cert_cv_put_str(&d->cv, d->cv.jp, 8, x, y, label);
	cert_cv_put_str(&d->cv, vf, 8, x + wl, y, value);
}

/* The addressee, underlined; returns the height. */
static double
addressee(struct draw *d, double ytop)
{
	const char *a = d->m->addressee;
	double w = cert_cv_width(&d->cv, d->cv.jp, 13, a, strlen(a)), h;

	h = para(d, 13, MX, ytop, 250, a, 1, 0, 0);
	if (d->cv.collecting)
		return h;
	HPDF_Page_SetLineWidth(d->cv.page, 0.6);
	HPDF_Page_SetGrayStroke(d->cv.page, 0);
	HPDF_Page_MoveTo(d->cv.page, MX, ytop - h - 1);
	HPDF_Page_LineTo(d->cv.page, MX + WC_MIN(w, 250.0) + 8, ytop - h - 1);
	HPDF_Page_Stroke(d->cv.page);
	return h + 1;
}

/* Address, company, representative and the company seal. */
static double
issuer(struct draw *d, double ytop)
{
	const struct cert_model *m = d->m;
	double x = 318, w = PAGE_W - MX - SEAL - 8 - x, y = ytop;

	y -= para(d, 7.8, x, y, w, m->issuer_address, 1, 0, 0) + 2;
	y -= para(d, 10.5, x, y, w, m->issuer_company, 1, 0, 0) + 2;
	y -= para(d, 8.5, x, y, w, m->issuer_representative, 1, 0, 0);
	cert_cv_seal(&d->cv, PAGE_W - MX - SEAL, ytop, SEAL);
	return WC_MAX(ytop - y, SEAL);
}

static void
head(struct draw *d)
{
	const struct cert_model *m = d->m;
	double y = d->y, ya, yi;

	right_pair(d, y - 8, m->number_label ? m->number_label
					    : "証明書番号 Certificate No. ",
		   d->cv.mono, m->id);
	right_pair(d, y - 20, "発行日 Date of issue: ", d->cv.jp,
		   m->issue_date);
	ya = y - 36 - addressee(d, y - 36);
	yi = y - 64 - issuer(d, y - 64);
	y = WC_MIN(ya, yi) - 22;
	y -= para(d, 19, MX, y, CW, m->title_ja, 1, 1, 0) + 2;
	y -= para(d, 10, MX, y, CW, m->title_en, 1, 1, 0) + 14;
	y -= para(d, 9.5, MX, y, CW, m->body_ja, 1, 0, 0) + 1;
	y -= para(d, 8, MX, y, CW, m->body_en, 1, 0, GRAY_EN) + 8;
	y -= para(d, 11, MX, y, CW, "記", 1, 1, 0) + 8;
	d->y = y;
}

/* ---- rows ---------------------------------------------------------- */

/* "ja en" on one line when it fits, else en below ja. */
static double
label_cell(struct draw *d, const struct cert_row *r, double ytop, int draw)
{
	double w = LABEL_W - 2 * PAD, h, wj, we;

	wj = cert_cv_width(&d->cv, d->cv.jp, SZ_LABEL, r->ja,
			   strlen(r->ja)) + 4;
	we = cert_cv_width(&d->cv, d->cv.jp, SZ_LABEL_EN, r->en, strlen(r->en));
	if (wj + we <= w) {
		if (draw) {
			cert_cv_put_str(&d->cv, d->cv.jp, SZ_LABEL, MX + PAD,
					ytop - PAD - SZ_LABEL * 0.95, r->ja);
			cert_cv_put(&d->cv, d->cv.jp, SZ_LABEL_EN,
				    MX + PAD + wj, ytop - PAD - SZ_LABEL * 0.95,
				    r->en, strlen(r->en), GRAY_EN);
		}
		return SZ_LABEL * 1.32;
	}
	h = para(d, SZ_LABEL, MX + PAD, ytop - PAD, w, r->ja, draw, 0, 0);
	h += para(d, SZ_LABEL_EN, MX + PAD, ytop - PAD - h, w, r->en, draw, 0,
		  GRAY_EN);
	return h;
}

static double
value_cell(struct draw *d, const struct cert_row *r, double ytop, int draw)
{
	double x = MX + LABEL_W + PAD, w = CW - LABEL_W - 2 * PAD;

	if (r->kind == CERT_ROW_MONO) {
		if (draw || d->cv.collecting)
			cert_cv_put_str(&d->cv, d->cv.mono, SZ_MONO, x,
					ytop - PAD - SZ_MONO * 0.95, r->value);
		return SZ_MONO * 1.32;
	}
	return para(d, SZ_VALUE, x, ytop - PAD, w, r->value, draw, 0, 0);
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
	cert_cv_box(&d->cv, MX, d->y - h, LABEL_W, h, GRAY_LABEL_BG);
	cert_cv_box(&d->cv, MX + LABEL_W, d->y - h, CW - LABEL_W, h, 1.0);
	label_cell(d, r, d->y, 1);
	value_cell(d, r, d->y, 1);
	d->y -= h;
}

static double media_height(struct draw *d);
static double next_height(struct draw *d, const struct cert_row *r);

static void
section(struct draw *d, const struct cert_row *r, const struct cert_row *next)
{
	char line[160];
	double h = 14, hn = 0;

	/* A heading stays with the row after it. */
	if (next != NULL)
		hn = next_height(d, next);
	need(d, h + 6 + hn);
	d->y -= 6;
	wc_fmt(line, sizeof(line), "%u. %s  %s", ++d->section, r->ja, r->en);
	cert_cv_box(&d->cv, MX, d->y - h, CW, h, GRAY_SECTION_BG);
	para(d, 8.5, MX + PAD, d->y - 3, CW, line, 1, 0, 0);
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
			c = para(d, 7.2, x + PAD, ytop - PAD,
				 media_w[i] - 2 * PAD, media_head[i][0], draw,
				 0, 0);
			c += para(d, 5.8, x + PAD, ytop - PAD - c,
				  media_w[i] - 2 * PAD, media_head[i][1], draw,
				  0, GRAY_EN);
		} else {
			c = para(d, SZ_VALUE, x + PAD, ytop - PAD,
				 media_w[i] - 2 * PAD, d->m->media[i], draw, 0,
				 0);
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
		cert_cv_box(&d->cv, x, d->y - hh, media_w[i], hh,
			    GRAY_LABEL_BG);
		cert_cv_box(&d->cv, x, d->y - hh - hv, media_w[i], hv, 1.0);
		x += media_w[i];
	}
	media_cells(d, d->y, 1, 1);
	media_cells(d, d->y - hh, 1, 0);
	d->y -= hh + hv;
}

/* ---- tables, alerts and photos (reports and destructions) --------- */

static double
table_new_page(void *ctx)
{
	struct draw *d = ctx;

	new_page(d);
	return d->y;
}

static void
table_setup(struct draw *d, const struct cert_tab *tab, struct cert_table *t)
{
	memset(t, 0, sizeof(*t));
	t->cols = tab->cols;
	t->ncols = tab->ncols;
	t->x = MX;
	t->size = 7.2;
	t->head_size = 7.2;
	t->bottom = BOTTOM;
	t->max_lines = 12;
	t->fill = 1.0;
	t->new_page = table_new_page;
	t->ctx = d;
}

static void
table(struct draw *d, const struct cert_row *r)
{
	const struct cert_tab *tab = &d->m->tables[r->table];
	struct cert_table t;

	table_setup(d, tab, &t);
	cert_cv_table(&d->cv, &t, (const char *const *)tab->cells,
		      tab->nrows, &d->y);
}

static double
alert_height(struct draw *d, const struct cert_row *r)
{
	return para(d, 8.6, 0, 0, CW - 6 * PAD, r->value, 0, 0, 0) + 5 * PAD;
}

/* What a reader must not miss: a heavy frame around the text. */
static void
alert(struct draw *d, const struct cert_row *r)
{
	double h = alert_height(d, r);

	need(d, h);
	cert_cv_box(&d->cv, MX, d->y - h, CW, h, 0.96);
	cert_cv_frame(&d->cv, MX + 0.8, d->y - h + 0.8, CW - 1.6, h - 1.6);
	para(d, 8.6, MX + 3 * PAD, d->y - 2.5 * PAD, CW - 6 * PAD, r->value, 1,
	     0, 0);
	d->y -= h;
}

/* One photo scaled into its cell, centred, with its caption below. */
static void
photo(struct draw *d, size_t i, double x, double w)
{
	double ih = PHOTO_H - 16, pw, ph, sc;
	HPDF_Image im = d->photo[i];

	cert_cv_box(&d->cv, x, d->y - PHOTO_H, w, PHOTO_H, 1.0);
	if (!d->cv.collecting && im != NULL) {
		pw = HPDF_Image_GetWidth(im);
		ph = HPDF_Image_GetHeight(im);
		sc = pw > 0 && ph > 0 ? WC_MIN((w - 2 * PAD) / pw,
					       (ih - 2 * PAD) / ph) : 0;
		HPDF_Page_DrawImage(d->cv.page, im, x + (w - pw * sc) / 2,
				    d->y - PAD - (ih - 2 * PAD + ph * sc) / 2,
				    pw * sc, ph * sc);
	}
	para(d, 6.8, x + PAD, d->y - ih - 2, w - 2 * PAD,
	     d->m->photos[i].caption, 1, 1, 0);
}

/* Two photos a row; a row never splits across pages. */
static void
photos(struct draw *d)
{
	double w = (CW - PHOTO_GAP) / 2;
	size_t i;

	for (i = 0; i < d->m->nphotos; i++) {
		if (i % 2 == 0) {
			need(d, PHOTO_H + 4);
			d->y -= 4;
		}
		photo(d, i, MX + (double)(i % 2) * (w + PHOTO_GAP), w);
		if (i % 2 == 1 || i + 1 == d->m->nphotos)
			d->y -= PHOTO_H;
	}
}

/* The height a heading must keep free below it for the row r. */
static double
next_height(struct draw *d, const struct cert_row *r)
{
	const struct cert_tab *tab;
	struct cert_table t;

	switch (r->kind) {
	case CERT_ROW_SECTION:
		return 0;
	case CERT_ROW_MEDIA:
		return media_height(d);
	case CERT_ROW_PHOTOS:
		return d->m->nphotos > 0 ? PHOTO_H + 4 : 0;
	case CERT_ROW_ALERT:
		return alert_height(d, r);
	case CERT_ROW_TABLE:
		tab = &d->m->tables[r->table];
		table_setup(d, tab, &t);
		return cert_cv_table_head_h(&d->cv, &t) +
		       (tab->nrows > 0 ? cert_cv_table_row_h(
				&d->cv, &t, (const char *const *)tab->cells)
				       : 0);
	default:
		return item_height(d, r);
	}
}

static void
rows(struct draw *d)
{
	const struct cert_model *m = d->m;
	size_t i;

	for (i = 0; i < m->nrows && d->cv.err == 0; i++) {
		switch (m->rows[i].kind) {
		case CERT_ROW_SECTION:
			section(d, &m->rows[i],
				i + 1 < m->nrows ? &m->rows[i + 1] : NULL);
			break;
		case CERT_ROW_MEDIA:
			media(d);
			break;
		case CERT_ROW_TABLE:
			table(d, &m->rows[i]);
			break;
		case CERT_ROW_PHOTOS:
			photos(d);
			break;
		case CERT_ROW_ALERT:
			alert(d, &m->rows[i]);
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
	const char *title;
	unsigned i;

	need(d, 30 + h);
	d->y -= 4;
	d->y -= para(d, 10, MX, d->y, CW, "以上", 1, 2, 0) + 10;
	for (i = 0; i < CERT_SIGN_BOXES; i++) {
		x = MX + i * (w + 8);
		cert_cv_box(&d->cv, x, d->y - h, w, h, 1.0);
		title = d->m->signer_titles[i] ? d->m->signer_titles[i]
					       : titles[i];
		para(d, 7.2, x + PAD, d->y - PAD, w - 2 * PAD, title, 1, 0,
		     GRAY_EN);
		para(d, 9.5, x + PAD, d->y - 20, w - SEAL - 2 * PAD,
		     d->m->signers[i], 1, 0, 0);
		cert_cv_seal(&d->cv, x + w - (SEAL - 6) - PAD - 2,
			     d->y - h + (SEAL - 6) + PAD + 2, SEAL - 6);
	}
	d->y -= h;
}

static void
remarks(struct draw *d)
{
	double tw = CW - QR_SIZE - 10 - 2 * PAD, th, h;
	double qx = PAGE_W - MX - QR_SIZE;

	th = para(d, 7.4, MX + PAD, 0, tw, d->m->remarks, 0, 0, 0);
	h = WC_MAX(th + 16 + 2 * PAD, QR_SIZE + 12);
	need(d, h + 10);
	d->y -= 10;
	cert_cv_box(&d->cv, MX, d->y - h, CW - QR_SIZE - 10, h, 1.0);
	para(d, 8.5, MX + PAD, d->y - PAD, tw, "特記事項 Remarks", 1, 0, 0);
	para(d, 7.4, MX + PAD, d->y - PAD - 14, tw, d->m->remarks, 1, 0, 0);
	if (!d->cv.collecting && d->qr != NULL)
		HPDF_Page_DrawImage(d->cv.page, d->qr, qx, d->y - QR_SIZE,
				    QR_SIZE, QR_SIZE);
	para(d, 6, qx, d->y - QR_SIZE - 1, QR_SIZE, "記録ID・SHA-256 (record)",
	     1, 1, GRAY_EN);
	d->y -= h;
}

static void
layout(struct draw *d)
{
	d->cv.npages = 0;
	d->section = 0;
	new_page(d);
	head(d);
	rows(d);
	signatures(d);
	remarks(d);
	cert_cv_footers(&d->cv, MX, d->m->footer, d->m->id);
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
	d->qr = HPDF_LoadRawImageFromMem(d->cv.pdf, img, px, px,
					 HPDF_CS_DEVICE_GRAY, 8);
	free(img);
	return d->qr != NULL ? 0 : -EIO;
}

static int
add_photos(struct draw *d)
{
	const struct cert_photo *p;
	size_t i;

	for (i = 0; i < d->m->nphotos; i++) {
		p = &d->m->photos[i];
		d->photo[i] = p->png
			? HPDF_LoadPngImageFromMem(d->cv.pdf,
				(const HPDF_BYTE *)p->data, (HPDF_UINT)p->len)
			: HPDF_LoadJpegImageFromMem(d->cv.pdf,
				(const HPDF_BYTE *)p->data, (HPDF_UINT)p->len);
		if (d->photo[i] == NULL)
			return -EINVAL;	/* not an image libharu reads */
	}
	return 0;
}

static const char *
font_path(const struct cert_render_in *in)
{
	if (in->font_path != NULL && *in->font_path)
		return in->font_path;
	if (in->cfg != NULL && in->cfg->font != NULL && *in->cfg->font)
		return in->cfg->font;
	return NULL;	/* the canvas's default */
}

static int
render(struct draw *d, const struct cert_render_in *in, uint8_t **out,
       size_t *len)
{
	char file[48], title[128];
	int ret;

	ret = cert_cv_open(&d->cv, font_path(in), 0,
			   in->kind == CERT_DOC_REPORT ? REPORT_MAX_PAGES
						       : MAX_PAGES);
	if (ret != 0)
		return ret;
	layout(d);
	ret = cert_cv_start(&d->cv);
	if (ret == 0)
		ret = add_qr(d);
	if (ret == 0)
		ret = add_photos(d);
	if (ret != 0)
		return ret;
	layout(d);
	if (d->cv.err != 0)
		return d->cv.err == -E2BIG ? -EINVAL : d->cv.err;
	ret = wc_fmt(file, sizeof(file), "%s.json", d->m->id);
	if (ret == 0)
		ret = cert_pdf_attach(d->cv.pdf, file, in->record_text,
				      in->record_len);
	if (ret != 0)
		return ret;
	wc_fmt(title, sizeof(title), "%s %s", d->m->title_en, d->m->id);
	cert_cv_info(&d->cv, title, d->m->footer, in->issued);
	return cert_cv_save(&d->cv, out, len);
}

int
cert_pdf_render(const struct cert_render_in *in, uint8_t **pdf, size_t *len)
{
	struct cert_model m;
	struct draw *d;
	int ret;

	*pdf = NULL;
	*len = 0;
	if (in != NULL && in->kind == CERT_DOC_LEDGER)
		return cert_ledger_render(in, pdf, len);
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
	cert_cv_release(&d->cv);
	free(d);
	cert_model_release(&m);
	return ret;
}
