/*
 * test_register_media.c - the register read back (register/log.c,
 * media.c, csv.c): filters, interrupted erasures, custody checks, one
 * row per medium with 物理破壊へ切替, and CSV escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/register_test.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DESC "庁内PC \"総務課-12\", 内蔵HDD\n(2台目)"

static struct tkey ca, tech;
static struct tmem reg;
static struct reg_log log_;

static void
received(const char *contract, const char *tag, const char *serial,
	 const char *desc)
{
	struct reg_received r = {
		.contract = contract, .asset_tag = tag, .description = desc,
		.media_type = "HDD", .vendor = "WDC", .model = "WD5000",
		.serial = serial, .capacity = "500GB", .department = "総務課",
		.stored_info = "住民情報", .from = "練馬区 情報政策課",
	};
	struct json_object *o;

	assert_int_equal(reg_body_received(&r, &o), 0);
	t_mem_add(&reg, &tech.s, REG_RECEIVED, o);
}

static void
takeout(const char *tag)
{
	struct reg_takeout t = {
		.asset_tag = tag, .time_out = "2025-12-01T10:00:00+09:00",
		.taken_by = "山田 太郎", .approver = "佐藤 花子",
		.purpose = "データ消去", .destination = "消去センター, 3F",
	};
	struct json_object *o;

	assert_int_equal(reg_body_takeout(&t, &o), 0);
	t_mem_add(&reg, &tech.s, REG_TAKEOUT, o);
}

static void
returned(const char *tag, uint64_t seq)
{
	struct reg_return r = {
		.asset_tag = tag, .takeout_seq = seq,
		.time_returned = "2025-12-01T16:30:00+09:00",
		.confirmed_by = "鈴木 一郎",
	};
	struct json_object *o;

	assert_int_equal(reg_body_return(&r, &o), 0);
	t_mem_add(&reg, &tech.s, REG_RETURN, o);
}

static void
started(const char *id, const char *contract, const char *tag,
	const char *serial)
{
	struct reg_started s = {
		.record_id = id, .contract = contract, .asset_tag = tag,
		.target = "/dev/sdb", .serial = serial,
		.size_bytes = 500107862016ULL, .method = "zero",
	};
	struct json_object *o;

	assert_int_equal(reg_body_started(&s, &o), 0);
	t_mem_add(&reg, &tech.s, REG_STARTED, o);
}

static void
erasure(const char *id, const char *contract, const char *tag,
	const char *serial, const char *result)
{
	struct reg_erasure e = {
		.record_id = id, .record_sha256 = H64, .result = result,
		.contract = contract, .asset_tag = tag, .media_type = "hdd",
		.vendor = "WDC", .model = "WD5000AAKX", .serial = serial,
		.size_bytes = 500107862016ULL, .method = "zero",
		.nist_category = "Clear", .ended = "2025-12-01T15:00:00+09:00",
		.operator_name = "技術者 一郎", .witness = "区職員 次郎",
	};
	struct json_object *o;

	assert_int_equal(reg_body_erasure(&e, &o), 0);
	t_mem_add(&reg, &tech.s, REG_ERASURE, o);
}

static void
certificate(const char *id, const char *doc)
{
	struct reg_certificate c = {
		.record_id = id, .doc = doc, .file = "x.pdf", .sha256 = H64,
	};
	struct json_object *o;

	assert_int_equal(reg_body_certificate(&c, &o), 0);
	t_mem_add(&reg, &tech.s, REG_CERTIFICATE, o);
}

static void
destruction(const char *tag)
{
	struct reg_destruction d = {
		.record_id = "d-1", .asset_tag = tag, .method = "crush",
		.operator_name = "技術者 一郎", .witness = "区職員 次郎",
		.time = "2025-12-02T11:00:00+09:00",
	};
	struct json_object *o;

	assert_int_equal(reg_body_destruction(&d, &o), 0);
	t_mem_add(&reg, &tech.s, REG_DESTRUCTION, o);
}

static void
correction(uint64_t refers, const char *text)
{
	struct reg_correction c = { .refers = refers, .text = text };
	struct json_object *o;

	assert_int_equal(reg_body_correction(&c, &o), 0);
	t_mem_add(&reg, &tech.s, REG_CORRECTION, o);
}

static int
setup(void **state)
{
	(void)state;
	wc_tz_set("Asia/Tokyo");
	t_ca(&ca, "Test Root CA");
	t_leaf(&tech, &ca, "tech", 2);
	t_mem_init(&reg);
	received("C1", "NRM-0001", "WD-1234", DESC);		/* 1 */
	takeout("NRM-0001");					/* 2 */
	returned("NRM-0001", 2);				/* 3 */
	received("C1", "NRM-0002", "SN-XYZ", NULL);		/* 4 */
	started("rec-A", "C1", "NRM-0001", " wd-1234 ");	/* 5 */
	erasure("rec-A", "C1", "NRM-0001", " wd-1234 ", "pass");	/* 6 */
	certificate("rec-A", "erasure");			/* 7 */
	started("rec-B", "C1", "NRM-0002", "SN-XYZ");		/* 8 */
	erasure("rec-B", "C1", "NRM-0002", "SN-XYZ", "fail");	/* 9 */
	certificate("rec-B", "failure");			/* 10 */
	destruction("NRM-0002");				/* 11 */
	started("rec-C", NULL, NULL, "LOST-1");			/* 12 */
	received("C2", "NRM-0003", "AAA", NULL);		/* 13 */
	erasure("rec-D", "C2", "NRM-0003", "BBB", "pass");	/* 14 */
	correction(13, "型番を訂正: WD5000AAKS");		/* 15 */
	takeout("NRM-0003");					/* 16 */
	received("C1", "NRM-0004", NULL, NULL);			/* 17 */
	return reg_log_parse(reg.text.p, reg.text.len, &log_) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	reg_log_release(&log_);
	reg_buf_release(&reg.text);
	t_key_free(&tech);
	t_key_free(&ca);
	return 0;
}

