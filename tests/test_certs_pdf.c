/*
 * test_certs_pdf.c - certificates and failure reports (certs/pdf.c,
 * pdfmodel.c, pdffields.c, pdfparts.c): what the model prints, the QR
 * payload and image, and in the rendered PDF the SHA-256 literal, the
 * embedded record (found and inflated with zlib), and the refusals.
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
#include <qrencode.h>
#include <zlib.h>

#include "certs/pdfmodel.h"

#define IPAEX "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
#define ID "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
#define FPR "3b5f0c1d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"
#define REG "aa5f0c1d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5dff"

/* ---- records -------------------------------------------------------- */

struct rec {
	char *text;
	size_t len;
	char sha[65];
};

/* The record template: result, operator, hidden areas, failures. */
static const char record_fmt[] =
	"{\"schema\":\"wipecert.record/1\",\"id\":\"" ID "\","
	"\"result\":\"%s\",\"issued\":{\"time\":"
	"\"2025-12-01T00:10:00+09:00\",\"time_zone\":\"Asia/Tokyo\","
	"\"time_source\":\"system clock\",\"clock_synchronized\":false},"
	"\"contract\":{\"number\":\"NRM-2025-0042\",\"department\":null,"
	"\"contractor\":\"株式会社ネリマデータサービス\",\"manager\":null},"
	"\"people\":{\"operator\":\"%s\",\"witness\":\"練馬 花子\","
	"\"verifier\":null},\"media\":{\"asset_tag\":\"NRM-HDD-0001\","
	"\"type\":\"hdd\",\"transport\":\"sata\",\"path\":\"/dev/sdz\","
	"\"vendor\":\"ACME\",\"model\":\"Spinner 256\",\"serial\":"
	"\"SN-TEST-0042\",\"firmware\":\"1.0\",\"wwn\":null,"
	"\"size_bytes\":268435456,\"logical_sector_size\":512,"
	"\"physical_sector_size\":4096,\"rotational\":true,"
	"\"removable\":false,\"identity_source\":\"sysfs\","
	"\"hidden_areas\":%s,\"security\":{\"supported\":null,"
	"\"enabled\":null,\"locked\":null,\"frozen\":null},"
	"\"contents_before\":{\"probed\":true,\"pttype\":\"gpt\","
	"\"ptuuid\":null,\"items\":[{\"partno\":1,\"offset\":1048576,"
	"\"size\":1000,\"type\":\"ext4\",\"label\":\"データ\",\"uuid\":null,"
	"\"part_name\":null}]}},\"technique\":{\"nist_category\":\"Clear\","
	"\"method\":\"random\",\"requested_method\":\"auto\",\"reason\":"
	"\"one random overwrite pass (Clear)\",\"standard\":\"NIST SP "
	"800-88 Clear\",\"io_mode\":\"direct\",\"destroy_recommended\":"
	"false,\"passes_planned\":1,\"started\":"
	"\"2025-11-30T23:50:00+09:00\",\"ended\":"
	"\"2025-12-01T00:09:59+09:00\",\"passes\":[{\"number\":1,"
	"\"pattern\":\"random\",\"seed\":"
	"\"81070fa6ac765fb9144f12c413474799\",\"verified\":true,"
	"\"bytes_written\":268435456,\"aborted\":false,\"unwritable\":"
	"{\"sectors\":%d,\"ranges\":[%s],\"truncated\":false},"
	"\"sync_error\":null}]%s},\"verification\":{\"mode\":\"sample\","
	"\"pattern\":\"random\",\"seed\":"
	"\"81070fa6ac765fb9144f12c413474799\",\"plan\":{\"prng\":"
	"\"splitmix64\",\"seed\":\"48e0e91a297c93c8\",\"subsections\":"
	"1000,\"extents\":1939,\"sector_size\":512,\"bytes_planned\":1},"
	"\"bytes_read\":36168499,\"coverage_ppm\":134738,"
	"\"mismatches\":{\"sectors\":%d,\"ranges\":[%s],"
	"\"truncated\":false},\"unreadable\":{\"sectors\":0,\"ranges\":[],"
	"\"truncated\":false}%s,\"signature_probe\":{\"tool\":\"libblkid\","
	"\"clean\":true,\"found\":null}},\"errors\":[%s],\"tool\":{"
	"\"name\":\"wipecert\",\"version\":\"0.1.0\",\"binary_sha256\":"
	"\"0a4bbd90348a58a33760077bc4b23c2ceb961b272d15ef775f479e43845da229\","
	"\"host\":\"vm\"}}\n";

