/*
 * test_register_append.c - appending to a register file
 * (register/append.c): the chain, certificates embedded once per
 * signer, torn-line detection and recovery, refusal of a damaged tail,
 * parallel appenders, the pipeline's entries.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/register_test.h"

#define H64_T \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct tkey ca, tech, tech2;
static char dir[] = "/tmp/wipecert-test-reg.XXXXXX";
static char path[256];
static int nfile;

static int
setup(void **state)
{
	(void)state;
	wc_tz_set("Asia/Tokyo");
	t_ca(&ca, "Test Root CA");
	t_leaf(&tech, &ca, "tech one", 2);
	t_leaf(&tech2, &ca, "tech two", 3);
	if (mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	t_key_free(&tech);
	t_key_free(&tech2);
	t_key_free(&ca);
	if (wc_fmt(cmd, sizeof(cmd), "rm -rf '%s'", dir) == 0 &&
	    system(cmd) != 0)
		return -1;
	return 0;
}

/* A fresh register path for each test. */
static int
fresh(void **state)
{
	(void)state;
	if (wc_fmt(path, sizeof(path), "%s/reg%d.jsonl", dir, ++nfile) != 0)
		return -1;
	return 0;
}

static void
add(const struct tkey *k, const char *text, struct reg_appended *out)
{
	struct json_object *b = t_note(text);

	assert_int_equal(reg_append(path, &k->s, REG_CORRECTION, b, 1764577445,
				    out), 0);
	json_object_put(b);
}

static void
read_all(char **text, size_t *len)
{
	assert_int_equal(wc_read_file(path, 1 << 26, text, len), 0);
}

static void
verify_ok(uint64_t entries, struct reg_verify_result *r)
{
	struct reg_verify_opts o = { .ca_path = NULL };

	assert_int_equal(reg_verify(path, &o, r), 0);
	if (r->problem != REG_OK)
		fail_msg("verify: %s", r->reason);
	assert_int_equal(r->entries, entries);
}

static void
test_chain(void **state)
{
	struct reg_appended a1, a2, a3;
	struct reg_verify_result r;
	struct reg_log log;
	struct stat st;

	(void)state;
	add(&tech, "one", &a1);
	assert_true(a1.created);
	assert_int_equal(a1.seq, 1);
	assert_int_equal(a1.recovered_seq, 0);
	add(&tech, "two", &a2);
	assert_false(a2.created);
	add(&tech, "three", &a3);
	assert_int_equal(a3.seq, 3);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644 & ~(unsigned)umask(022));
	assert_int_equal(reg_log_load(path, &log), 0);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.v[0].prev, REG_ZERO_HASH);
	assert_string_equal(log.v[0].hash, a1.hash);
	assert_string_equal(log.v[1].prev, a1.hash);
	assert_string_equal(log.v[2].prev, a2.hash);
	assert_string_equal(log.v[2].hash, a3.hash);
	assert_string_equal(log.v[2].time, "2025-12-01T17:24:05+09:00");
	/* The certificate is in the signer's first entry only. */
	assert_non_null(log.v[0].cert_b64);
	assert_null(log.v[1].cert_b64);
	assert_null(log.v[2].cert_b64);
	reg_log_release(&log);
	verify_ok(3, &r);
	assert_string_equal(r.head.hash, a3.hash);
	assert_int_equal(r.signers, 1);
	assert_int_equal(r.torn_len, 0);
}

static void
test_two_signers(void **state)
{
	struct reg_appended a;
	struct reg_verify_result r;
	struct reg_log log;

	(void)state;
	add(&tech, "one", &a);
	add(&tech2, "two", &a);
	add(&tech, "three", &a);
	add(&tech2, "four", &a);
	assert_int_equal(reg_log_load(path, &log), 0);
	assert_non_null(log.v[0].cert_b64);
	assert_non_null(log.v[1].cert_b64);
	assert_null(log.v[2].cert_b64);
	assert_null(log.v[3].cert_b64);
	assert_string_equal(log.v[1].signer, tech2.s.fingerprint);
	reg_log_release(&log);
	verify_ok(4, &r);
	assert_int_equal(r.signers, 2);
}