static void
test_log(void **state)
{
	(void)state;
	assert_int_equal(log_.n, 17);
	assert_int_equal(log_.torn_len, 0);
	assert_int_equal(log_.v[16].line, 17);
	assert_ptr_equal(reg_log_find(&log_, 9), &log_.v[8]);
	assert_null(reg_log_find(&log_, 18));
	/* Only rec-C never ended. */
	assert_false(log_.v[4].flags & REG_F_INTERRUPTED);
	assert_false(log_.v[7].flags & REG_F_INTERRUPTED);
	assert_true(log_.v[11].flags & REG_F_INTERRUPTED);
	/* References: a certificate to its record, a correction onward. */
	assert_string_equal(reg_entry_contract(&log_, &log_.v[6]), "C1");
	assert_string_equal(reg_entry_asset_tag(&log_, &log_.v[9]), "NRM-0002");
	assert_string_equal(reg_entry_contract(&log_, &log_.v[14]), "C2");
	assert_null(reg_entry_contract(&log_, &log_.v[11]));
}

/* The seqs of the entries f lets through. */
static void
expect_filter(const struct reg_filter *f, const uint64_t *want, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < log_.n; i++) {
		if (!reg_filter_match(&log_, &log_.v[i], f))
			continue;
		assert_true(k < n);
		assert_int_equal(log_.v[i].seq, want[k]);
		k++;
	}
	assert_int_equal(k, n);
}

static void
test_filters(void **state)
{
	static const uint64_t all_c2[] = { 13, 14, 15 };
	static const uint64_t tag2[] = { 4, 8, 9, 10, 11 };
	static const uint64_t erasures[] = { 6, 9, 14 };
	static const uint64_t c1_erasures[] = { 6, 9 };
	static const uint64_t window[] = { 3, 4, 5 };
	struct reg_filter f;

	(void)state;
	reg_filter_init(&f);
	assert_int_equal(f.kind, -1);
	f.contract = "C2";
	expect_filter(&f, all_c2, 3);
	reg_filter_init(&f);
	f.asset_tag = "NRM-0002";
	expect_filter(&f, tag2, 5);
	reg_filter_init(&f);
	f.kind = REG_ERASURE;
	expect_filter(&f, erasures, 3);
	f.contract = "C1";
	expect_filter(&f, c1_erasures, 2);
	/* Entries are a minute apart from 16:24:05 JST. */
	reg_filter_init(&f);
	f.has_since = f.has_until = 1;
	assert_int_equal(reg_time_parse("2025-12-01 16:26", &f.since, NULL), 0);
	assert_int_equal(reg_time_parse("2025-12-01T07:28:05Z", &f.until,
					NULL), 0);
	expect_filter(&f, window, 3);
}

