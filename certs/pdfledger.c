/*
 * pdfledger.c - the 記録媒体管理簿 (media register, DESIGN §8) as a PDF:
 * landscape A4, one row per medium with the 22 columns of the CSV,
 * cells broken into lines, the header row repeated on every page and
 * "N枚中M枚目" at the foot.  It is rendered from its wipecert.ledger/1
 * JSON, which it carries like a certificate carries its record (the
 * attachment, its SHA-256 printed, the QR code), so `wipecert cert
 * verify` checks it too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certs/pdfmodel.h"

#define LEDGER_COLS 22
#define MX 20.0
#define TOP (CERT_A4_W - 22.0)	/* landscape: the page is A4_W high */
#define BOTTOM 44.0
#define QR_SIZE 58.0
#define MAX_PAGES 2000
#define MAX_ROWS 100000
#define SUBTITLE "Media register (情報保護に関する特記事項 第18条⑵⑺)"

/* Widths in points; the last column takes what is left. */
static const double col_w[LEDGER_COLS] = {
	52, 28, 34, 38, 46, 28, 30, 36, 36, 30, 30,
	32, 32, 36, 30, 36, 52, 30, 30, 40, 46, 0,
};

struct ledger {
	struct cert_canvas cv;
	struct cert_model m;		/* id and SHA-256 of the JSON */
	const struct cert_render_in *in;
	HPDF_Image qr;
	struct cert_col cols[LEDGER_COLS];
	char *names[LEDGER_COLS];
	char **cells;			/* nrows × LEDGER_COLS */
	size_t nrows;
	char *heading;			/* contract, date, register head */
	char *footer;
	double y;
};

/* ---- the JSON --------------------------------------------------------- */

static char *
text(struct json_object *s)
{
	struct cert_sb sb = { 0 };

	if (json_object_is_type(s, json_type_string))
		cert_sb_text(&sb, json_object_get_string(s));
	else
		cert_sb_add(&sb, "%s", "");
	return cert_sb_take(&sb);
}

static int
columns(struct ledger *l, struct json_object *rec)
{
	struct json_object *a = cert_j(rec, "columns", json_type_array);
	double used = 0;
	size_t i;

	if (a == NULL || json_object_array_length(a) != LEDGER_COLS)
		return -EINVAL;
	for (i = 0; i < LEDGER_COLS; i++) {
		l->names[i] = text(json_object_array_get_idx(a, i));
		if (l->names[i] == NULL)
			return -ENOMEM;
		l->cols[i].ja = l->names[i];
		l->cols[i].w = col_w[i] > 0 ? col_w[i]
				: l->cv.w - 2 * MX - used;
		used += col_w[i];
	}
	return 0;
}

static int
rows(struct ledger *l, struct json_object *rec)
{
	struct json_object *a = cert_j(rec, "rows", json_type_array), *row;
	size_t i, j, n = a ? json_object_array_length(a) : 0;

	if (a == NULL || n > MAX_ROWS)
		return -EINVAL;
	l->cells = calloc(n * LEDGER_COLS + 1, sizeof(*l->cells));
	if (l->cells == NULL)
		return -ENOMEM;
	l->nrows = n;
	for (i = 0; i < n; i++) {
		row = json_object_array_get_idx(a, i);
		if (!json_object_is_type(row, json_type_array) ||
		    json_object_array_length(row) != LEDGER_COLS)
			return -EINVAL;
		for (j = 0; j < LEDGER_COLS; j++) {
			l->cells[i * LEDGER_COLS + j] =
				text(json_object_array_get_idx(row, j));
			if (l->cells[i * LEDGER_COLS + j] == NULL)
				return -ENOMEM;
		}
	}
	return 0;
}

static int
heading(struct ledger *l, struct json_object *rec)
{
	struct json_object *c = cert_j(rec, "contract", json_type_object);
	struct json_object *r = cert_j(rec, "register", json_type_object);
	struct json_object *h = cert_j(r, "head", json_type_object);
	struct cert_sb sb = { 0 };
	int64_t seq = 0, n = 0;

	cert_ji(h, "seq", &seq);
	cert_ji(r, "entries", &n);
	cert_sb_add(&sb, "契約 Contract: ");
	cert_sb_or_none(&sb, cert_js(c, "number") ? cert_js(c, "number")
						  : "全契約 (all contracts)");
	cert_sb_add(&sb, "　　作成 Issued: ");
	cert_sb_date(&sb, cert_js(cert_j(rec, "issued", json_type_object),
				  "time"));
	cert_sb_add(&sb, "　　管理簿 Register: ");
	cert_sb_or_none(&sb, cert_js(r, "file"));
	cert_sb_add(&sb, " 第%lld号まで (entries 1-%lld)　　媒体 Media: %zu",
		    (long long)seq, (long long)n, l->nrows);
	l->heading = cert_sb_take(&sb);
	cert_sb_add(&sb, "wipecert ");
	cert_sb_or_none(&sb, cert_js(cert_j(rec, "tool", json_type_object),
				     "version"));
	l->footer = cert_sb_take(&sb);
	return l->heading && l->footer ? 0 : -ENOMEM;
}

/* ---- the pages --------------------------------------------------------- */

