/*
 * test_certs_destroy.c - physical destruction (certs/destruction.c,
 * pdfdestroy.c and the photo grid of pdf.c): the wipecert.destruction/1
 * record, with the SHA-256 of each photo; the 物理破壊証明書 rendered
 * from it, showing the 管理番号, the method, 物理破壊へ切替 after a failed
 * erasure and the photos; and every refusal (a bad method, "other"
 * without text, a photo that is not JPEG or PNG, a photo changed after
 * the record was made, the wrong kind of record).
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

#include "certs/pdfmodel.h"
#include "tests/pdftest.h"

#define TAG "NRM-HDD-0042"
#define PRIOR "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
#define FPR "3b5f0c1d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"
#define ENTRY "aa5f0c1d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5dff"

static char dir[64];
static char png[128], jpg[128], txt[128];

/* ---- photo files ------------------------------------------------------ */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
	uint8_t head[8], crc[4];
	uLong c = crc32(0, (const Bytef *)type, 4);

	put32(head, len);
	memcpy(head + 4, type, 4);
	if (len > 0)
		c = crc32(c, data, len);
	put32(crc, (uint32_t)c);
	assert_int_equal(fwrite(head, 1, 8, f), 8);
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fwrite(crc, 1, 4, f), 4);
}

/* A valid 8 x 8 RGB PNG, a red-to-blue gradient. */
static void
write_png(const char *path)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10 };
	uint8_t ihdr[13] = { 0 }, raw[8 * 25], z[512];
	uLongf zlen = sizeof(z);
	FILE *f = fopen(path, "wb");
	int x, y;

	assert_non_null(f);
	put32(ihdr, 8);
	put32(ihdr + 4, 8);
	ihdr[8] = 8;	/* bit depth */
	ihdr[9] = 2;	/* RGB */
	for (y = 0; y < 8; y++) {
		raw[y * 25] = 0;	/* filter: none */
		for (x = 0; x < 8; x++) {
			raw[y * 25 + 1 + x * 3] = (uint8_t)(x * 32);
			raw[y * 25 + 2 + x * 3] = 64;
			raw[y * 25 + 3 + x * 3] = (uint8_t)(y * 32);
		}
	}
	assert_int_equal(compress(z, &zlen, raw, sizeof(raw)), Z_OK);
	assert_int_equal(fwrite(sig, 1, 8, f), 8);
	chunk(f, "IHDR", ihdr, sizeof(ihdr));
	chunk(f, "IDAT", z, (uint32_t)zlen);
	chunk(f, "IEND", NULL, 0);
	assert_int_equal(fclose(f), 0);
}

/* A JPEG as far as libharu reads one: SOI, a baseline SOF0, EOI. */
static void
write_jpeg(const char *path)
{
	static const uint8_t j[] = {
		0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x04, 0x00,
		0x04, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9,
	};
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(j, 1, sizeof(j), f), sizeof(j));
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	FILE *f;

	(void)state;
	wc_tz_set("Asia/Tokyo");
	snprintf(dir, sizeof(dir), "/tmp/wc-destroy-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(png, sizeof(png), "%s/写真 1.png", dir);
	snprintf(jpg, sizeof(jpg), "%s/crushed.jpg", dir);
	snprintf(txt, sizeof(txt), "%s/notes.txt", dir);
	write_png(png);
	write_jpeg(jpg);
	f = fopen(txt, "w");
	if (f == NULL || fputs("not a photo\n", f) < 0 || fclose(f) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- the record --------------------------------------------------------- */

static void
typed(struct cert_destruction *d)
{
	memset(d, 0, sizeof(*d));
	assert_int_equal(wc_uuid4(d->id), 0);
	d->issued = 1764573845;		/* 2025-12-01T16:24:05+09:00 */
	d->when = 1764572400;
	d->timezone = "Asia/Tokyo";
	d->contract.number = "練総契第123号";
	d->people.operator_name = "山田 太郎";
	d->people.witness = "練馬 花子";
	d->asset_tag = TAG;
	d->media_type = "hdd";
	d->vendor = "ACME";
	d->model = "Spinner 256";
	d->serial = "SN-TEST-0042";
	d->capacity = "500GB";
	d->method = "shred";
	d->place = "株式会社テスト消去 破砕室";
	d->tool.name = "wipecert";
	d->tool.version = "0.1.0";
}

/* Build, serialise, and give the text and its SHA-256. */
static int
build(const struct cert_destruction *d, char **text, size_t *len,
      char sha[65])
{
	struct json_object *o;
	uint8_t md[32];
	int ret;

	ret = cert_destruction_build(d, &o);
	if (ret != 0)
		return ret;
	assert_int_equal(cert_record_serialise(o, text, len), 0);
	json_object_put(o);
	wc_sha256(*text, *len, md);
	wc_hex(sha, md, sizeof(md));
	return 0;
}

static const char *
js(struct json_object *o, const char *a, const char *b)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, a, &x) ||
	    (b != NULL && !json_object_object_get_ex(x, b, &x)) || x == NULL)
		return NULL;
	return json_object_get_string(x);
}