/*
 * A record as wipecert writes it (compact here), with a few knobs; tech
 * and verif are inserted at the end of technique and before the
 * signature probe ("" for nothing, else starting with a comma).
 */
static void
rec_make_ex(struct rec *r, const char *result, const char *op,
	    const char *hidden, int failed, const char *tech,
	    const char *verif)
{
	uint8_t sum[32];
	int n;

	n = asprintf(&r->text, record_fmt, result, op, hidden, failed ? 8 : 0,
		     failed ? "[1000,8]" : "", tech, failed ? 24 : 0,
		     failed ? "[5000,16],[9000,8]" : "", verif,
		     failed ? "{\"stage\":\"erase\",\"message\":\"write "
			      "failed\",\"errno\":\"Input/output error\"}"
			    : "");
	assert_true(n > 0);
	r->len = (size_t)n;
	wc_sha256(r->text, r->len, sum);
	wc_hex(r->sha, sum, sizeof(sum));
}

static void
rec_make(struct rec *r, const char *result, const char *op,
	 const char *hidden, int failed)
{
	rec_make_ex(r, result, op, hidden, failed, "", "");
}

#define NO_HIDDEN                                                          \
	"{\"visible_max_lba\":null,\"native_max_lba\":null,"              \
	"\"hpa_enabled\":null,\"dco_present\":null}"

static void
rec_pass(struct rec *r)
{
	rec_make(r, "pass", "山田 太郎", NO_HIDDEN, 0);
}

static void
in_init(struct cert_render_in *in, const struct rec *r, enum cert_doc kind,
	const struct wc_config *cfg)
{
	memset(in, 0, sizeof(*in));
	in->kind = kind;
	in->record_text = r->text;
	in->record_len = r->len;
	in->record_sha256 = r->sha;
	in->cfg = cfg;
	in->signer_name = "山田 太郎";
	in->signer_fingerprint = FPR;
	in->register_seq = -1;
	in->font_path = IPAEX;
	in->issued = 1764516600;	/* 2025-11-30T15:30:00Z */
}

static void
cfg_ward(struct wc_config *cfg)
{
	wc_config_init(cfg);
	assert_int_equal(wc_config_set(cfg, "addressee", "練馬区長"), 0);
	assert_int_equal(wc_config_set(cfg, "department",
				       "練馬区 総務部情報政策課"), 0);
	assert_int_equal(wc_config_set(cfg, "destination",
				       "練馬区へ返却"), 0);
}

/* ---- the model ------------------------------------------------------ */

static const struct cert_row *
row(const struct cert_model *m, const char *en)
{
	size_t i;

	for (i = 0; i < m->nrows; i++)
		if (m->rows[i].kind != CERT_ROW_SECTION &&
		    strcmp(m->rows[i].en, en) == 0)
			return &m->rows[i];
	fail_msg("no row '%s'", en);
	return NULL;
}

static void
expect_row(const struct cert_model *m, const char *en, const char *value)
{
	assert_string_equal(row(m, en)->value, value);
}

static void
expect_in_row(const struct cert_model *m, const char *en, const char *part)
{
	const char *v = row(m, en)->value;

	if (strstr(v, part) == NULL)
		fail_msg("row '%s' is '%s', without '%s'", en, v, part);
}

