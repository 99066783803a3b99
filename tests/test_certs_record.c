/*
 * test_certs_record.c - building, serialising, writing and reading back
 * the record (certs/record.c, certs/expect.c).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "certs/certs.h"

#define ID "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
#define ISSUED 1764577445	/* 2025-12-01T17:24:05+09:00 */
#define SIZE (256 * WC_MIB)
#define OPERATOR "山田 太郎"

/* Everything a job points at. */
struct fx {
	struct wipe_ident id;
	struct wipe_contents before, after;
	struct wipe_plan plan;
	struct wipe_pass_result pass[WIPE_MAX_PASSES];
	struct vfy_plan vplan;
	struct vfy_result vres;
	struct cert_job job;
	char *text;
	size_t len;
};

static struct fx *
fx_new(const char *method)
{
	struct fx *f = calloc(1, sizeof(*f));
	unsigned i;

	assert_non_null(f);
	wipe_ident_init(&f->id);
	strcpy(f->id.path, "/dev/sdz");
	strcpy(f->id.name, "sdz");
	strcpy(f->id.vendor, "ACME");
	strcpy(f->id.model, "Spinner 256");
	strcpy(f->id.serial, "SN-0042/Ω");
	f->id.size_bytes = SIZE;
	f->id.logical_sector = 512;
	f->id.physical_sector = 4096;
	f->id.transport = WIPE_TR_SATA;
	f->id.rotational = WIPE_YES;
	f->id.removable = WIPE_NO;

	f->before.probed = 1;
	strcpy(f->before.pttype, "gpt");
	f->before.v = calloc(1, sizeof(*f->before.v));
	assert_non_null(f->before.v);
	f->before.n = 1;
	f->before.v[0].partno = 1;
	f->before.v[0].offset = WC_MIB;
	f->before.v[0].size = SIZE - 2 * WC_MIB;
	strcpy(f->before.v[0].type, "ext4");
	strcpy(f->before.v[0].label, "データ");
	f->after.probed = 1;

	assert_int_equal(wipe_plan_make(&f->id, method, 0, &f->plan), 0);
	for (i = 0; i < f->plan.npasses; i++) {
		wipe_pass_result_init(&f->pass[i]);
		f->pass[i].bytes_written = SIZE;
		f->pass[i].start_unix = ISSUED - 600 + 100 * i;
		f->pass[i].end_unix = ISSUED - 550 + 100 * i;
		f->pass[i].elapsed_ns = 3000000000ULL + i;
	}
	/* Some unwritable sectors in the first pass. */
	assert_int_equal(wc_ranges_add(&f->pass[0].bad, 100, 8), 0);
	assert_int_equal(wc_ranges_add(&f->pass[0].bad, 5000, 1), 0);
	f->pass[0].bytes_written = SIZE - 9 * 512;

	assert_int_equal(vfy_plan_sample(SIZE, 512, 0x1234567890abcdefULL,
					 &f->vplan), 0);
	vfy_result_init(&f->vres);
	f->vres.bytes_read = f->vplan.bytes;
	f->vres.elapsed_ns = 1500000000ULL;

	strcpy(f->job.id, ID);
	f->job.issued = ISSUED;
	f->job.started = ISSUED - 600;
	f->job.ended = ISSUED - 10;
	f->job.timezone = "Asia/Tokyo";
	f->job.contract.number = "R7-0123";
	f->job.contract.department = "総務課";
	f->job.contract.contractor = "Example KK";
	f->job.people.operator_name = OPERATOR;
	f->job.people.witness = "";
	f->job.tool.name = "wipecert";
	f->job.tool.version = "0.1.0";
	memset(f->job.tool.binary_sha256, 'a', 64);
	strcpy(f->job.tool.host, "bench-1");
	f->job.asset_tag = "PC-0007";
	f->job.ident = &f->id;
	f->job.before = &f->before;
	f->job.plan = &f->plan;
	f->job.passes_done = f->plan.npasses;
	f->job.passes = f->pass;
	f->job.vplan = &f->vplan;
	f->job.vres = &f->vres;
	f->job.after = &f->after;
	cert_job_error(&f->job, "erase", EIO, "cannot write sector %d", 100);
	f->job.result = CERT_FAIL;
	return f;
}

