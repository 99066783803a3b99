/*
 * test_certs_report.c - the 返還・処分完了報告書 (certs/pdfreport.c and
 * the tables and framed alert of pdf.c), rendered from wipecert.report/1
 * JSON: the media needing attention come first, in a frame; every
 * medium of the contract is listed with its 管理番号 and certificate,
 * across pages under a repeated header; the register head is printed;
 * and JSON that is not a report is refused.  Also times a report of
 * 200 media.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "certs/pdfmodel.h"
#include "tests/pdftest.h"

#define FPR "3b5f0c1d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"
#define HEAD "aa5f0c1d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5dff"
#define CERTSHA \
	"c0ffee0d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d00"

struct rep {
	char *text;
	size_t len;
	char sha[65];
	struct wc_config cfg;
	struct cert_render_in in;
};

static void
put(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

/* Medium i: erased, or (every 7th) failed, (every 11th) still out. */
static struct json_object *
medium(size_t i, int *attention)
{
	struct json_object *o = json_object_new_object(), *c, *a;
	char tag[32], cid[48];
	int failed = i % 7 == 3, out = i % 11 == 5;

	snprintf(tag, sizeof(tag), "NRM-%04zu", i + 1);
	snprintf(cid, sizeof(cid), "00000000-0000-4000-8000-%012zu", i);
	put(o, "asset_tag", tag);
	put(o, "key", tag);
	put(o, "type", "HDD");
	put(o, "vendor", "ACME");
	put(o, "model", "Spinner 256");
	put(o, "serial", "SN-1234");
	put(o, "capacity", "500.1 GB");
	put(o, "disposal", "erasure");
	put(o, "method", "Clear / 上書き消去 (zero)");
	put(o, "time", "2025-12-01T17:24:05+09:00");
	put(o, "outcome", failed ? "fail" : "pass");
	put(o, "result", failed ? "消去不能（要物理破壊）" : "正常完了");
	c = json_object_new_object();
	put(c, "id", cid);
	put(c, "doc", failed ? "failure" : "erasure");
	put(c, "sha256", CERTSHA);
	json_object_object_add(o, "certificate", c);
	json_object_object_add(o, "out", json_object_new_boolean(out));
	a = json_object_new_array();
	if (failed)
		json_object_array_add(a, json_object_new_string(
					      "消去不能（未処分）"));
	if (out)
		json_object_array_add(a, json_object_new_string(
					      "搬出中（返却未確認）"));
	json_object_object_add(o, "attention", a);
	put(o, "note", out ? "搬出中（返却未確認）" : NULL);
	*attention += failed || out;
	return o;
}

static void
counts(struct json_object *r, size_t n, int attention, int failed, int out)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "media", json_object_new_int64((int64_t)n));
	json_object_object_add(c, "erased",
			       json_object_new_int64((int64_t)n - failed));
	json_object_object_add(c, "failed", json_object_new_int64(failed));
	json_object_object_add(c, "out", json_object_new_int64(out));
	json_object_object_add(c, "attention",
			       json_object_new_int64(attention));
	json_object_object_add(r, "counts", c);
	json_object_object_add(r, "complete",
			       json_object_new_boolean(attention == 0));
}

/* A report of n media; schema and contract may be replaced (NULL: none). */
static void
rep_make(struct rep *x, size_t n, const char *schema, const char *contract)
{
	struct json_object *r = json_object_new_object(), *o, *h, *a;
	int attention = 0, failed = 0, out = 0;
	char id[37];
	uint8_t md[32];
	size_t i;

	memset(x, 0, sizeof(*x));
	assert_int_equal(wc_uuid4(id), 0);
	put(r, "schema", schema);
	put(r, "id", id);
	o = json_object_new_object();
	put(o, "time", "2025-12-03T09:00:00+09:00");
	json_object_object_add(r, "issued", o);
	o = json_object_new_object();
	put(o, "number", contract);
	put(o, "manager", "鈴木 一郎");
	json_object_object_add(r, "contract", o);
	o = json_object_new_object();
	h = json_object_new_object();
	json_object_object_add(h, "seq", json_object_new_int64(812));
	put(h, "hash", HEAD);
	put(o, "file", "register.jsonl");
	json_object_object_add(o, "entries", json_object_new_int64(812));
	json_object_object_add(o, "head", h);
	json_object_object_add(r, "register", o);
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		json_object_array_add(a, medium(i, &attention));
		failed += i % 7 == 3;
		out += i % 11 == 5;
	}
	counts(r, n, attention, failed, out);
	json_object_object_add(r, "media", a);
	assert_int_equal(cert_record_serialise(r, &x->text, &x->len), 0);
	json_object_put(r);
	wc_sha256(x->text, x->len, md);
	wc_hex(x->sha, md, sizeof(md));
	wc_config_init(&x->cfg);
	assert_int_equal(wc_config_set(&x->cfg, "addressee", "練馬区長"), 0);
	x->in.kind = CERT_DOC_REPORT;
	x->in.record_text = x->text;
	x->in.record_len = x->len;
	x->in.record_sha256 = x->sha;
	x->in.cfg = &x->cfg;
	x->in.signer_name = "山田 太郎";
	x->in.signer_fingerprint = FPR;
	x->in.register_seq = -1;
	x->in.font_path = PT_FONT;
	x->in.issued = 1764720000;
}