static void
test_model_erasure(void **state)
{
	struct cert_render_in in;
	struct cert_model m;
	struct wc_config cfg;
	struct rec r;

	(void)state;
	rec_pass(&r);
	cfg_ward(&cfg);
	in_init(&in, &r, CERT_DOC_ERASURE, &cfg);
	assert_int_equal(cert_model_build(&in, &m), 0);
	assert_string_equal(m.id, ID);
	assert_string_equal(m.sha256, r.sha);
	assert_string_equal(m.title_ja, "データ消去証明書");
	assert_string_equal(m.addressee, "練馬区長 殿");
	/* Issued 00:30 JST, 15:30 UTC the day before. */
	assert_string_equal(m.issue_date, "令和7年12月1日 (2025-12-01)");
	assert_int_equal(row(&m, "Record ID")->kind, CERT_ROW_MONO);
	assert_int_equal(row(&m, "SHA-256 of the record")->kind,
			 CERT_ROW_MONO);
	expect_row(&m, "SHA-256 of the record", r.sha);
	expect_row(&m, "Contract number", "NRM-2025-0042");
	expect_in_row(&m, "Contract provisions", "第18条⑺ 及び 第22条");
	/* Missing from the record, found in the configuration... */
	expect_row(&m, "Ward department", "練馬区 総務部情報政策課");
	expect_row(&m, "Post-sanitization destination", "練馬区へ返却");
	/* ...or in neither. */
	expect_row(&m, "Responsible manager", "—");
	expect_row(&m, "Title", "—");
	expect_row(&m, "Verified by", "—");
	expect_row(&m, "Hidden areas", "確認不可 (not checked)");
	expect_in_row(&m, "Method type", "消去 (Clear)");
	expect_in_row(&m, "Method", "上書き消去 (overwrite): random");
	expect_in_row(&m, "Parameters", "81070fa6ac765fb9144f12c413474799");
	expect_in_row(&m, "Verification method", "13.47%");
	expect_in_row(&m, "Verification method", "48e0e91a297c93c8");
	expect_in_row(&m, "Started", "令和7年11月30日 (2025-11-30) 23:50 (JST)");
	expect_in_row(&m, "Started", "[2025-11-30T23:50:00+09:00]");
	expect_in_row(&m, "Contents before (libblkid)", "#1 ext4 「データ」");
	expect_row(&m, "Result", "正常完了 (Completed)");
	expect_row(&m, "Signer certificate fingerprint", FPR);
	assert_int_equal(row(&m, "Signer certificate fingerprint")->kind,
			 CERT_ROW_MONO);
	expect_row(&m, "Register entry", "—");
	expect_row(&m, "Register entry hash", "—");
	assert_string_equal(m.media[CERT_MEDIA_SERIAL], "SN-TEST-0042");
	assert_string_equal(m.media[CERT_MEDIA_TAG], "NRM-HDD-0001");
	assert_string_equal(m.media[CERT_MEDIA_TYPE], "ハードディスク (HDD)");
	assert_string_equal(m.media[CERT_MEDIA_SIZE], "268.4 MB\n(256.0 MiB)");
	assert_string_equal(m.signers[CERT_SIGN_MANAGER], "—");
	assert_non_null(strstr(m.remarks, "NTP"));
	cert_model_release(&m);
	wc_config_release(&cfg);
	free(r.text);
}

static void
test_model_register_and_people(void **state)
{
	struct cert_render_in in;
	struct cert_model m;
	struct wc_config cfg;
	struct rec r;

	(void)state;
	rec_make(&r, "pass", "山田\\u0001太郎😀",
		 "{\"visible_max_lba\":100,\"native_max_lba\":200,"
		 "\"hpa_enabled\":true,\"dco_present\":false}", 0);
	wc_config_init(&cfg);
	assert_int_equal(wc_config_set(&cfg, "department", "総務課"), 0);
	in_init(&in, &r, CERT_DOC_ERASURE, &cfg);
	in.register_seq = 42;
	in.register_hash = REG;
	in.issued = 0;			/* the record's own issue time */
	assert_int_equal(cert_model_build(&in, &m), 0);
	assert_string_equal(m.addressee, "総務課 御中");
	assert_string_equal(m.issue_date, "令和7年12月1日 (2025-12-01)");
	expect_row(&m, "Register entry", "第42号 (entry No. 42)");
	expect_row(&m, "Register entry hash", REG);
	assert_int_equal(row(&m, "Register entry hash")->kind, CERT_ROW_MONO);
	/* Control characters become spaces; beyond the BMP, 〓. */
	expect_row(&m, "Name", "山田 太郎〓");
	expect_in_row(&m, "Hidden areas", "HPA: あり (yes), DCO: なし (no)");
	expect_in_row(&m, "Hidden areas", "可視 visible 100");
	cert_model_release(&m);
	wc_config_release(&cfg);
	free(r.text);
}