static void
fx_free(struct fx *f)
{
	unsigned i;

	for (i = 0; i < f->plan.npasses; i++)
		wipe_pass_result_release(&f->pass[i]);
	vfy_plan_release(&f->vplan);
	vfy_result_release(&f->vres);
	wipe_contents_release(&f->before);
	wipe_contents_release(&f->after);
	free(f->text);
	free(f);
}

static void
fx_serialise(struct fx *f)
{
	struct json_object *rec = cert_record_build(&f->job);

	assert_non_null(rec);
	free(f->text);
	f->text = NULL;
	assert_int_equal(cert_record_serialise(rec, &f->text, &f->len), 0);
	assert_int_equal(strlen(f->text), f->len);
	json_object_put(rec);
}

static struct json_object *
parse(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	assert_non_null(o);
	return o;
}

/* The value at a dotted path of object keys ("issued.time"). */
static struct json_object *
jget(struct json_object *o, const char *dotted)
{
	char keys[128], *key, *save = NULL;

	assert_true(strlen(dotted) < sizeof(keys));
	strcpy(keys, dotted);
	for (key = strtok_r(keys, ".", &save); key != NULL;
	     key = strtok_r(NULL, ".", &save))
		assert_true(json_object_object_get_ex(o, key, &o));
	return o;
}

static int
count_doubles(struct json_object *o)
{
	int n = 0;
	size_t i;

	switch (json_object_get_type(o)) {
	case json_type_double:
		return 1;
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			n += count_doubles(json_object_array_get_idx(o, i));
		return n;
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			(void)key;
			n += count_doubles(val);
		}
		return n;
	}
	default:
		return 0;
	}
}

/* Outside strings, a digit never touches a '.', 'e' or 'E'. */
static int
has_float_token(const char *s)
{
	int in_str = 0;

	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == '"') {
			in_str = 1;
		} else if (*s >= '0' && *s <= '9' &&
			   (s[1] == '.' || s[1] == 'e' || s[1] == 'E')) {
			return 1;
		}
	}
	return 0;
}

static void
test_key_order(void **state)
{
	static const char *const want[] = {
		"schema", "id", "result", "issued", "contract", "people",
		"media", "technique", "verification", "errors", "tool",
	};
	struct fx *f = fx_new("dod-3pass");
	struct json_object *o;
	size_t i = 0;

	(void)state;
	fx_serialise(f);
	o = parse(f->text);
	json_object_object_foreach(o, key, val) {
		(void)val;
		assert_true(i < WC_ARRAY_SIZE(want));
		assert_string_equal(key, want[i]);
		i++;
	}
	assert_int_equal(i, WC_ARRAY_SIZE(want));
	/* And the text itself starts with the schema. */
	assert_non_null(strstr(f->text, "\"schema\""));
	assert_true(strstr(f->text, "\"schema\"") < strstr(f->text, "\"id\""));
	assert_string_equal(json_object_get_string(jget(o, "schema")),
			    CERT_RECORD_SCHEMA);
	assert_string_equal(json_object_get_string(jget(o, "result")), "fail");
	json_object_put(o);
	fx_free(f);
}

