/*
 * test_register_report.c - the JSON of the documents made from the
 * register (register/report.c): the 第22条 report of one contract (its
 * head, counts, 物理破壊へ切替, what still needs attention) and the
 * 管理簿's 22 columns, one row per medium.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/register_test.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define C1 "練総契第123号"
#define ID "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"

static struct tkey ca, tech;
static struct tmem reg;
static struct reg_log log_;

/* Append the body a builder made (ret: the builder's return). */
static void
add(enum reg_kind kind, int ret, struct json_object **o)
{
	assert_int_equal(ret, 0);
	t_mem_add(&reg, &tech.s, kind, *o);
}

static void
received(const char *contract, const char *tag)
{
	struct json_object *o;

	add(REG_RECEIVED, reg_body_received(&(struct reg_received){
		.contract = contract, .asset_tag = tag, .media_type = "hdd",
		.serial = NULL, .from = "練馬区 情報政策課",
	}, &o), &o);
}

static void
takeout(const char *tag)
{
	struct json_object *o;

	add(REG_TAKEOUT, reg_body_takeout(&(struct reg_takeout){
		.asset_tag = tag, .time_out = "2025-12-01T10:00:00+09:00",
		.taken_by = "山田 太郎", .approver = "佐藤 花子",
		.purpose = "データ消去", .destination = "消去センター",
	}, &o), &o);
}

static void
returned(const char *tag, uint64_t seq)
{
	struct json_object *o;

	add(REG_RETURN, reg_body_return(&(struct reg_return){
		.asset_tag = tag, .takeout_seq = seq,
		.time_returned = "2025-12-01T16:30:00+09:00",
		.confirmed_by = "鈴木 一郎",
	}, &o), &o);
}

static void
erasure(const char *id, const char *tag, const char *result)
{
	struct json_object *o;

	add(REG_ERASURE, reg_body_erasure(&(struct reg_erasure){
		.record_id = id, .record_sha256 = H64, .result = result,
		.contract = C1, .asset_tag = tag, .vendor = "WDC",
		.model = "WD5000", .serial = "S-1",
		.size_bytes = 500107862016ULL,
		.method = "zero", .nist_category = "Clear",
		.ended = "2025-12-01T15:00:00+09:00",
	}, &o), &o);
}

static void
certificate(const char *id, const char *doc, const char *file)
{
	struct json_object *o;

	add(REG_CERTIFICATE, reg_body_certificate(&(struct reg_certificate){
		.record_id = id, .doc = doc, .file = file, .sha256 = H64,
	}, &o), &o);
}

static void
destruction(const char *id, const char *tag)
{
	struct json_object *o;

	add(REG_DESTRUCTION, reg_body_destruction(&(struct reg_destruction){
		.record_id = id, .record_sha256 = H64, .asset_tag = tag,
		.method = "crush", .time = "2025-12-02T11:00:00+09:00",
	}, &o), &o);
}

static int
setup(void **state)
{
	(void)state;
	wc_tz_set("Asia/Tokyo");
	t_ca(&ca, "Test Root CA");
	t_leaf(&tech, &ca, "tech", 2);
	t_mem_init(&reg);
	received(C1, "NRM-0001");			/* 1 */
	takeout("NRM-0001");				/* 2 */
	returned("NRM-0001", 2);			/* 3 */
	erasure("rec-A", "NRM-0001", "pass");		/* 4 */
	certificate("rec-A", "erasure", "rec-A.pdf");	/* 5 */
	received(C1, "NRM-0002");			/* 6 */
	erasure("rec-B", "NRM-0002", "fail");		/* 7 */
	certificate("rec-B", "failure", "rec-B.failure.pdf");	/* 8 */
	destruction("des-B", "NRM-0002");		/* 9 */
	certificate("des-B", "destruction", "des-B.destruction.pdf");
	received(C1, "NRM-0003");			/* 11 */
	takeout("NRM-0003");				/* 12 */
	received(C1, "NRM-0004");			/* 13 */
	received("other", "NRM-9999");			/* 14 */
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

static const struct reg_report_in header = {
	.id = ID, .issued = "2025-12-03T09:00:00+09:00",
	.time_zone = "Asia/Tokyo", .contract = C1, .manager = "鈴木 一郎",
	.register_file = "register.jsonl", .tool_version = "0.1.0",
};

static struct json_object *
at(struct json_object *o, const char *path)
{
	char buf[128], *key, *save = NULL;
	struct json_object *x = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key != NULL;
	     key = strtok_r(NULL, ".", &save)) {
		if (*key >= '0' && *key <= '9')
			x = json_object_array_get_idx(x, (size_t)atoi(key));
		else if (!json_object_object_get_ex(x, key, &x))
			return NULL;
	}
	return x;
}

static const char *
str(struct json_object *o, const char *path)
{
	struct json_object *x = at(o, path);

	return x ? json_object_get_string(x) : "(none)";
}

static int64_t
num(struct json_object *o, const char *path)
{
	return json_object_get_int64(at(o, path));
}