static void
test_methods(void **state)
{
	(void)state;
	assert_true(cert_destroy_method_valid("shred"));
	assert_true(cert_destroy_method_valid("degauss"));
	assert_true(cert_destroy_method_valid("other"));
	assert_false(cert_destroy_method_valid("burn"));
	assert_false(cert_destroy_method_valid(NULL));
	assert_string_equal(cert_destroy_method_text("drill"),
			    "穿孔 (drilling)");
	assert_null(cert_destroy_method_text("Shred"));
}

static void
test_record(void **state)
{
	struct cert_destruction d;
	struct json_object *o, *p;
	char *text, sha[65], hex[65];
	uint8_t md[32];
	size_t len;

	(void)state;
	typed(&d);
	d.photos[0] = png;
	d.photos[1] = jpg;
	d.nphotos = 2;
	d.prior_record_id = PRIOR;
	d.prior_entry = 17;
	assert_int_equal(build(&d, &text, &len, sha), 0);
	o = json_tokener_parse(text);
	assert_non_null(o);
	assert_string_equal(js(o, "schema", NULL), CERT_DESTRUCTION_SCHEMA);
	assert_string_equal(js(o, "result", NULL), "destroyed");
	assert_string_equal(js(o, "id", NULL), d.id);
	assert_string_equal(js(o, "media", "asset_tag"), TAG);
	assert_string_equal(js(o, "media", "identity_source"), "typed");
	assert_string_equal(js(o, "media", "capacity"), "500GB");
	assert_string_equal(js(o, "destruction", "method"), "shred");
	assert_string_equal(js(o, "destruction", "nist_category"), "Destroy");
	assert_string_equal(js(o, "destruction", "time"),
			    "2025-12-01T16:00:00+09:00");
	assert_string_equal(js(o, "prior_erasure", "record_id"), PRIOR);
	assert_string_equal(js(o, "prior_erasure", "entry"), "17");
	assert_true(json_object_object_get_ex(o, "photos", &p));
	assert_int_equal(json_object_array_length(p), 2);
	p = json_object_array_get_idx(p, 0);
	assert_string_equal(js(p, "file", NULL), "写真 1.png");
	assert_string_equal(js(p, "type", NULL), "image/png");
	assert_int_equal(wc_sha256_file(png, md), 0);
	wc_hex(hex, md, sizeof(md));
	assert_string_equal(js(p, "sha256", NULL), hex);
	json_object_put(o);
	free(text);
}

static void
test_record_refused(void **state)
{
	struct cert_destruction d;
	struct json_object *o;

	(void)state;
	typed(&d);
	d.method = "burn";
	assert_int_equal(cert_destruction_build(&d, &o), -EINVAL);
	d.method = "other";
	assert_int_equal(cert_destruction_build(&d, &o), -EINVAL);
	d.method_text = "溶解 (melted)";
	assert_int_equal(cert_destruction_build(&d, &o), 0);
	json_object_put(o);
	d.photos[0] = txt;
	d.nphotos = 1;
	assert_int_equal(cert_destruction_build(&d, &o), -EINVAL);
	d.photos[0] = "/nonexistent/photo.jpg";
	assert_int_equal(cert_destruction_build(&d, &o), -ENOENT);
	d.photos[0] = png;
	d.nphotos = CERT_MAX_PHOTOS + 1;
	assert_int_equal(cert_destruction_build(&d, &o), -EINVAL);
	d.nphotos = 0;
	d.when = 0;
	assert_int_equal(cert_destruction_build(&d, &o), -EINVAL);
}

/* ---- the certificate ---------------------------------------------------- */

struct doc {
	char *text;
	size_t len;
	char sha[65];
	const char *photos[CERT_MAX_PHOTOS];
	struct cert_render_in in;
	struct wc_config cfg;
};