static void
test_stable_bytes(void **state)
{
	struct fx *f = fx_new("dod-3pass");
	struct json_object *rec;
	char *first, *again;
	size_t len, len2;

	(void)state;
	fx_serialise(f);
	first = f->text;
	len = f->len;
	f->text = NULL;
	fx_serialise(f);
	assert_int_equal(f->len, len);
	assert_memory_equal(f->text, first, len);
	/* The same object serialised twice, too. */
	rec = cert_record_build(&f->job);
	assert_int_equal(cert_record_serialise(rec, &again, &len2), 0);
	free(again);
	assert_int_equal(cert_record_serialise(rec, &again, &len2), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(again, first, len);
	json_object_put(rec);
	free(again);
	free(first);
	fx_free(f);
}

static void
test_text_form(void **state)
{
	struct fx *f = fx_new("dod-3pass");
	struct json_object *o, *v;

	(void)state;
	fx_serialise(f);
	assert_true(f->len > 2);
	assert_int_equal(f->text[f->len - 1], '\n');
	assert_int_equal(f->text[f->len - 2], '}');
	/* No floating point, in the tree or in the text. */
	o = parse(f->text);
	assert_int_equal(count_doubles(o), 0);
	assert_int_equal(has_float_token(f->text), 0);
	assert_int_equal(has_float_token("{\"a\": 1.5}"), 1);
	/* UTF-8 as is: no \u escapes anywhere. */
	assert_non_null(strstr(f->text, "\"" OPERATOR "\""));
	assert_non_null(strstr(f->text, "\"データ\""));
	assert_non_null(strstr(f->text, "\"総務課\""));
	assert_null(strstr(f->text, "\\u"));
	/* Slashes unescaped. */
	assert_non_null(strstr(f->text, "\"/dev/sdz\""));
	assert_non_null(strstr(f->text, "\"SN-0042/Ω\""));
	/* Empty strings are null. */
	v = jget(o, "people.witness");
	assert_null(v);
	v = jget(o, "people.operator");
	assert_string_equal(json_object_get_string(v), OPERATOR);
	/* Coverage in ppm, as an integer. */
	v = jget(o, "verification.coverage_ppm");
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int64(v), 109985);
	/* The bad sectors of pass 1. */
	v = jget(o, "technique.passes");
	assert_int_equal(json_object_array_length(v), 3);
	v = json_object_array_get_idx(v, 0);
	v = jget(v, "unwritable.sectors");
	assert_int_equal(json_object_get_int64(v), 9);
	json_object_put(o);
	fx_free(f);
}

static void
test_times_tokyo(void **state)
{
	struct fx *f = fx_new("dod-3pass");
	struct json_object *o, *v, *passes;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(wc_tz_set("Asia/Tokyo"), 0);
	fx_serialise(f);
	o = parse(f->text);
	v = jget(o, "issued.time");
	assert_string_equal(json_object_get_string(v),
			    "2025-12-01T17:24:05+09:00");
	v = jget(o, "technique.started");
	assert_string_equal(json_object_get_string(v),
			    "2025-12-01T17:14:05+09:00");
	passes = jget(o, "technique.passes");
	v = jget(json_object_array_get_idx(passes, 2), "ended");
	assert_string_equal(json_object_get_string(v),
			    "2025-12-01T17:18:15+09:00");
	assert_null(strstr(f->text, "+00:00"));
	json_object_put(o);
	fx_free(f);
}

static void
expect_roundtrip(struct fx *f, unsigned want_pass)
{
	struct cert_expect e;
	const struct wipe_pattern *p = &f->plan.pass[want_pass];

	fx_serialise(f);
	assert_int_equal(cert_record_expect_buf(f->text, f->len, &e), 0);
	assert_int_equal(e.pattern.kind, p->kind);
	if (p->kind == WIPE_PAT_BYTES) {
		assert_int_equal(e.pattern.nbytes, p->nbytes);
		assert_memory_equal(e.pattern.bytes, p->bytes, p->nbytes);
	} else {
		assert_memory_equal(e.pattern.key, p->key, 16);
	}
	assert_int_equal(e.size_bytes, SIZE);
	assert_string_equal(e.serial, "SN-0042/Ω");
	assert_string_equal(e.id, ID);
	assert_string_equal(e.result, "fail");
}

static void
test_expect_roundtrip(void **state)
{
	struct fx *f = fx_new("dod-3pass");

	(void)state;
	assert_int_equal(f->plan.pass[2].kind, WIPE_PAT_RANDOM);
	expect_roundtrip(f, 2);
	/*
	 * A pass counts as verified only when it was read back: the last
	 * pass by the final read-back, earlier ones by their own.
	 */
	f->job.pass_vres[1] = &f->vres;
	expect_roundtrip(f, 2);
	f->plan.verify_mask = 1ULL << 1;
	expect_roundtrip(f, 1);
	/* Marked in the plan but never read back: not verified. */
	f->job.pass_vres[1] = NULL;
	expect_roundtrip(f, 2);
	f->plan.verify_mask = 7;
	f->job.vres = NULL;
	f->job.pass_vres[0] = &f->vres;
	expect_roundtrip(f, 0);
	fx_free(f);

	f = fx_new("usb-2pass");
	assert_int_equal(f->plan.pass[1].kind, WIPE_PAT_RANDOM_INV);
	expect_roundtrip(f, 1);
	fx_free(f);

	f = fx_new("gutmann");
	expect_roundtrip(f, 34);
	f->plan.verify_mask = 1ULL << 6;	/* bytes:924924 */
	f->job.pass_vres[6] = &f->vres;
	expect_roundtrip(f, 6);
	fx_free(f);
}