static void
test_custody(void **state)
{
	struct reg_custody_result r;

	(void)state;
	assert_int_equal(reg_custody_check(&log_, "NRM-0001", "wd-1234  ", &r), 0);
	assert_int_equal(r.status, REG_CUSTODY_OK);
	assert_int_equal(r.received_seq, 1);
	assert_string_equal(r.label_serial, "WD-1234");
	assert_int_equal(reg_custody_check(&log_, "NRM-0003", "BBB", &r), 0);
	assert_int_equal(r.status, REG_CUSTODY_SERIAL_MISMATCH);
	assert_string_equal(reg_custody_name(r.status), "serial-mismatch");
	assert_int_equal(reg_custody_check(&log_, "NRM-0009", "X", &r), 0);
	assert_int_equal(r.status, REG_CUSTODY_NOT_RECEIVED);
	assert_int_equal(reg_custody_check(&log_, "NRM-0004", "X", &r), 0);
	assert_int_equal(r.status, REG_CUSTODY_NO_LABEL_SERIAL);
	assert_int_equal(reg_custody_check(&log_, NULL, "X", &r), 0);
	assert_int_equal(r.status, REG_CUSTODY_NONE);
	assert_int_equal(reg_custody_check(&log_, "NRM-0001", NULL, &r), 0);
	assert_int_equal(r.status, REG_CUSTODY_OK);
	assert_true(reg_serial_equal(" AbC ", "abc"));
	assert_false(reg_serial_equal("abc", "abd"));
	assert_false(reg_serial_equal("", ""));
	assert_false(reg_serial_equal(NULL, "a"));
	assert_int_equal(reg_custody_check_file("/nonexistent/reg", "T", "S",
						&r), 0);
	assert_int_equal(r.status, REG_CUSTODY_NOT_RECEIVED);
}

static void
test_media(void **state)
{
	struct reg_media m;
	const struct reg_medium *v;

	(void)state;
	assert_int_equal(reg_media_build(&log_, NULL, &m), 0);
	assert_int_equal(m.n, 5);
	v = m.v;
	assert_string_equal(v[0].key, "NRM-0001");
	assert_int_equal(v[0].outcome, REG_OUT_PASS);
	assert_int_equal(v[0].takeout->seq, 2);
	assert_int_equal(v[0].ret->seq, 3);
	assert_int_equal(v[0].certificate->seq, 7);
	assert_false(v[0].out);
	assert_false(v[0].serial_mismatch);
	assert_string_equal(v[1].key, "NRM-0002");
	assert_int_equal(v[1].outcome, REG_OUT_SWITCHED);
	assert_string_equal(reg_outcome_text(v[1].outcome), "物理破壊へ切替");
	assert_string_equal(v[2].key, "record:rec-C");
	assert_int_equal(v[2].outcome, REG_OUT_INTERRUPTED);
	assert_string_equal(v[3].key, "NRM-0003");
	assert_int_equal(v[3].outcome, REG_OUT_PASS);
	assert_true(v[3].serial_mismatch);
	assert_true(v[3].out);
	assert_int_equal(v[3].ncorrections, 1);
	assert_int_equal(v[3].corrections[0], 15);
	assert_string_equal(v[4].key, "NRM-0004");
	assert_int_equal(v[4].outcome, REG_OUT_NONE);
	reg_media_release(&m);
	assert_int_equal(reg_media_build(&log_, "C2", &m), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0].key, "NRM-0003");
	reg_media_release(&m);
	reg_media_release(NULL);
}