static void
append_raw(const char *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

/* A torn line: reported by verify, moved into `recovered` by append. */
static void
test_torn_recovery(void **state)
{
	static const char torn[] = "{\"seq\":3,\"time\":\"2025-12-01T17:2";
	struct reg_appended a;
	struct reg_verify_result r;
	struct reg_head h;
	struct reg_log log;
	const char *b64, *sum;
	uint8_t *raw, s[32];
	char hex[REG_HEX_LEN];
	size_t n;

	(void)state;
	add(&tech, "one", &a);
	add(&tech, "two", &a);
	append_raw(torn, sizeof(torn) - 1);
	verify_ok(2, &r);
	assert_int_equal(r.torn_len, sizeof(torn) - 1);
	assert_int_equal(reg_head_read(path, &h), 0);
	assert_int_equal(h.seq, 2);
	assert_int_equal(h.torn_len, sizeof(torn) - 1);
	add(&tech, "three", &a);
	assert_int_equal(a.recovered_seq, 3);
	assert_int_equal(a.recovered_len, sizeof(torn) - 1);
	assert_int_equal(a.seq, 4);
	verify_ok(4, &r);
	assert_int_equal(r.recovered, 1);
	assert_int_equal(r.torn_len, 0);
	assert_int_equal(reg_log_load(path, &log), 0);
	assert_int_equal(log.v[2].kind, REG_RECOVERED);
	assert_int_equal(reg_body_int(&log.v[2], "after"), 2);
	assert_int_equal(reg_body_int(&log.v[2], "length"), sizeof(torn) - 1);
	b64 = reg_body_str(&log.v[2], "base64");
	assert_int_equal(reg_b64_decode(b64, strlen(b64), &raw, &n), 0);
	assert_int_equal(n, sizeof(torn) - 1);
	assert_memory_equal(raw, torn, n);
	wc_sha256(raw, n, s);
	wc_hex(hex, s, sizeof(s));
	sum = reg_body_str(&log.v[2], "sha256");
	assert_string_equal(sum, hex);
	free(raw);
	assert_string_equal(reg_body_str(&log.v[3], "text"), "three");
	reg_log_release(&log);
}

/* A whole line missing only its newline was never committed either. */
static void
test_torn_whole_line(void **state)
{
	struct reg_appended a;
	struct reg_verify_result r;
	char *text;
	size_t len;

	(void)state;
	add(&tech, "one", &a);
	add(&tech, "two", &a);
	read_all(&text, &len);
	assert_int_equal(truncate(path, (off_t)len - 1), 0);
	verify_ok(1, &r);
	assert_int_equal(r.torn_len > 100, 1);
	add(&tech, "two again", &a);
	assert_int_equal(a.recovered_seq, 2);
	assert_int_equal(a.seq, 3);
	verify_ok(3, &r);
	free(text);
}

/* The first line torn: the register starts with a recovered entry. */
static void
test_torn_first_line(void **state)
{
	struct reg_appended a;
	struct reg_verify_result r;

	(void)state;
	append_raw("{\"seq\":1", 8);
	add(&tech, "after", &a);
	assert_int_equal(a.recovered_seq, 1);
	assert_int_equal(a.seq, 2);
	verify_ok(2, &r);
}

/* A complete last line that is not an entry: refuse, touch nothing. */
static void
test_damaged_tail_refused(void **state)
{
	struct json_object *b = t_note("x");
	struct reg_appended a;
	char *before, *after;
	size_t n1, n2;

	(void)state;
	add(&tech, "one", &a);
	append_raw("garbage\n", 8);
	read_all(&before, &n1);
	assert_int_equal(reg_append(path, &tech.s, REG_CORRECTION, b, 0, &a),
			 -EBADMSG);
	assert_int_equal(a.seq, 0);
	read_all(&after, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(before);
	free(after);
	json_object_put(b);
}

static void
test_bad_paths(void **state)
{
	struct json_object *b = t_note("x");
	struct reg_appended a;
	struct reg_head h;
	char p[300];

	(void)state;
	assert_int_equal(reg_append(dir, &tech.s, REG_CORRECTION, b, 0, &a),
			 -EISDIR);
	assert_int_equal(wc_fmt(p, sizeof(p), "%s/none/reg", dir), 0);
	assert_int_equal(reg_append(p, &tech.s, REG_CORRECTION, b, 0, &a),
			 -ENOENT);
	assert_int_equal(reg_head_read(p, &h), -ENOENT);
	/* Recovered entries are written by append itself only. */
	assert_int_equal(reg_append(path, &tech.s, REG_RECOVERED, b, 0, &a),
			 -EINVAL);
	json_object_put(b);
}

/* An entry longer than REG_ENTRY_MAX is refused, the file untouched. */
static void
test_too_big(void **state)
{
	struct json_object *b = json_object_new_object();
	struct reg_appended a;
	char key[16], *big;
	struct stat st, st2;
	int i;

	(void)state;
	add(&tech, "one", &a);
	big = malloc(4001);
	assert_non_null(big);
	memset(big, 'x', 4000);
	big[4000] = '\0';
	for (i = 0; i < 20; i++) {
		assert_int_equal(wc_fmt(key, sizeof(key), "f%d", i), 0);
		json_object_object_add(b, key, json_object_new_string(big));
	}
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(reg_append(path, &tech.s, REG_CORRECTION, b, 0, &a),
			 -E2BIG);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_size, st.st_size);
	free(big);
	json_object_put(b);
}

/* Several processes appending at once all land, in one chain. */
static void
test_parallel(void **state)
{
	struct reg_verify_result r;
	struct reg_appended a;
	pid_t pids[4];
	int i, j, status;

	(void)state;
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			for (j = 0; j < 50; j++) {
				struct json_object *b = t_note("parallel");

				if (reg_append(path, i % 2 ? &tech.s : &tech2.s,
					       REG_CORRECTION, b, 0, &a) != 0)
					_exit(1);
				json_object_put(b);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	verify_ok(200, &r);
	assert_int_equal(r.head.seq, 200);
	assert_int_equal(r.signers, 2);
}

static void
test_pipeline_entries(void **state)
{
	struct reg_started st = {
		.record_id = "0b5a2c1e-6f1d-4c1a-9a47-2b1d3c4e5f60",
		.asset_tag = "NRM-0001", .target = "/dev/sdb",
		.serial = "WD-1234", .size_bytes = 500107862016ULL,
		.method = "zero",
	};
	struct reg_erasure er = {
		.record_id = st.record_id, .record_sha256 = H64_T,
		.result = "pass", .asset_tag = "NRM-0001", .serial = "WD-1234",
		.method = "zero", .nist_category = "Clear",
		.custody = "ok",
	};
	struct reg_certificate c = {
		.record_id = st.record_id, .doc = "erasure",
		.file = "0b5a2c1e-6f1d-4c1a-9a47-2b1d3c4e5f60.pdf",
		.sha256 = H64_T,
	};
	struct reg_appended a1, a2, a3;
	struct reg_verify_result r;
	struct reg_log log;

	(void)state;
	assert_int_equal(reg_append_started(path, &tech.s, &st, 0, &a1), 0);
	assert_int_equal(reg_append_erasure(path, &tech.s, &er, 0, &a2), 0);
	c.entry_seq = a2.seq;
	c.entry_hash = a2.hash;
	assert_int_equal(reg_append_certificate(path, &tech.s, &c, 0, &a3), 0);
	assert_int_equal(a1.seq, 1);
	assert_int_equal(a2.seq, 2);
	assert_int_equal(a3.seq, 3);
	verify_ok(3, &r);
	assert_int_equal(reg_log_load(path, &log), 0);
	assert_int_equal(log.v[0].kind, REG_STARTED);
	assert_false(log.v[0].flags & REG_F_INTERRUPTED);
	assert_int_equal(reg_body_int(&log.v[0], "size_bytes"), 500107862016LL);
	assert_string_equal(reg_body_str(&log.v[1], "record_sha256"), H64_T);
	assert_int_equal(reg_body_int(&log.v[2], "entry"), 2);
	assert_string_equal(reg_body_str(&log.v[2], "entry_hash"), a2.hash);
	reg_log_release(&log);
	/* Bad input: nothing appended. */
	er.result = NULL;
	assert_int_equal(reg_append_erasure(path, &tech.s, &er, 0, &a2), -EINVAL);
	verify_ok(3, &r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_chain, fresh),
		cmocka_unit_test_setup(test_two_signers, fresh),
		cmocka_unit_test_setup(test_torn_recovery, fresh),
		cmocka_unit_test_setup(test_torn_whole_line, fresh),
		cmocka_unit_test_setup(test_torn_first_line, fresh),
		cmocka_unit_test_setup(test_damaged_tail_refused, fresh),
		cmocka_unit_test_setup(test_bad_paths, fresh),
		cmocka_unit_test_setup(test_too_big, fresh),
		cmocka_unit_test_setup(test_parallel, fresh),
		cmocka_unit_test_setup(test_pipeline_entries, fresh),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