/* Replace the first occurrence of from with to; returns a new string. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out;

	assert_non_null(at);
	out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, s, (size_t)(at - s));
	strcpy(out + (at - s), to);
	strcat(out, at + strlen(from));
	return out;
}

static int
expect_text(const char *s)
{
	struct cert_expect e;

	return cert_record_expect_buf(s, strlen(s), &e);
}

/* The record with "deep": [[[...]]] (depth arrays) as its first key. */
static int
expect_nested(const char *text, int depth)
{
	char *deep = malloc(2 * (size_t)depth + 16), *s;
	int i, ret;

	assert_non_null(deep);
	strcpy(deep, "{\"deep\": ");
	for (i = 0; i < depth; i++)
		strcat(deep, "[");
	for (i = 0; i < depth; i++)
		strcat(deep, "]");
	strcat(deep, ",");
	s = replace(text, "{", deep);
	ret = expect_text(s);
	free(s);
	free(deep);
	return ret;
}

static void
test_expect_rejects(void **state)
{
	struct fx *f = fx_new("dod-3pass");
	struct json_object *o, *pass;
	struct cert_expect e;
	char seed[33], *s, *bad;
	size_t len;

	(void)state;
	fx_serialise(f);
	assert_int_equal(expect_text(f->text), 0);

	/* Truncated anywhere. */
	assert_int_equal(cert_record_expect_buf(f->text, f->len / 2, &e),
			 -EINVAL);
	assert_int_equal(cert_record_expect_buf(f->text, f->len - 3, &e),
			 -EINVAL);
	assert_int_equal(cert_record_expect_buf(f->text, 0, &e), -EINVAL);

	/* Trailing white space is fine; anything else is not. */
	len = f->len;
	s = malloc(len + 8);
	assert_non_null(s);
	memcpy(s, f->text, len);
	memcpy(s + len, " \r\n\t", 5);
	assert_int_equal(cert_record_expect_buf(s, len + 4, &e), 0);
	memcpy(s + len, "x", 2);
	assert_int_equal(cert_record_expect_buf(s, len + 1, &e), -EINVAL);
	memcpy(s + len, "{}", 3);
	assert_int_equal(cert_record_expect_buf(s, len + 2, &e), -EINVAL);
	s[len] = '\0';
	assert_int_equal(cert_record_expect_buf(s, len + 1, &e), -EINVAL);
	free(s);

	/* Wrong or missing schema. */
	s = replace(f->text, CERT_RECORD_SCHEMA, "wipecert.record/2");
	assert_int_equal(expect_text(s), -EINVAL);
	free(s);
	s = replace(f->text, "\"schema\"", "\"Schema\"");
	assert_int_equal(expect_text(s), -EINVAL);
	free(s);

	/* The verified pass's seed: too short, too long, not hex. */
	wc_hex(seed, f->plan.pass[2].key, 16);
	s = replace(f->text, seed, "00112233445566778899aabbccddeef");
	assert_int_equal(expect_text(s), -EINVAL);
	free(s);
	s = replace(f->text, seed,
		    "00112233445566778899aabbccddeeff00112233445566778899");
	assert_int_equal(expect_text(s), -EINVAL);
	free(s);
	s = replace(f->text, seed, "00112233445566778899aabbccddeefg");
	assert_int_equal(expect_text(s), -EINVAL);
	free(s);
	/* A random pass without its seed. */
	o = parse(f->text);
	pass = json_object_array_get_idx(jget(o, "technique.passes"), 2);
	json_object_object_add(pass, "seed", NULL);
	bad = strdup(json_object_to_json_string(o));
	assert_int_equal(expect_text(bad), -EINVAL);
	free(bad);
	/* With the seed back it parses; with a string size it does not. */
	json_object_object_add(pass, "seed", json_object_new_string(seed));
	bad = strdup(json_object_to_json_string(o));
	assert_int_equal(expect_text(bad), 0);
	free(bad);
	json_object_object_add(jget(o, "media"), "size_bytes",
			       json_object_new_string("268435456"));
	bad = strdup(json_object_to_json_string(o));
	assert_int_equal(expect_text(bad), -EINVAL);
	free(bad);
	json_object_put(o);

	/* Deep nesting is refused by depth, not by shape. */
	assert_int_equal(expect_nested(f->text, 20), 0);
	assert_int_equal(expect_nested(f->text, 100), -EINVAL);

	/* Not an object at the top. */
	assert_int_equal(expect_text("[]"), -EINVAL);
	assert_int_equal(expect_text("[{\"schema\": \"wipecert.record/1\"}]"),
			 -EINVAL);
	assert_int_equal(expect_text("\"wipecert.record/1\""), -EINVAL);
	assert_int_equal(expect_text("42 "), -EINVAL);
	assert_int_equal(expect_text("null"), -EINVAL);
	assert_int_equal(expect_text(""), -EINVAL);
	/* Too big. */
	assert_int_equal(cert_record_expect_buf(f->text, CERT_RECORD_MAX + 1,
						&e), -EFBIG);
	fx_free(f);
}