static void
rep_release(struct rep *x)
{
	wc_config_release(&x->cfg);
	free(x->text);
}

static void
test_model(void **state)
{
	struct cert_model m;
	struct rep x;
	size_t i, alerts = 0;

	(void)state;
	rep_make(&x, 12, CERT_REPORT_SCHEMA, "練総契第123号");
	assert_int_equal(cert_model_build(&x.in, &m), 0);
	assert_string_equal(m.title_ja, "返還・処分完了報告書");
	assert_non_null(strstr(m.body_ja, "完了していません"));
	assert_string_equal(m.number_label, "報告書番号 Report No. ");
	/* The alert and the attention table come first: NRM-0004 failed,
	 * NRM-0006 is still out, NRM-0011 failed. */
	for (i = 0; i < m.nrows; i++)
		alerts += m.rows[i].kind == CERT_ROW_ALERT;
	assert_int_equal(alerts, 1);
	assert_int_equal(m.rows[1].kind, CERT_ROW_ALERT);
	assert_non_null(strstr(m.rows[1].value, "要対応 3件"));
	assert_int_equal(m.rows[2].kind, CERT_ROW_TABLE);
	assert_int_equal(m.tables[0].nrows, 3);
	assert_string_equal(m.tables[0].cells[0], "NRM-0004");
	assert_string_equal(m.tables[0].cells[4], "NRM-0006");
	assert_non_null(strstr(m.tables[0].cells[6], "搬出中"));
	/* Every medium, numbered, with its certificate in two lines. */
	assert_int_equal(m.tables[1].nrows, 12);
	assert_string_equal(m.tables[1].cells[6 * 11], "12");
	assert_string_equal(m.tables[1].cells[6 * 11 + 1], "NRM-0012");
	assert_non_null(strstr(m.tables[1].cells[5], CERTSHA + 32));
	assert_non_null(strstr(m.tables[1].cells[3], "令和7年12月1日"));
	cert_model_release(&m);
	rep_release(&x);
}

static void
test_model_complete(void **state)
{
	struct cert_model m;
	struct rep x;

	(void)state;
	rep_make(&x, 3, CERT_REPORT_SCHEMA, "練総契第123号");
	assert_int_equal(cert_model_build(&x.in, &m), 0);
	assert_non_null(strstr(m.body_ja, "全ての媒体の処分が完了"));
	assert_int_equal(m.rows[1].kind, CERT_ROW_ITEM);
	assert_non_null(strstr(m.rows[1].value, "なし"));
	assert_int_equal(m.ntables, 1);
	cert_model_release(&m);
	rep_release(&x);
}

static void
test_render(void **state)
{
	struct timespec t0, t1;
	char *s, lit[80];
	size_t len, slen;
	uint8_t *pdf;
	struct rep x;
	int pages;

	(void)state;
	if (!pt_have_font())
		return;
	rep_make(&x, 200, CERT_REPORT_SCHEMA, "練総契第123号");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("report of 200 media: %d pages, %zu bytes, rendered in "
		      "%.0f ms\n", pt_pages(pdf, len), len,
		      (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	pages = pt_pages(pdf, len);
	assert_true(pages >= 5);
	s = pt_streams(pdf, len, &slen);
	assert_true(pt_has(s, slen, "NRM-0001"));
	assert_true(pt_has(s, slen, "NRM-0200"));
	assert_true(pt_has(s, slen, "返還・処分完了報告書"));
	assert_true(pt_has(s, slen, "要対応の媒体"));
	/* The media table's header is repeated on each of its pages. */
	assert_true(pt_count(s, slen, "処分の方法・日時") >= pages / 2);
	assert_true(pt_count(s, slen, "処分の方法・日時") < pages);
	snprintf(lit, sizeof(lit), "%d枚中%d枚目", pages, pages);
	assert_true(pt_has(s, slen, lit));
	snprintf(lit, sizeof(lit), "(%s) Tj", x.sha);
	assert_non_null(memmem(s, slen, lit, strlen(lit)));
	snprintf(lit, sizeof(lit), "(%s) Tj", HEAD);
	assert_non_null(memmem(s, slen, lit, strlen(lit)));
	free(s);
	free(pdf);
	rep_release(&x);
}

static void
test_refused(void **state)
{
	uint8_t *pdf = NULL;
	struct rep x;
	size_t len;

	(void)state;
	rep_make(&x, 2, CERT_RECORD_SCHEMA, "練総契第123号");
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	rep_release(&x);
	rep_make(&x, 2, CERT_REPORT_SCHEMA, NULL);
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	rep_release(&x);
	rep_make(&x, 2, CERT_REPORT_SCHEMA, "練総契第123号");
	x.in.record_sha256 = HEAD;
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	x.in.record_sha256 = x.sha;
	x.in.kind = CERT_DOC_DESTRUCTION;
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	assert_null(pdf);
	rep_release(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_model_complete),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_refused),
	};

	wc_tz_set("Asia/Tokyo");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
