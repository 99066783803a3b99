/*
 * test_register_verify.c - register verification (register/verify.c):
 * an intact register passes, and every kind of tampering is caught with
 * the entry named: an edited body, a deleted line, two lines swapped, a
 * forged line inserted (three ways), a replaced line, a truncated
 * register against an expected head, a bad signature, an unknown or
 * untrusted signer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/register_test.h"

#define N 8

static struct tkey ca, tech, tech2, evil_ca, evil;
static struct tmem reg;		/* N entries: tech, tech2 from entry 3 */
static char hashes[N + 1][REG_HEX_LEN];

static int
setup(void **state)
{
	char text[32];
	int i;

	(void)state;
	wc_tz_set("Asia/Tokyo");
	t_ca(&ca, "Test Root CA");
	t_leaf(&tech, &ca, "tech one", 2);
	t_leaf(&tech2, &ca, "tech two", 3);
	t_ca(&evil_ca, "Evil CA");
	t_leaf(&evil, &evil_ca, "tech one", 2);
	t_mem_init(&reg);
	for (i = 1; i <= N; i++) {
		if (wc_fmt(text, sizeof(text), "entry %d", i) != 0)
			return -1;
		t_mem_add(&reg, i >= 3 && i % 2 ? &tech2.s : &tech.s,
			  REG_CORRECTION, t_note(text));
		memcpy(hashes[i], reg.prev, REG_HEX_LEN);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	reg_buf_release(&reg.text);
	t_key_free(&tech);
	t_key_free(&tech2);
	t_key_free(&evil);
	t_key_free(&evil_ca);
	t_key_free(&ca);
	return 0;
}

/* A copy of the register to tamper with. */
static struct reg_buf
copy(void)
{
	struct reg_buf b;

	reg_buf_init(&b);
	reg_buf_add(&b, reg.text.p, reg.text.len);
	assert_int_equal(b.err, 0);
	return b;
}

static void
run(const struct reg_buf *b, X509_STORE *st, const struct reg_verify_opts *o,
    struct reg_verify_result *r)
{
	static const struct reg_verify_opts none;

	assert_int_equal(reg_verify_buf(b->p, b->len, st, o ? o : &none, r), 0);
}

/* The verdict is p, naming entry seq at line (0: any). */
static void
expect(const struct reg_buf *b, X509_STORE *st,
       const struct reg_verify_opts *o, enum reg_problem p, uint64_t seq,
       size_t line, const char *word)
{
	struct reg_verify_result r;

	run(b, st, o, &r);
	print_message("  -> %s: %s\n", reg_problem_name(r.problem), r.reason);
	assert_int_equal(r.problem, p);
	assert_int_equal(r.seq, seq);
	if (line != 0)
		assert_int_equal(r.line, line);
	if (word != NULL && strstr(r.reason, word) == NULL)
		fail_msg("reason '%s' lacks '%s'", r.reason, word);
}

/* Remove line n (1-based). */
static void
delete_line(struct reg_buf *b, size_t n)
{
	size_t at, len;

	t_line(b->p, b->len, n, &at, &len);
	memmove(b->p + at, b->p + at + len + 1, b->len - at - len - 1);
	b->len -= len + 1;
}

/* Insert text (a whole line with its newline) before line n. */
static void
insert_line(struct reg_buf *b, size_t n, const char *text, size_t tlen)
{
	struct reg_buf out;
	size_t at, len;

	t_line(b->p, b->len, n, &at, &len);
	reg_buf_init(&out);
	reg_buf_add(&out, b->p, at);
	reg_buf_add(&out, text, tlen);
	reg_buf_add(&out, b->p + at, b->len - at);
	assert_int_equal(out.err, 0);
	reg_buf_release(b);
	*b = out;
}

/* A copy of line n, with its newline. */
static char *
line_copy(const struct reg_buf *b, size_t n, size_t *len)
{
	size_t at;
	char *s;

	t_line(b->p, b->len, n, &at, len);
	(*len)++;
	s = malloc(*len + 1);
	assert_non_null(s);
	memcpy(s, b->p + at, *len);
	s[*len] = '\0';
	return s;
}

/* A line signed by k following prev with this seq. */
static char *
forge(const struct tkey *k, uint64_t seq, const char *prev, int embed,
      size_t *len)
{
	struct reg_line_in in = {
		.seq = seq, .time = "2025-12-02T09:00:00+09:00",
		.kind = REG_CORRECTION, .prev = prev, .embed_cert = embed,
	};
	char *line;

	in.body = t_note("forged");
	assert_int_equal(reg_line_make(&k->s, &in, &line, len), 0);
	json_object_put(in.body);
	return line;
}

static void
test_intact(void **state)
{
	struct reg_buf b = copy();
	struct reg_verify_result r;
	X509_STORE *st = t_store(&ca);

	(void)state;
	run(&b, NULL, NULL, &r);
	assert_int_equal(r.problem, REG_OK);
	assert_int_equal(r.entries, N);
	assert_int_equal(r.head.seq, N);
	assert_string_equal(r.head.hash, hashes[N]);
	assert_int_equal(r.signers, 2);
	assert_false(r.ca_checked);
	run(&b, st, NULL, &r);
	assert_int_equal(r.problem, REG_OK);
	assert_true(r.ca_checked);
	X509_STORE_free(st);
	reg_buf_release(&b);
}

static void
test_edited_body(void **state)
{
	struct reg_buf b = copy();
	size_t at, len;
	char *p;

	(void)state;
	t_line(b.p, b.len, 4, &at, &len);
	p = memmem(b.p + at, len, "entry 4", 7);
	assert_non_null(p);
	p[6] = '9';
	expect(&b, NULL, NULL, REG_EDITED, 4, 4, "edited");
	reg_buf_release(&b);
}

static void
test_edited_prev(void **state)
{
	struct reg_buf b = copy();
	size_t at, len;
	char *p;

	(void)state;
	t_line(b.p, b.len, 5, &at, &len);
	p = memmem(b.p + at, len, "\"prev\":\"", 8);
	p[8] = p[8] == '0' ? '1' : '0';
	expect(&b, NULL, NULL, REG_EDITED, 5, 5, "edited");
	reg_buf_release(&b);
}

static void
test_edit_breaks_json(void **state)
{
	struct reg_buf b = copy();
	size_t at, len;

	(void)state;
	t_line(b.p, b.len, 3, &at, &len);
	b.p[at + 1] = 'X';	/* {"seq" → {Xseq" */
	expect(&b, NULL, NULL, REG_MALFORMED, 3, 3, "not an entry");
	reg_buf_release(&b);
}

static void
test_deleted(void **state)
{
	struct reg_buf b = copy();

	(void)state;
	delete_line(&b, 4);
	expect(&b, NULL, NULL, REG_DELETED, 4, 4, "entry 4 is missing");
	delete_line(&b, 4);	/* entries 4 and 5 now */
	expect(&b, NULL, NULL, REG_DELETED, 4, 4, "entries 4-5");
	reg_buf_release(&b);
	b = copy();
	delete_line(&b, 1);
	expect(&b, NULL, NULL, REG_DELETED, 1, 1, "deleted");
	reg_buf_release(&b);
}

static void
test_swapped(void **state)
{
	struct reg_buf b = copy();
	size_t len;
	char *l4 = line_copy(&b, 4, &len);

	(void)state;
	delete_line(&b, 4);
	insert_line(&b, 5, l4, len);	/* 1 2 3 5 4 6 7 8 */
	expect(&b, NULL, NULL, REG_REORDERED, 4, 5, "reordered");
	free(l4);
	reg_buf_release(&b);
	/* Entry 2 moved to the end. */
	b = copy();
	l4 = line_copy(&b, 2, &len);
	delete_line(&b, 2);
	reg_buf_add(&b, l4, len);
	expect(&b, NULL, NULL, REG_REORDERED, 2, N, "reordered");
	free(l4);
	reg_buf_release(&b);
}

/* A line with a made-up signature, fitted into the chain. */
static void
test_inserted_forged(void **state)
{
	struct reg_buf b = copy();
	size_t len;
	char *f = forge(&tech, 5, hashes[4], 0, &len), *p;

	(void)state;
	p = strstr(f, ",\"sig\":\"") + 8;
	p[4] = p[4] == 'A' ? 'B' : 'A';	/* not tech's signature */
	insert_line(&b, 5, f, len);
	expect(&b, NULL, NULL, REG_INSERTED, 5, 5, "inserted");
	free(f);
	reg_buf_release(&b);
}

/* A line validly signed by another key, with its own certificate. */
static void
test_inserted_other_key(void **state)
{
	struct reg_buf b = copy();
	X509_STORE *st = t_store(&ca);
	size_t len;
	char *f = forge(&evil, 5, hashes[4], 1, &len);

	(void)state;
	insert_line(&b, 5, f, len);
	/* Without a CA: the line after it follows entry 4 too. */
	expect(&b, NULL, NULL, REG_INSERTED, 5, 5, "inserted");
	/* With the CA: not issued by it. */
	expect(&b, st, NULL, REG_INSERTED, 5, 5, "not issued by the given CA");
	free(f);
	X509_STORE_free(st);
	reg_buf_release(&b);
}

/* Garbage, and a copy of an earlier line. */
static void
test_inserted_other(void **state)
{
	struct reg_buf b = copy();
	size_t len;
	char *l2;

	(void)state;
	insert_line(&b, 6, "{\"hello\":1}\n", 12);
	expect(&b, NULL, NULL, REG_INSERTED, 6, 6, "inserted");
	reg_buf_release(&b);
	b = copy();
	l2 = line_copy(&b, 2, &len);
	insert_line(&b, 6, l2, len);
	expect(&b, NULL, NULL, REG_INSERTED, 2, 6, "inserted");
	reg_buf_release(&b);
	/* Right after itself. */
	b = copy();
	insert_line(&b, 3, l2, len);
	expect(&b, NULL, NULL, REG_INSERTED, 2, 3, "copy");
	free(l2);
	reg_buf_release(&b);
}

/* Entry 4 replaced by another signer's line with the same seq. */
static void
test_replaced(void **state)
{
	struct reg_buf b = copy();
	X509_STORE *st = t_store(&ca);
	size_t len;
	char *f = forge(&evil, 4, hashes[3], 1, &len);

	(void)state;
	delete_line(&b, 4);
	insert_line(&b, 4, f, len);
	expect(&b, NULL, NULL, REG_EDITED, 4, 4, "replaced");
	expect(&b, st, NULL, REG_UNKNOWN_SIGNER, 4, 4, "not issued");
	free(f);
	X509_STORE_free(st);
	reg_buf_release(&b);
}

static void
test_truncated_expect_head(void **state)
{
	struct reg_verify_opts o = { .have_head = 1, .head_seq = 6 };
	struct reg_buf b = copy();
	struct reg_verify_result r;
	size_t at, len;

	(void)state;
	memcpy(o.head_hash, hashes[6], REG_HEX_LEN);
	run(&b, NULL, &o, &r);
	assert_int_equal(r.problem, REG_OK);
	/* Cut after entry 5: without the head it looks fine. */
	t_line(b.p, b.len, 6, &at, &len);
	b.len = at;
	run(&b, NULL, NULL, &r);
	assert_int_equal(r.problem, REG_OK);
	assert_int_equal(r.head.seq, 5);
	expect(&b, NULL, &o, REG_TRUNCATED, 6, 0, "truncated");
	/* Cut inside entry 6: a torn line, and still truncated. */
	b.len = at + len / 2;
	expect(&b, NULL, &o, REG_TRUNCATED, 6, 0, "truncated");
	reg_buf_release(&b);
}

static void
test_rewritten_head(void **state)
{
	struct reg_verify_opts o = { .have_head = 1, .head_seq = 6 };
	struct reg_buf b = copy();

	(void)state;
	memcpy(o.head_hash, hashes[5], REG_HEX_LEN);
	expect(&b, NULL, &o, REG_REWRITTEN, 6, 0, "rewritten");
	reg_buf_release(&b);
}

static void
test_torn_tail_reported(void **state)
{
	struct reg_buf b = copy();
	struct reg_verify_result r;

	(void)state;
	reg_buf_str(&b, "{\"seq\":9,\"ti");
	run(&b, NULL, NULL, &r);
	assert_int_equal(r.problem, REG_OK);
	assert_int_equal(r.entries, N);
	assert_int_equal(r.torn_len, 12);
	reg_buf_release(&b);
}

static void
test_bad_signature(void **state)
{
	struct reg_buf b = copy();
	size_t at, len;
	char *p;

	(void)state;
	t_line(b.p, b.len, 7, &at, &len);
	p = memmem(b.p + at, len, ",\"sig\":\"", 8) + 8;
	memcpy(p, "AAAA", 4);	/* no longer a DER SEQUENCE */
	expect(&b, NULL, NULL, REG_BAD_SIGNATURE, 7, 7, "bad signature");
	reg_buf_release(&b);
}

static void
test_unknown_signer(void **state)
{
	struct tmem m;
	struct reg_buf b;

	(void)state;
	t_mem_init(&m);
	t_mem_add(&m, &tech.s, REG_CORRECTION, t_note("one"));
	t_mem_seen(&m, tech2.s.fingerprint);	/* so: no certificate */
	t_mem_add(&m, &tech2.s, REG_CORRECTION, t_note("two"));
	b = m.text;
	expect(&b, NULL, NULL, REG_UNKNOWN_SIGNER, 2, 2, "unknown signer");
	reg_buf_release(&m.text);
}

static void
test_untrusted(void **state)
{
	struct reg_buf b = copy();
	X509_STORE *st = t_store(&evil_ca);

	(void)state;
	expect(&b, st, NULL, REG_UNTRUSTED, 0, 0, "not issued by the given CA");
	X509_STORE_free(st);
	reg_buf_release(&b);
}

/* Long enough for the signatures to be checked on several threads. */
static void
test_long_register(void **state)
{
	struct reg_verify_result r;
	struct tmem m;
	size_t at, len, i;
	char *p;

	(void)state;
	t_mem_init(&m);
	for (i = 0; i < 1200; i++)
		t_mem_add(&m, i % 3 ? &tech.s : &tech2.s, REG_CORRECTION,
			  t_note("bulk entry"));
	run(&m.text, NULL, NULL, &r);
	assert_int_equal(r.problem, REG_OK);
	assert_int_equal(r.entries, 1200);
	/* Edit entries 1100 and 900: the first one is named. */
	t_line(m.text.p, m.text.len, 1100, &at, &len);
	p = memmem(m.text.p + at, len, "bulk", 4);
	p[0] = 'B';
	expect(&m.text, NULL, NULL, REG_EDITED, 1100, 1100, "edited");
	t_line(m.text.p, m.text.len, 900, &at, &len);
	p = memmem(m.text.p + at, len, "bulk", 4);
	p[0] = 'B';
	expect(&m.text, NULL, NULL, REG_EDITED, 900, 900, "edited");
	reg_buf_release(&m.text);
}

static void
test_empty(void **state)
{
	struct reg_verify_result r;

	(void)state;
	assert_int_equal(reg_verify_buf("", 0, NULL,
					&(struct reg_verify_opts){ 0 }, &r), 0);
	assert_int_equal(r.problem, REG_OK);
	assert_int_equal(r.entries, 0);
	assert_string_equal(r.head.hash, REG_ZERO_HASH);
	assert_int_equal(reg_verify_buf("\n", 1, NULL,
					&(struct reg_verify_opts){ 0 }, &r), 0);
	assert_int_equal(r.problem, REG_MALFORMED);
	assert_string_equal(reg_problem_name(REG_INSERTED), "inserted");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_edited_body),
		cmocka_unit_test(test_edited_prev),
		cmocka_unit_test(test_edit_breaks_json),
		cmocka_unit_test(test_deleted),
		cmocka_unit_test(test_swapped),
		cmocka_unit_test(test_inserted_forged),
		cmocka_unit_test(test_inserted_other_key),
		cmocka_unit_test(test_inserted_other),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_truncated_expect_head),
		cmocka_unit_test(test_rewritten_head),
		cmocka_unit_test(test_torn_tail_reported),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_unknown_signer),
		cmocka_unit_test(test_untrusted),
		cmocka_unit_test(test_long_register),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