static void
test_rows(void **state)
{
	char *c[REG_COLUMNS];
	struct reg_media m;

	(void)state;
	assert_int_equal(reg_media_build(&log_, NULL, &m), 0);
	assert_int_equal(reg_medium_row(&log_, &m.v[0], c), 0);
	assert_string_equal(c[0], "NRM-0001");
	assert_string_equal(c[1], "HDD");
	assert_string_equal(c[2], "WDC");
	assert_string_equal(c[3], "WD5000AAKX");	/* the drive's own */
	assert_string_equal(c[5], "500.1 GB");
	assert_string_equal(c[6], "総務課");
	assert_string_equal(c[7], "住民情報");
	assert_string_equal(c[8], "2025-12-01 10:00");
	assert_string_equal(c[12], "消去センター, 3F");
	assert_string_equal(c[13], "2025-12-01 16:30");
	assert_string_equal(c[14], "鈴木 一郎");
	assert_string_equal(c[15], "2025-12-01 15:00");
	assert_string_equal(c[16], "Clear / 上書き消去 (zero)");
	assert_string_equal(c[17], "技術者 一郎");
	assert_string_equal(c[19], "rec-A");
	assert_string_equal(c[20], "正常完了");
	assert_string_equal(c[21], DESC);
	reg_row_release(c);
	assert_int_equal(reg_medium_row(&log_, &m.v[1], c), 0);
	assert_string_equal(c[15], "2025-12-02 11:00");
	assert_string_equal(c[16], "Destroy / 物理破壊（破砕）");
	assert_string_equal(c[20], "物理破壊へ切替");
	assert_non_null(strstr(c[21], "消去不能のため物理破壊（記録 rec-B）"));
	reg_row_release(c);
	assert_int_equal(reg_medium_row(&log_, &m.v[2], c), 0);
	assert_string_equal(c[0], "");
	assert_string_equal(c[4], "LOST-1");
	assert_string_equal(c[20], "中断（未完了）");
	reg_row_release(c);
	assert_int_equal(reg_medium_row(&log_, &m.v[3], c), 0);
	assert_non_null(strstr(c[21], "搬出中（返却未確認）"));
	assert_non_null(strstr(c[21], "シリアル番号不一致（ラベル: AAA）"));
	assert_non_null(strstr(c[21], "訂正 #15: 型番を訂正: WD5000AAKS"));
	reg_row_release(c);
	assert_int_equal(reg_medium_row(&log_, &m.v[4], c), 0);
	assert_string_equal(c[5], "500GB");	/* as on the label */
	assert_string_equal(c[20], "未処分");
	reg_row_release(c);
	reg_media_release(&m);
}

static void
field(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	assert_int_equal(reg_csv_field(&buf, &len, &cap, in), 0);
	assert_non_null(buf);
	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
	free(buf);
}

static void
test_csv_escaping(void **state)
{
	(void)state;
	field("plain", "plain");
	field("", "");
	field(NULL, "");
	field("a,b", "\"a,b\"");
	field("say \"hi\"", "\"say \"\"hi\"\"\"");
	field("two\nlines", "\"two\nlines\"");
	field("cr\r\nlf", "\"cr\r\nlf\"");
	field("管理番号、シリアル", "管理番号、シリアル");
	field("総務課, 3F", "\"総務課, 3F\"");
	field("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
	field("+1", "'+1");
	field("-1", "'-1");
	field("@SUM(A1)", "'@SUM(A1)");
	field("a=b", "a=b");
}

static void
test_csv_export(void **state)
{
	struct reg_media m;
	char *csv, *p;
	size_t len, rows = 0;

	(void)state;
	assert_int_equal(reg_media_build(&log_, NULL, &m), 0);
	assert_int_equal(reg_csv_export(&log_, &m, &csv, &len), 0);
	assert_int_equal(strlen(csv), len);
	assert_memory_equal(csv, "\xef\xbb\xbf", 3);
	assert_int_equal(strncmp(csv + 3,
				 "管理番号,種別,メーカー,型番,シリアル番号,容量,"
				 "所管課,格納情報,搬出日時,搬出者,承認者,用途,"
				 "搬出先,返却日時,返却確認者,消去・破壊日時,方法,"
				 "作業者,立会者,証明書番号,結果,備考\r\n",
				 strlen("管理番号,種別,メーカー,型番,シリアル番号,"
					"容量,所管課,格納情報,搬出日時,搬出者,"
					"承認者,用途,搬出先,返却日時,返却確認者,"
					"消去・破壊日時,方法,作業者,立会者,"
					"証明書番号,結果,備考\r\n")),
			 0);
	/* Every record ends in CRLF; the only bare LF is inside DESC. */
	for (p = csv; (p = strchr(p, '\n')) != NULL; p++) {
		if (p[-1] == '\r')
			rows++;
	}
	assert_int_equal(rows, 1 + 5);
	assert_non_null(strstr(csv, "\"庁内PC \"\"総務課-12\"\", 内蔵HDD\n(2台目)\""));
	assert_int_equal(memcmp(csv + len - 2, "\r\n", 2), 0);
	free(csv);
	reg_media_release(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_custody),
		cmocka_unit_test(test_media),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_csv_escaping),
		cmocka_unit_test(test_csv_export),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