static void
test_model_failure(void **state)
{
	struct cert_render_in in;
	struct cert_model m;
	struct rec r;

	(void)state;
	rec_make(&r, "fail", "山田 太郎", NO_HIDDEN, 1);
	in_init(&in, &r, CERT_DOC_FAILURE, NULL);
	assert_int_equal(cert_model_build(&in, &m), 0);
	assert_string_equal(m.title_ja, "消去不能報告書");
	assert_string_equal(m.addressee, "—");
	expect_in_row(&m, "Errors", "erase: write failed (Input/output "
				    "error)");
	expect_in_row(&m, "Unwritable sectors", "#1: 8 セクタ sectors: LBA "
						"1,000–1,007");
	expect_in_row(&m, "Mismatched sectors", "24 セクタ sectors: LBA "
						"5,000–5,015, 9,000–9,007");
	expect_row(&m, "Unreadable sectors", "なし (none)");
	expect_in_row(&m, "Recommendation", "物理的破壊");
	expect_in_row(&m, "Result", "消去不能 (Failed)");
	cert_model_release(&m);
	free(r.text);
}

/* The firmware-erase parts of a record (certs/recordfw.c). */
static void
test_model_firmware(void **state)
{
	static const char hidden[] =
		"{\"visible_max_lba\":1000,\"native_max_lba\":2000,"
		"\"hpa_enabled\":true,\"dco_present\":false,"
		"\"dco_max_lba\":null,\"restore\":{\"checked\":true,"
		"\"present\":true,\"restore_requested\":true,"
		"\"restored\":true,\"before\":{\"visible_max_lba\":1000,"
		"\"native_max_lba\":2000,\"hpa_enabled\":true,"
		"\"dco_present\":false},\"after\":{\"visible_max_lba\":2000,"
		"\"native_max_lba\":2000,\"hpa_enabled\":false,"
		"\"dco_present\":false},\"message\":\"HPA removed\"}}";
	static const char tech[] =
		",\"scope\":\"whole device\",\"firmware\":{\"command\":"
		"\"SANITIZE CRYPTO SCRAMBLE EXT\",\"parameters\":"
		"\"FAILURE MODE=0\",\"accepted\":true,\"completed\":true,"
		"\"frozen\":false,\"drive_status\":{\"kind\":\"ata\","
		"\"ok\":true,\"message\":null,\"ata_status\":80,"
		"\"ata_error\":0},\"completion\":\"sanitize completed "
		"without error\",\"password\":null,\"steps\":[]}";
	static const char verif[] =
		",\"markers\":{\"digest\":\"sha256\",\"piece_bytes\":4096,"
		"\"pieces\":2002,\"bytes_written\":8200192,\"unwritable\":"
		"{\"sectors\":0,\"ranges\":[],\"truncated\":false},"
		"\"pattern_expected\":null}";
	struct cert_render_in in;
	struct cert_model m;
	struct rec r;

	(void)state;
	rec_make_ex(&r, "pass", "x", hidden, 0, tech, verif);
	in_init(&in, &r, CERT_DOC_ERASURE, NULL);
	assert_int_equal(cert_model_build(&in, &m), 0);
	expect_in_row(&m, "Hidden areas", "実施 restored はい (yes)");
	expect_in_row(&m, "Hidden areas", "消去時 at erase: HPA: なし (no)");
	expect_in_row(&m, "Hidden areas", "HPA removed");
	expect_in_row(&m, "Firmware command", "SANITIZE CRYPTO SCRAMBLE EXT "
					      "(FAILURE MODE=0)");
	expect_in_row(&m, "Firmware command", "完了 completed");
	expect_in_row(&m, "Firmware command", "正常 OK (ATA status 0x50, "
					      "error 0x00)");
	expect_in_row(&m, "Parameters", "対象範囲 scope: whole device");
	expect_in_row(&m, "Verification method",
		      "マーカー照合 markers: 2,002 個 pieces × 4096");
	expect_row(&m, "Firmware command",
		   "SANITIZE CRYPTO SCRAMBLE EXT (FAILURE MODE=0)\n"
		   "状態 state: 完了 completed\n"
		   "ドライブの応答 drive status: 正常 OK (ATA status 0x50, "
		   "error 0x00)\nsanitize completed without error");
	cert_model_release(&m);
	free(r.text);
	/* The same erase, unfinished: a failure report says so. */
	rec_make_ex(&r, "fail", "x", hidden, 0,
		    ",\"firmware\":{\"command\":\"SANITIZE BLOCK ERASE EXT\","
		    "\"accepted\":true,\"completed\":false,\"frozen\":true}",
		    "");
	in_init(&in, &r, CERT_DOC_FAILURE, NULL);
	assert_int_equal(cert_model_build(&in, &m), 0);
	expect_row(&m, "Aborted, incomplete, flush errors",
		   "ファームウェア消去 firmware erase: 未完了 not completed, "
		   "凍結 frozen");
	expect_in_row(&m, "Firmware command", "ドライブの応答 drive status: —");
	cert_model_release(&m);
	free(r.text);
}

