/*
 * test_certs_ledger.c - the PDF 管理簿 (certs/pdfledger.c and the
 * canvas's tables, pdfcanvas.c): landscape pages, the 22 column headers
 * repeated on every page, every 管理番号 shown, long cells broken into
 * lines, "N枚中M枚目", the JSON carried like a certificate's record, and
 * JSON of another shape refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "certs/pdfmodel.h"
#include "tests/pdftest.h"

#define FPR "3b5f0c1d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"
#define NOTE "消去不能のため物理破壊（記録 3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f）; " \
	     "訂正 #12: 型番を訂正 WD5000AAKS"

static const char *const columns[22] = {
	"管理番号", "種別", "メーカー", "型番", "シリアル番号", "容量",
	"所管課", "格納情報", "搬出日時", "搬出者", "承認者", "用途",
	"搬出先", "返却日時", "返却確認者", "消去・破壊日時", "方法",
	"作業者", "立会者", "証明書番号", "結果", "備考",
};

struct led {
	char *text;
	size_t len;
	char sha[65];
	struct cert_render_in in;
};

static struct json_object *
row(size_t i, size_t ncols)
{
	struct json_object *a = json_object_new_array();
	char tag[32];
	size_t c;

	snprintf(tag, sizeof(tag), "NRM-%04zu", i + 1);
	for (c = 0; c < ncols; c++)
		json_object_array_add(a, json_object_new_string(
			c == 0 ? tag : c == 20 ? "物理破壊へ切替"
			: c == 21 ? NOTE : c == 15 ? "2025-12-01 17:24" : ""));
	return a;
}

/* n rows of ncols cells; ncols 22 is right. */
static void
led_make(struct led *x, size_t n, size_t ncols)
{
	struct json_object *r = json_object_new_object(), *o, *a;
	char id[37];
	uint8_t md[32];
	size_t i;

	memset(x, 0, sizeof(*x));
	assert_int_equal(wc_uuid4(id), 0);
	json_object_object_add(r, "schema",
			       json_object_new_string(CERT_LEDGER_SCHEMA));
	json_object_object_add(r, "id", json_object_new_string(id));
	o = json_object_new_object();
	json_object_object_add(o, "time", json_object_new_string(
					  "2025-12-03T09:00:00+09:00"));
	json_object_object_add(r, "issued", o);
	a = json_object_new_array();
	for (i = 0; i < ncols; i++)
		json_object_array_add(a, json_object_new_string(
						 columns[i % 22]));
	json_object_object_add(r, "columns", a);
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, row(i, 22));
	json_object_object_add(r, "rows", a);
	assert_int_equal(cert_record_serialise(r, &x->text, &x->len), 0);
	json_object_put(r);
	wc_sha256(x->text, x->len, md);
	wc_hex(x->sha, md, sizeof(md));
	x->in.kind = CERT_DOC_LEDGER;
	x->in.record_text = x->text;
	x->in.record_len = x->len;
	x->in.record_sha256 = x->sha;
	x->in.signer_name = "山田 太郎";
	x->in.signer_fingerprint = FPR;
	x->in.register_seq = -1;
	x->in.font_path = PT_FONT;
	x->in.issued = 1764720000;
}

static void
test_render(void **state)
{
	size_t len, slen;
	uint8_t *pdf;
	char *s, lit[80];
	struct led x;
	int pages;

	(void)state;
	if (!pt_have_font())
		return;
	led_make(&x, 120, 22);
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), 0);
	pages = pt_pages(pdf, len);
	assert_true(pages >= 3);
	/* Landscape A4. */
	assert_non_null(memmem(pdf, len, "/MediaBox [ 0 0 841.89001 595.276 ]",
			       35));
	s = pt_streams(pdf, len, &slen);
	assert_true(pt_has(s, slen, "記録媒体管理簿"));
	assert_true(pt_has(s, slen, "NRM-0001"));
	assert_true(pt_has(s, slen, "NRM-0120"));
	assert_int_equal(pt_count(s, slen, "物理破壊へ切替"), 120);
	/* The header row on every page, and the page numbers. */
	assert_int_equal(pt_count(s, slen, "シリアル番号"), pages);
	assert_int_equal(pt_count(s, slen, "管理番号"), pages);
	snprintf(lit, sizeof(lit), "%d枚中1枚目", pages);
	assert_true(pt_has(s, slen, lit));
	snprintf(lit, sizeof(lit), "%d枚中%d枚目", pages, pages);
	assert_true(pt_has(s, slen, lit));
	/* A long note is broken into lines: never shown whole. */
	assert_false(pt_has(s, slen, NOTE));
	assert_true(pt_has(s, slen, "消去不能のため"));
	snprintf(lit, sizeof(lit), "(%s) Tj", x.sha);
	assert_non_null(memmem(s, slen, lit, strlen(lit)));
	snprintf(lit, sizeof(lit), "(%s) Tj", FPR);
	assert_non_null(memmem(s, slen, lit, strlen(lit)));
	assert_non_null(memmem(s, slen, x.text, x.len));
	free(s);
	free(pdf);
	free(x.text);
}

static void
test_empty(void **state)
{
	size_t len, slen;
	uint8_t *pdf;
	struct led x;
	char *s;

	(void)state;
	if (!pt_have_font())
		return;
	led_make(&x, 0, 22);
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), 0);
	assert_int_equal(pt_pages(pdf, len), 1);
	s = pt_streams(pdf, len, &slen);
	assert_true(pt_has(s, slen, "記載なし No media in the register."));
	free(s);
	free(pdf);
	free(x.text);
}

/* After an edit of x->text: its length and SHA-256 again. */
static void
rehash(struct led *x)
{
	uint8_t md[32];

	x->len = strlen(x->text);
	x->in.record_len = x->len;
	wc_sha256(x->text, x->len, md);
	wc_hex(x->sha, md, sizeof(md));
}

static void
test_refused(void **state)
{
	uint8_t *pdf = NULL;
	struct led x;
	size_t len;
	char *p;

	(void)state;
	led_make(&x, 2, 21);
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	free(x.text);
	led_make(&x, 2, 22);
	p = strstr(x.text, "\"NRM-0002\",");	/* a row of 21 cells */
	assert_non_null(p);
	memmove(p, p + 11, strlen(p + 11) + 1);
	rehash(&x);
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	free(x.text);
	led_make(&x, 2, 22);
	p = strstr(x.text, CERT_LEDGER_SCHEMA);
	assert_non_null(p);
	p[strlen(CERT_LEDGER_SCHEMA) - 1] = '9';
	rehash(&x);
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	p[strlen(CERT_LEDGER_SCHEMA) - 1] = '1';
	x.in.record_sha256 = FPR;
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	assert_null(pdf);
	free(x.text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_refused),
	};

	wc_tz_set("Asia/Tokyo");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