static void
doc_init(struct doc *x, int with_prior)
{
	struct cert_destruction d;

	memset(x, 0, sizeof(*x));
	typed(&d);
	d.photos[0] = jpg;
	d.photos[1] = png;
	d.nphotos = 2;
	if (with_prior) {
		d.prior_record_id = PRIOR;
		d.prior_entry = 17;
	}
	assert_int_equal(build(&d, &x->text, &x->len, x->sha), 0);
	wc_config_init(&x->cfg);
	assert_int_equal(wc_config_set(&x->cfg, "addressee", "練馬区長"), 0);
	x->photos[0] = jpg;
	x->photos[1] = png;
	x->in.kind = CERT_DOC_DESTRUCTION;
	x->in.record_text = x->text;
	x->in.record_len = x->len;
	x->in.record_sha256 = x->sha;
	x->in.cfg = &x->cfg;
	x->in.signer_name = "山田 太郎";
	x->in.signer_fingerprint = FPR;
	x->in.register_seq = 18;
	x->in.register_hash = ENTRY;
	x->in.font_path = PT_FONT;
	x->in.issued = 1764573845;
	x->in.photos = x->photos;
	x->in.nphotos = 2;
}

static void
doc_release(struct doc *x)
{
	wc_config_release(&x->cfg);
	free(x->text);
}

static const struct cert_row *
row(const struct cert_model *m, const char *en)
{
	size_t i;

	for (i = 0; i < m->nrows; i++)
		if (m->rows[i].en != NULL && strcmp(m->rows[i].en, en) == 0)
			return &m->rows[i];
	fail_msg("no row '%s'", en);
	return NULL;
}

static void
test_model(void **state)
{
	struct cert_model m;
	struct doc x;

	(void)state;
	if (!pt_have_font())
		return;
	doc_init(&x, 1);
	assert_int_equal(cert_model_build(&x.in, &m), 0);
	assert_string_equal(m.title_ja, "物理破壊証明書");
	assert_non_null(strstr(m.body_ja, "物理破壊へ切り替え"));
	assert_string_equal(m.media[CERT_MEDIA_TAG], TAG);
	assert_string_equal(m.media[CERT_MEDIA_SIZE], "500GB");
	assert_string_equal(row(&m, "Method")->value, "細断 (shredding)");
	assert_non_null(strstr(row(&m, "History")->value, "物理破壊へ切替"));
	assert_non_null(strstr(row(&m, "History")->value, PRIOR));
	assert_non_null(strstr(row(&m, "Location")->value, "破砕室"));
	assert_int_equal(m.nphotos, 2);
	assert_false(m.photos[0].png);
	assert_true(m.photos[1].png);
	assert_non_null(strstr(m.photos[1].caption, "写真 1.png"));
	assert_string_equal(row(&m, "Register entry hash")->value, ENTRY);
	cert_model_release(&m);
	doc_release(&x);
}

static void
test_render(void **state)
{
	size_t len, slen;
	uint8_t *pdf;
	char *s, lit[80];
	struct doc x;

	(void)state;
	if (!pt_have_font())
		return;
	doc_init(&x, 1);
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), 0);
	s = pt_streams(pdf, len, &slen);
	assert_true(pt_has(s, slen, TAG));
	assert_true(pt_has(s, slen, "物理破壊証明書"));
	assert_true(pt_has(s, slen, "細断 (shredding)"));
	assert_true(pt_has(s, slen, "物理破壊へ切替"));
	assert_true(pt_has(s, slen, "写真1 Photo 1: crushed.jpg"));
	snprintf(lit, sizeof(lit), "(%s) Tj", x.sha);
	assert_non_null(memmem(s, slen, lit, strlen(lit)));
	snprintf(lit, sizeof(lit), "(%s) Tj", ENTRY);
	assert_non_null(memmem(s, slen, lit, strlen(lit)));
	/* the JPEG as it is, the PNG decoded, and the QR code */
	assert_non_null(memmem(pdf, len, "/DCTDecode", 10));
	assert_non_null(memmem(pdf, len, "/DeviceRGB", 10));
	assert_non_null(memmem(s, slen, x.text, x.len));
	free(s);
	free(pdf);
	doc_release(&x);
}

static void
test_render_refused(void **state)
{
	uint8_t *pdf = NULL;
	struct doc x;
	size_t len;
	const char *swapped[2] = { png, jpg };

	(void)state;
	if (!pt_have_font())
		return;
	doc_init(&x, 0);
	/* the photos in another order: not the files the record hashed */
	x.in.photos = swapped;
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	x.in.photos = x.photos;
	x.in.nphotos = 1;
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	x.in.nphotos = 2;
	x.in.kind = CERT_DOC_ERASURE;
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	x.in.kind = CERT_DOC_DESTRUCTION;
	x.in.record_sha256 = ENTRY;
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	x.in.record_sha256 = x.sha;
	x.text[10] ^= 1;	/* the record changed after it was hashed */
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), -EINVAL);
	x.text[10] ^= 1;
	assert_int_equal(cert_pdf_render(&x.in, &pdf, &len), 0);
	assert_non_null(pdf);
	free(pdf);
	doc_release(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_record_refused),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