/* ---- the QR code ---------------------------------------------------- */

static void
test_qr_payload(void **state)
{
	char buf[160], small[40];

	(void)state;
	assert_int_equal(cert_qr_payload(buf, sizeof(buf), ID, FPR), 0);
	assert_string_equal(buf, CERT_QR_PREFIX ID " " FPR);
	assert_string_equal(buf, "WIPECERT/1 " ID " " FPR);
	assert_int_equal(cert_qr_payload(small, sizeof(small), ID, FPR),
			 -ENAMETOOLONG);
	assert_int_equal(cert_qr_payload(buf, sizeof(buf), NULL, FPR),
			 -EINVAL);
}

static void
test_qr_image(void **state)
{
	const char *payload = CERT_QR_PREFIX ID " " FPR;
	QRcode *qr = QRcode_encodeString8bit(payload, 0, QR_ECLEVEL_M);
	unsigned px, x, y, n, mx, my;
	uint8_t *img;

	(void)state;
	assert_non_null(qr);
	n = (unsigned)qr->width;
	assert_int_equal(cert_qr_image(payload, &img, &px), 0);
	assert_int_equal(px, (n + 8) * CERT_QR_PX);
	for (y = 0; y < px; y++) {
		for (x = 0; x < px; x++) {
			mx = x / CERT_QR_PX;
			my = y / CERT_QR_PX;
			if (mx < 4 || my < 4 || mx >= n + 4 || my >= n + 4)
				assert_int_equal(img[y * px + x], 255);
			else
				assert_int_equal(
					img[y * px + x],
					qr->data[(my - 4) * n + mx - 4] & 1 ? 0
									    : 255);
		}
	}
	/* The top-left finder pattern is dark. */
	assert_int_equal(img[4 * CERT_QR_PX * px + 4 * CERT_QR_PX], 0);
	free(img);
	QRcode_free(qr);
	assert_int_equal(cert_qr_image("", &img, &px), -EINVAL);
}

/* ---- the rendered PDF ----------------------------------------------- */

static int
have_font(void)
{
	if (access(IPAEX, R_OK) == 0)
		return 1;
	print_message("skipped: %s not installed\n", IPAEX);
	return 0;
}