static void
sha256_hex_of(const void *data, size_t len, char out[65])
{
	uint8_t sum[SHA256_DIGEST_LENGTH];

	SHA256(data, len, sum);
	wc_hex(out, sum, sizeof(sum));
}

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_write(void **state)
{
	struct fx *f = fx_new("dod-3pass");
	char dir[] = "/tmp/wipecert-test-XXXXXX", want[256], file[256];
	char path1[256], sha1[65], sha2[65], check[65];
	struct cert_expect e;
	struct stat st;
	char *bytes, *again;
	size_t len, len2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(want, sizeof(want), "%s/%s.json", dir, ID);
	assert_int_equal(cert_record_write(dir, &f->job, path1, sizeof(path1),
					   sha1), 0);
	assert_string_equal(path1, want);
	assert_int_equal(wc_read_file(path1, CERT_RECORD_MAX, &bytes, &len), 0);
	sha256_hex_of(bytes, len, check);
	assert_string_equal(sha1, check);
	assert_int_equal(strlen(sha1), 64);
	/* The file is exactly the serialised record. */
	fx_serialise(f);
	assert_int_equal(len, f->len);
	assert_memory_equal(bytes, f->text, len);
	assert_int_equal(stat(path1, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(cert_record_expect(path1, &e), 0);
	assert_memory_equal(e.pattern.key, f->plan.pass[2].key, 16);

	/* A second record with the same id never replaces the first. */
	f->job.people.operator_name = "someone else";
	memset(sha2, 0, sizeof(sha2));
	assert_int_equal(cert_record_write(dir, &f->job, file, sizeof(file),
					   sha2), -EEXIST);
	assert_int_equal(wc_read_file(path1, CERT_RECORD_MAX, &again, &len2),
			 0);
	assert_int_equal(len2, len);
	assert_memory_equal(again, bytes, len);
	assert_int_equal(count_entries(dir), 1);
	free(again);
	free(bytes);

	/* A directory that does not exist. */
	snprintf(file, sizeof(file), "%s/missing", dir);
	assert_true(cert_record_write(file, &f->job, path1, sizeof(path1),
				      sha2) < 0);
	/* A path buffer too small. */
	assert_int_equal(cert_record_write(dir, &f->job, path1, 8, sha2),
			 -ENAMETOOLONG);
	assert_int_equal(count_entries(dir), 1);

	assert_int_equal(unlink(want), 0);
	assert_int_equal(rmdir(dir), 0);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_stable_bytes),
		cmocka_unit_test(test_text_form),
		cmocka_unit_test(test_times_tokyo),
		cmocka_unit_test(test_expect_roundtrip),
		cmocka_unit_test(test_expect_rejects),
		cmocka_unit_test(test_write),
	};

	/* Whatever the machine's zone, records are in Tokyo time. */
	if (wc_tz_set(WC_DEFAULT_TZ) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