/* The title and heading of every page; on the first the QR block. */
static double
page_top(struct ledger *l)
{
	struct cert_canvas *cv = &l->cv;
	double y = TOP, w = cv->w - 2 * MX, x;
	char line[200];

	cert_cv_put_str(cv, cv->jp, 13, MX, y - 13, "記録媒体管理簿");
	cert_cv_put(cv, cv->jp, 8.5, MX + 100, y - 12, SUBTITLE,
		    strlen(SUBTITLE), 0.35);
	y -= 22;
	if (cv->npages > 1) {
		y -= cert_cv_para(cv, cv->jp, 7.2, MX, y, w, l->heading, 1, 0,
				  0) + 6;
		return y;
	}
	x = cv->w - MX - QR_SIZE;
	if (!cv->collecting && l->qr != NULL)
		HPDF_Page_DrawImage(cv->page, l->qr, x, TOP - QR_SIZE, QR_SIZE,
				    QR_SIZE);
	w -= QR_SIZE + 10;
	y -= cert_cv_para(cv, cv->jp, 7.2, MX, y, w, l->heading, 1, 0, 0) + 3;
	wc_fmt(line, sizeof(line), "記録 %s.json  SHA-256 ", l->m.id);
	cert_cv_put_str(cv, cv->jp, 6.5, MX, y - 6.5, line);
	cert_cv_put_str(cv, cv->mono, 6.5, MX + cert_cv_width(cv, cv->jp, 6.5,
				line, strlen(line)), y - 6.5, l->m.sha256);
	y -= 9;
	wc_fmt(line, sizeof(line), "署名者 Signer: %.100s  SHA-256 ",
	       l->in->signer_name ? l->in->signer_name : CERT_NONE);
	cert_cv_put_str(cv, cv->jp, 6.5, MX, y - 6.5, line);
	if (l->in->signer_fingerprint != NULL)
		cert_cv_put_str(cv, cv->mono, 6.5, MX + cert_cv_width(cv,
					cv->jp, 6.5, line, strlen(line)),
				y - 6.5, l->in->signer_fingerprint);
	return WC_MIN(y - 12, TOP - QR_SIZE - 6);
}

static double
next_page(void *ctx)
{
	struct ledger *l = ctx;

	if (cert_cv_add_page(&l->cv) != 0)
		return TOP;
	return page_top(l);
}

static void
layout(struct ledger *l)
{
	struct cert_table t = {
		.cols = l->cols, .ncols = LEDGER_COLS, .x = MX, .size = 5.6,
		.head_size = 6.0, .bottom = BOTTOM, .max_lines = 16,
		.fill = 1.0, .new_page = next_page, .ctx = l,
	};

	l->cv.npages = 0;
	l->y = next_page(l);
	cert_cv_table(&l->cv, &t, (const char *const *)l->cells, l->nrows,
		      &l->y);
	if (l->nrows == 0)
		cert_cv_para(&l->cv, l->cv.jp, 8, MX, l->y - 6, 300,
			     "記載なし No media in the register.", 1, 0, 0);
	cert_cv_footers(&l->cv, MX, l->footer, l->m.id);
}

static int
add_qr(struct ledger *l)
{
	char payload[160];
	uint8_t *img;
	unsigned px;
	int ret;

	ret = cert_qr_payload(payload, sizeof(payload), l->m.id, l->m.sha256);
	if (ret == 0)
		ret = cert_qr_image(payload, &img, &px);
	if (ret != 0)
		return ret;
	l->qr = HPDF_LoadRawImageFromMem(l->cv.pdf, img, px, px,
					 HPDF_CS_DEVICE_GRAY, 8);
	free(img);
	return l->qr != NULL ? 0 : -EIO;
}

static int
render(struct ledger *l, uint8_t **out, size_t *len)
{
	const struct cert_render_in *in = l->in;
	const char *font = in->font_path;
	char file[48], title[96];
	int ret;

	if ((font == NULL || *font == '\0') && in->cfg != NULL)
		font = in->cfg->font;
	ret = cert_cv_open(&l->cv, font, 1, MAX_PAGES);
	if (ret != 0)
		return ret;
	layout(l);
	ret = cert_cv_start(&l->cv);
	if (ret == 0)
		ret = add_qr(l);
	if (ret != 0)
		return ret;
	layout(l);
	if (l->cv.err != 0)
		return l->cv.err == -E2BIG ? -EINVAL : l->cv.err;
	ret = wc_fmt(file, sizeof(file), "%s.json", l->m.id);
	if (ret == 0)
		ret = cert_pdf_attach(l->cv.pdf, file, in->record_text,
				      in->record_len);
	if (ret != 0)
		return ret;
	wc_fmt(title, sizeof(title), "Media register %s", l->m.id);
	cert_cv_info(&l->cv, title, l->footer, in->issued);
	return cert_cv_save(&l->cv, out, len);
}

static void
ledger_release(struct ledger *l)
{
	size_t i;

	for (i = 0; l->cells != NULL && i < l->nrows * LEDGER_COLS; i++)
		free(l->cells[i]);
	for (i = 0; i < LEDGER_COLS; i++)
		free(l->names[i]);
	free(l->cells);
	free(l->heading);
	free(l->footer);
	cert_cv_release(&l->cv);
	cert_model_release(&l->m);
	free(l);
}

int
cert_ledger_render(const struct cert_render_in *in, uint8_t **pdf,
		   size_t *len)
{
	struct json_object *rec = NULL;
	struct ledger *l;
	int ret;

	*pdf = NULL;
	*len = 0;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->in = in;
	l->cv.w = CERT_A4_H;	/* for the widths, before the canvas opens */
	ret = cert_model_parse(in, &l->m, &rec);
	if (ret == 0)
		ret = columns(l, rec);
	if (ret == 0)
		ret = rows(l, rec);
	if (ret == 0)
		ret = heading(l, rec);
	json_object_put(rec);
	if (ret == 0)
		ret = render(l, pdf, len);
	ledger_release(l);
	return ret;
}