/* Inflate the stream starting at p (at most avail bytes); NULL if not. */
static uint8_t *
inflate_at(const uint8_t *p, size_t avail, size_t *outlen)
{
	z_stream z;
	size_t cap = 1 << 16;
	uint8_t *out = malloc(cap), *bigger;
	int ret;

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit(&z), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)avail;
	do {
		if (z.total_out == cap) {
			cap *= 2;
			bigger = realloc(out, cap);
			assert_non_null(bigger);
			out = bigger;
		}
		z.next_out = out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		ret = inflate(&z, Z_NO_FLUSH);
	} while (ret == Z_OK);
	*outlen = z.total_out;
	inflateEnd(&z);
	if (ret != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

struct found {
	int sha_literal;	/* "(<sha>) Tj" in a content stream */
	int record;		/* a stream equal to the record's bytes */
	int record_typed;	/* ... whose dictionary says /EmbeddedFile */
	int streams;
};

/* Every Flate stream of the file, inflated and looked at. */
static void
scan_streams(const uint8_t *pdf, size_t len, const struct rec *r,
	     struct found *f)
{
	const uint8_t *s = pdf, *end = pdf + len, *obj;
	char literal[80];
	uint8_t *data;
	size_t n;

	memset(f, 0, sizeof(*f));
	snprintf(literal, sizeof(literal), "(%s) Tj", r->sha);
	while ((s = memmem(s, (size_t)(end - s), "stream\r\n", 8)) != NULL) {
		s += 8;
		data = inflate_at(s, (size_t)(end - s), &n);
		if (data == NULL)
			continue;
		f->streams++;
		if (memmem(data, n, literal, strlen(literal)) != NULL)
			f->sha_literal++;
		if (n == r->len && memcmp(data, r->text, n) == 0) {
			f->record++;
			/* This object's dictionary, back to "obj". */
			for (obj = s - 8; obj > pdf && memcmp(obj, "obj", 3);
			     obj--)
				;
			if (memmem(obj, (size_t)(s - obj),
				   "/Type /EmbeddedFile", 19) != NULL)
				f->record_typed++;
		}
		free(data);
	}
}

static int
contains(const uint8_t *pdf, size_t len, const char *s)
{
	return memmem(pdf, len, s, strlen(s)) != NULL;
}

static void
test_render_erasure(void **state)
{
	struct cert_render_in in;
	struct wc_config cfg;
	struct found f;
	struct rec r;
	uint8_t *pdf;
	size_t len;
	char name[64];

	(void)state;
	if (!have_font())
		return;
	rec_pass(&r);
	cfg_ward(&cfg);
	in_init(&in, &r, CERT_DOC_ERASURE, &cfg);
	in.register_seq = 7;
	in.register_hash = REG;
	assert_int_equal(cert_pdf_render(&in, &pdf, &len), 0);
	assert_true(len > 1000 && len <= 600 * 1024);
	assert_memory_equal(pdf, "%PDF-1.", 7);
	assert_true(contains(pdf + len - 8, 8, "%%EOF"));
	/* libharu's layout, which the signer's incremental update needs */
	assert_true(contains(pdf, len, "\n1 0 obj\n<<\n/Type /Catalog"));
	assert_true(contains(pdf, len, "\nxref\n"));
	scan_streams(pdf, len, &r, &f);
	assert_int_equal(f.sha_literal, 1);
	assert_int_equal(f.record, 1);
	assert_int_equal(f.record_typed, 1);
	/* The attachment in the Catalog's /Names /EmbeddedFiles tree. */
	snprintf(name, sizeof(name), "(%s.json)", ID);
	assert_true(contains(pdf, len, "/EmbeddedFiles"));
	assert_true(contains(pdf, len, "/Type /Filespec"));
	assert_true(contains(pdf, len, name));
	/* The QR code: an 8-bit gray image XObject. */
	assert_true(contains(pdf, len, "/Subtype /Image"));
	assert_true(contains(pdf, len, "/ColorSpace /DeviceGray"));
	assert_true(contains(pdf, len, "/BitsPerComponent 8"));
	assert_true(contains(pdf, len, "/FontFile2"));
	assert_true(contains(pdf, len, "Certificate of Data Erasure " ID));
	free(pdf);
	wc_config_release(&cfg);
	free(r.text);
}

static void
test_render_failure(void **state)
{
	struct cert_render_in in;
	struct found f;
	struct rec r;
	uint8_t *pdf;
	size_t len;

	(void)state;
	if (!have_font())
		return;
	rec_make(&r, "fail", "山田 太郎", NO_HIDDEN, 1);
	in_init(&in, &r, CERT_DOC_FAILURE, NULL);
	assert_int_equal(cert_pdf_render(&in, &pdf, &len), 0);
	assert_true(contains(pdf, len, "Erasure Failure Report " ID));
	scan_streams(pdf, len, &r, &f);
	assert_int_equal(f.sha_literal, 1);
	assert_int_equal(f.record_typed, 1);
	free(pdf);
	free(r.text);
}

static void
expect_refused(const struct cert_render_in *in, int err)
{
	uint8_t *pdf = (uint8_t *)1;
	size_t len = 1;

	assert_int_equal(cert_pdf_render(in, &pdf, &len), err);
	assert_null(pdf);
	assert_int_equal(len, 0);
}

static void
test_refused(void **state)
{
	struct cert_render_in in;
	struct rec pass, failed, aborted;
	char *bad;

	(void)state;
	rec_pass(&pass);
	rec_make(&failed, "fail", "x", NO_HIDDEN, 1);
	rec_make(&aborted, "aborted", "x", NO_HIDDEN, 0);
	/* The wrong document for the result; aborted gets neither. */
	in_init(&in, &failed, CERT_DOC_ERASURE, NULL);
	expect_refused(&in, -EINVAL);
	in_init(&in, &pass, CERT_DOC_FAILURE, NULL);
	expect_refused(&in, -EINVAL);
	in_init(&in, &aborted, CERT_DOC_ERASURE, NULL);
	expect_refused(&in, -EINVAL);
	in_init(&in, &aborted, CERT_DOC_FAILURE, NULL);
	expect_refused(&in, -EINVAL);
	in_init(&in, &pass, (enum cert_doc)7, NULL);
	expect_refused(&in, -EINVAL);
	/* A SHA-256 that is not the record's. */
	in_init(&in, &pass, CERT_DOC_ERASURE, NULL);
	in.record_sha256 = FPR;
	expect_refused(&in, -EINVAL);
	in.record_sha256 = NULL;
	expect_refused(&in, -EINVAL);
	/* Not a record: truncated, trailing bytes, another schema. */
	in_init(&in, &pass, CERT_DOC_ERASURE, NULL);
	in.record_len = pass.len / 2;
	expect_refused(&in, -EINVAL);
	in.record_len = 0;
	expect_refused(&in, -EINVAL);
	bad = strdup(pass.text);
	assert_non_null(bad);
	memcpy(strstr(bad, "record/1"), "record/9", 8);
	in.record_text = bad;
	in.record_len = pass.len;
	expect_refused(&in, -EINVAL);
	strcpy(bad, "{\"schema\":\"wipecert.record/1\",\"id\":\"x\","
		    "\"result\":\"pass\"}");
	in.record_len = strlen(bad);
	expect_refused(&in, -EINVAL);
	free(bad);
	expect_refused(NULL, -EINVAL);
	free(pass.text);
	free(failed.text);
	free(aborted.text);
}

/* Wrong record-dependent inputs are refused before the font is read. */
static void
test_font_errors(void **state)
{
	struct cert_render_in in;
	struct rec r;
	char path[] = "/tmp/wipecert-test-XXXXXX";
	int fd;

	(void)state;
	rec_pass(&r);
	in_init(&in, &r, CERT_DOC_ERASURE, NULL);
	in.font_path = "/nonexistent/font.ttf";
	expect_refused(&in, -ENOENT);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a font at all", 17), 17);
	close(fd);
	in.font_path = path;
	expect_refused(&in, -EINVAL);
	unlink(path);
	free(r.text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_erasure),
		cmocka_unit_test(test_model_register_and_people),
		cmocka_unit_test(test_model_failure),
		cmocka_unit_test(test_model_firmware),
		cmocka_unit_test(test_qr_payload),
		cmocka_unit_test(test_qr_image),
		cmocka_unit_test(test_render_erasure),
		cmocka_unit_test(test_render_failure),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_font_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