static void
test_report(void **state)
{
	struct json_object *j;
	struct reg_media m;

	(void)state;
	assert_int_equal(reg_media_build(&log_, C1, &m), 0);
	assert_int_equal(m.n, 4);
	assert_int_equal(reg_report_json(&log_, &m, &header, &j), 0);
	assert_string_equal(str(j, "schema"), "wipecert.report/1");
	assert_string_equal(str(j, "contract.number"), C1);
	assert_int_equal(num(j, "register.head.seq"), 14);
	assert_string_equal(str(j, "register.head.hash"), log_.v[13].hash);
	assert_int_equal(num(j, "register.entries"), 14);
	assert_false(json_object_get_boolean(at(j, "complete")));
	assert_int_equal(num(j, "counts.media"), 4);
	assert_int_equal(num(j, "counts.erased"), 1);
	assert_int_equal(num(j, "counts.destroyed"), 1);
	assert_int_equal(num(j, "counts.switched"), 1);
	assert_int_equal(num(j, "counts.failed"), 0);
	assert_int_equal(num(j, "counts.undisposed"), 2);
	assert_int_equal(num(j, "counts.out"), 1);
	assert_int_equal(num(j, "counts.attention"), 2);
	assert_string_equal(str(j, "media.0.asset_tag"), "NRM-0001");
	assert_string_equal(str(j, "media.0.outcome"), "pass");
	assert_string_equal(str(j, "media.0.certificate.doc"), "erasure");
	assert_int_equal(json_object_array_length(at(j, "media.0.attention")),
			 0);
	assert_string_equal(str(j, "media.1.outcome"), "switched");
	assert_string_equal(str(j, "media.1.result"), "物理破壊へ切替");
	assert_string_equal(str(j, "media.1.disposal"), "destruction");
	assert_string_equal(str(j, "media.1.certificate.id"), "des-B");
	assert_int_equal(num(j, "media.1.certificate.register_entry"), 10);
	assert_string_equal(str(j, "media.1.time"),
			    "2025-12-02T11:00:00+09:00");
	assert_non_null(strstr(str(j, "media.2.attention.0"), "未処分"));
	assert_non_null(strstr(str(j, "media.2.attention.1"), "搬出中"));
	assert_true(json_object_get_boolean(at(j, "media.2.out")));
	assert_non_null(strstr(str(j, "media.3.attention.0"), "未処分"));
	json_object_put(j);
	reg_media_release(&m);
}

static void
test_report_complete(void **state)
{
	struct json_object *j;
	struct reg_media m;

	(void)state;
	assert_int_equal(reg_media_build(&log_, C1, &m), 0);
	m.n = 2;	/* only the erased and the destroyed medium */
	assert_int_equal(reg_report_json(&log_, &m, &header, &j), 0);
	assert_true(json_object_get_boolean(at(j, "complete")));
	assert_int_equal(num(j, "counts.attention"), 0);
	json_object_put(j);
	reg_media_release(&m);
}

static void
test_refused(void **state)
{
	struct reg_report_in in = header;
	struct json_object *j = NULL;
	struct reg_media m;

	(void)state;
	assert_int_equal(reg_media_build(&log_, C1, &m), 0);
	in.contract = NULL;
	assert_int_equal(reg_report_json(&log_, &m, &in, &j), -EINVAL);
	assert_null(j);
	/* A 管理簿 of every contract needs none. */
	assert_int_equal(reg_ledger_json(&log_, &m, &in, &j), 0);
	json_object_put(j);
	in = header;
	in.id = "not-a-uuid";
	assert_int_equal(reg_report_json(&log_, &m, &in, &j), -EINVAL);
	assert_int_equal(reg_ledger_json(&log_, &m, &in, &j), -EINVAL);
	in.id = ID;
	in.issued = NULL;
	assert_int_equal(reg_report_json(&log_, &m, &in, &j), -EINVAL);
	reg_media_release(&m);
}

static void
test_ledger(void **state)
{
	struct json_object *j;
	struct reg_media m;
	size_t i;

	(void)state;
	assert_int_equal(reg_media_build(&log_, NULL, &m), 0);
	assert_int_equal(m.n, 5);
	assert_int_equal(reg_ledger_json(&log_, &m, &header, &j), 0);
	assert_string_equal(str(j, "schema"), "wipecert.ledger/1");
	assert_int_equal(json_object_array_length(at(j, "columns")),
			 REG_COLUMNS);
	assert_string_equal(str(j, "columns.0"), "管理番号");
	assert_string_equal(str(j, "columns.20"), "結果");
	assert_int_equal(json_object_array_length(at(j, "rows")), 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(json_object_array_length(
			json_object_array_get_idx(at(j, "rows"), i)),
			REG_COLUMNS);
	assert_string_equal(str(j, "rows.1.0"), "NRM-0002");
	assert_string_equal(str(j, "rows.1.20"), "物理破壊へ切替");
	assert_string_equal(str(j, "rows.4.0"), "NRM-9999");
	assert_string_equal(reg_outcome_name(REG_OUT_SWITCHED), "switched");
	assert_string_equal(reg_outcome_name((enum reg_outcome)99), "none");
	json_object_put(j);
	reg_media_release(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_complete),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_ledger),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
