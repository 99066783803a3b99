/*
 * cmd_register_add.c - `wipecert register add received|takeout|return|
 * correction`: the entries people make (DESIGN §8, 第18条⑵).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd_register.h"

enum field {
	F_CONTRACT, F_ASSET, F_DESC, F_TYPE, F_VENDOR, F_MODEL, F_SERIAL,
	F_CAPACITY, F_DEPT, F_CLASS, F_STORED, F_FROM, F_RECEIVED_BY, F_NOTE,
	F_TIME_OUT, F_TAKEN_BY, F_APPROVER, F_PURPOSE, F_DEST, F_TIME_RET,
	F_CONFIRMED_BY, F_TAKEOUT, F_REFERS, F_TEXT, F_COUNT,
};

static const char *const field_names[F_COUNT] = {
	"contract", "asset-tag", "description", "type", "vendor", "model",
	"serial", "capacity", "department", "classification", "stored-info",
	"from", "received-by", "note", "time-out", "taken-by", "approver",
	"purpose", "destination", "time-returned", "confirmed-by", "takeout",
	"refers", "text",
};

#define B(f) (1u << (f))
#define AOPT_BASE 400

struct add_kind {
	const char *name;
	enum reg_kind kind;
	unsigned allowed;
	unsigned required;
};

static const struct add_kind add_kinds[] = {
	{ "received", REG_RECEIVED,
	  B(F_CONTRACT) | B(F_ASSET) | B(F_DESC) | B(F_TYPE) | B(F_VENDOR) |
		  B(F_MODEL) | B(F_SERIAL) | B(F_CAPACITY) | B(F_DEPT) |
		  B(F_CLASS) | B(F_STORED) | B(F_FROM) | B(F_RECEIVED_BY) |
		  B(F_NOTE),
	  B(F_ASSET) | B(F_FROM) },
	{ "takeout", REG_TAKEOUT,
	  B(F_CONTRACT) | B(F_ASSET) | B(F_STORED) | B(F_TIME_OUT) |
		  B(F_TAKEN_BY) | B(F_APPROVER) | B(F_PURPOSE) | B(F_DEST) |
		  B(F_NOTE),
	  B(F_ASSET) | B(F_TAKEN_BY) | B(F_APPROVER) | B(F_PURPOSE) |
		  B(F_DEST) },
	{ "return", REG_RETURN,
	  B(F_CONTRACT) | B(F_ASSET) | B(F_TIME_RET) | B(F_CONFIRMED_BY) |
		  B(F_TAKEOUT) | B(F_NOTE),
	  B(F_ASSET) | B(F_CONFIRMED_BY) },
	{ "correction", REG_CORRECTION, B(F_REFERS) | B(F_TEXT),
	  B(F_REFERS) | B(F_TEXT) },
	{ NULL, 0, 0, 0 },
};

struct add_opts {
	const struct add_kind *k;
	const char *v[F_COUNT];
	char time_out[WC_RFC3339_LEN];
	char time_ret[WC_RFC3339_LEN];
	uint64_t refers;
	uint64_t takeout;
};

static void
add_usage(FILE *f)
{
	fputs("usage: wipecert register add received --asset-tag TAG --from WHO\n"
	      "         [--description T] [--type T] [--vendor V] [--model M]\n"
	      "         [--serial S] [--capacity C] [--department D]\n"
	      "         [--classification C] [--stored-info T] "
	      "[--received-by NAME]\n"
	      "       wipecert register add takeout --asset-tag TAG "
	      "--taken-by NAME\n"
	      "         --approver NAME --purpose T --destination T "
	      "[--time-out TIME]\n"
	      "         [--stored-info T]\n"
	      "       wipecert register add return --asset-tag TAG "
	      "--confirmed-by NAME\n"
	      "         [--time-returned TIME] [--takeout SEQ]\n"
	      "       wipecert register add correction --refers SEQ "
	      "--text TEXT\n"
	      "     every kind: [--note T] [--contract ID] [--register FILE] "
	      "[--config FILE]\n"
	      "         [--key KEY] [--cert CERT] [--chain CHAIN] "
	      "[--passphrase-file FILE]\n"
	      "See wipecert-register(8).\n",
	      f);
}

static int
parse_seq(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > INT64_MAX ||
	    *s < '0' || *s > '9')
		return -1;
	*out = v;
	return 0;
}

/* A time given by the operator (default now), as RFC 3339. */
static int
norm_time(const char *in, char out[WC_RFC3339_LEN], const char *opt)
{
	time_t t = time(NULL);

	if (in != NULL && reg_time_parse(in, &t, NULL) != 0) {
		cli_err("--%s: '%s' is not a time (YYYY-MM-DDTHH:MM[+09:00])",
			opt, in);
		return -1;
	}
	return wc_rfc3339(out, WC_RFC3339_LEN, t) == 0 ? 0 : -1;
}

static int
parse_add(struct add_opts *a, struct rcli *r, int argc, char **argv)
{
	struct option lo[F_COUNT + 9] = {
		ROPT_COMMON_LONGOPTS,
	};
	size_t i, n = 8;
	int c;

	for (i = 0; i < F_COUNT; i++)
		lo[n++] = (struct option){ field_names[i], required_argument,
					   NULL, AOPT_BASE + (int)i };
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h') {
			add_usage(stdout);
			return CLI_OK;
		}
		if (c >= AOPT_BASE && c < AOPT_BASE + F_COUNT) {
			if (!(a->k->allowed & B(c - AOPT_BASE))) {
				cli_err("--%s is not used by 'register add %s'",
					field_names[c - AOPT_BASE], a->k->name);
				return CLI_USAGE;
			}
			a->v[c - AOPT_BASE] = optarg;
		} else if (rcli_common(r, c, optarg) != 0) {
			add_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_err("unexpected argument '%s'", argv[optind]);
		return CLI_USAGE;
	}
	return -1;
}

/* Required fields, numbers and times; defaults from the configuration. */
static int
check_add(struct add_opts *a, const struct rcli *r)
{
	size_t i;

	for (i = 0; i < F_COUNT; i++) {
		if ((a->k->required & B(i)) &&
		    (a->v[i] == NULL || *a->v[i] == '\0')) {
			cli_err("'register add %s' needs --%s", a->k->name,
				field_names[i]);
			return CLI_USAGE;
		}
	}
	if ((a->v[F_REFERS] && parse_seq(a->v[F_REFERS], &a->refers)) ||
	    (a->v[F_TAKEOUT] && parse_seq(a->v[F_TAKEOUT], &a->takeout))) {
		cli_err("--refers and --takeout take an entry number");
		return CLI_USAGE;
	}
	if ((a->k->kind == REG_TAKEOUT &&
	     norm_time(a->v[F_TIME_OUT], a->time_out, "time-out") != 0) ||
	    (a->k->kind == REG_RETURN &&
	     norm_time(a->v[F_TIME_RET], a->time_ret, "time-returned") != 0))
		return CLI_USAGE;
	if (a->v[F_CONTRACT] == NULL && a->k->kind != REG_CORRECTION)
		a->v[F_CONTRACT] = r->cfg.contract;
	if (a->k->kind == REG_RECEIVED) {
		if (a->v[F_DEPT] == NULL)
			a->v[F_DEPT] = r->cfg.department;
		if (a->v[F_CLASS] == NULL)
			a->v[F_CLASS] = r->cfg.classification;
		if (a->v[F_RECEIVED_BY] == NULL)
			a->v[F_RECEIVED_BY] = r->cfg.operator_name;
	}
	return CLI_OK;
}

/* The last take-out of tag with no return after it: 0 when none. */
static uint64_t
open_takeout(const struct reg_log *log, const char *tag)
{
	const char *t;
	uint64_t open = 0;
	size_t i;

	for (i = 0; i < log->n; i++) {
		t = reg_body_str(&log->v[i], "asset_tag");
		if (t == NULL || strcmp(t, tag) != 0)
			continue;
		if (log->v[i].kind == REG_TAKEOUT)
			open = log->v[i].seq;
		else if (log->v[i].kind == REG_RETURN)
			open = 0;
	}
	return open;
}

/* What the register already says about this entry. */
static int
check_against(struct add_opts *a, const struct reg_log *log)
{
	const char *tag = a->v[F_ASSET];
	struct reg_custody_result c;

	switch (a->k->kind) {
	case REG_RECEIVED:
		reg_custody_check(log, tag, NULL, &c);
		if (c.received_seq != 0)
			cli_warn("管理番号 '%s' was received before (entry %llu)",
				 tag, (unsigned long long)c.received_seq);
		return CLI_OK;
	case REG_TAKEOUT:
		reg_custody_check(log, tag, NULL, &c);
		if (c.status == REG_CUSTODY_NOT_RECEIVED)
			cli_warn("管理番号 '%s' has no received entry", tag);
		if (open_takeout(log, tag) != 0)
			cli_warn("管理番号 '%s' is already taken out (entry %llu)",
				 tag, (unsigned long long)open_takeout(log, tag));
		return CLI_OK;
	case REG_RETURN:
		if (a->takeout == 0)
			a->takeout = open_takeout(log, tag);
		if (a->takeout == 0) {
			cli_err("管理番号 '%s' has no take-out to return", tag);
			return CLI_USAGE;
		}
		return CLI_OK;
	default:
		return CLI_OK;
	}
}

/* A correction needs only the head: entries run 1, 2, ... to it. */
static int
check_refers(const struct add_opts *a, const struct rcli *r)
{
	struct reg_head h;
	int ret = reg_head_read(r->path, &h);

	if (ret == -EBADMSG)
		return rcli_append_error(r, ret);
	if ((ret == 0 || ret == -ENOENT) && a->refers > h.seq) {
		cli_err("the register has no entry %llu to correct",
			(unsigned long long)a->refers);
		return CLI_USAGE;
	}
	if (ret != 0 && ret != -ENOENT) {
		cli_err("cannot read register '%s': %s", r->path,
			strerror(-ret));
		return CLI_IO;
	}
	return CLI_OK;
}

static int
build_body(const struct add_opts *a, struct json_object **body)
{
	const char *const *v = a->v;

	switch (a->k->kind) {
	case REG_RECEIVED:
		return reg_body_received(&(struct reg_received){
			.contract = v[F_CONTRACT], .asset_tag = v[F_ASSET],
			.description = v[F_DESC], .media_type = v[F_TYPE],
			.vendor = v[F_VENDOR], .model = v[F_MODEL],
			.serial = v[F_SERIAL], .capacity = v[F_CAPACITY],
			.department = v[F_DEPT], .classification = v[F_CLASS],
			.stored_info = v[F_STORED], .from = v[F_FROM],
			.received_by = v[F_RECEIVED_BY], .note = v[F_NOTE],
		}, body);
	case REG_TAKEOUT:
		return reg_body_takeout(&(struct reg_takeout){
			.contract = v[F_CONTRACT], .asset_tag = v[F_ASSET],
			.stored_info = v[F_STORED], .time_out = a->time_out,
			.taken_by = v[F_TAKEN_BY], .approver = v[F_APPROVER],
			.purpose = v[F_PURPOSE], .destination = v[F_DEST],
			.note = v[F_NOTE],
		}, body);
	case REG_RETURN:
		return reg_body_return(&(struct reg_return){
			.contract = v[F_CONTRACT], .asset_tag = v[F_ASSET],
			.takeout_seq = a->takeout, .time_returned = a->time_ret,
			.confirmed_by = v[F_CONFIRMED_BY], .note = v[F_NOTE],
		}, body);
	default:
		return reg_body_correction(&(struct reg_correction){
			.refers = a->refers, .text = v[F_TEXT],
		}, body);
	}
}

/* Sign and append; print the entry as certificates print it. */
static int
append_body(struct rcli *r, enum reg_kind kind, struct json_object *body)
{
	struct cert_signer *cs;
	struct reg_signer s;
	struct reg_appended out;
	int ret;

	ret = rcli_signer(r, &cs, &s);
	if (ret != CLI_OK)
		return ret;
	ret = reg_append(r->path, &s, kind, body, time(NULL), &out);
	reg_signer_release(&s);
	cert_signer_free(cs);
	if (ret != 0)
		return rcli_append_error(r, ret);
	if (out.recovered_seq != 0)
		cli_warn("a torn last line (%zu bytes) was kept as entry %llu "
			 "(recovered)", out.recovered_len,
			 (unsigned long long)out.recovered_seq);
	printf("entry %llu hash %s\n", (unsigned long long)out.seq, out.hash);
	return CLI_OK;
}

int
cmd_register_add(struct rcli *r, int argc, char **argv)
{
	struct json_object *body = NULL;
	struct add_opts a;
	struct reg_log log;
	int ret;

	memset(&a, 0, sizeof(a));
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		add_usage(stdout);
		return CLI_OK;
	}
	for (a.k = add_kinds; argc >= 2 && a.k->name != NULL; a.k++)
		if (strcmp(argv[1], a.k->name) == 0)
			break;
	if (argc < 2 || a.k->name == NULL) {
		cli_err("register add takes received, takeout, return or "
			"correction");
		add_usage(stderr);
		return CLI_USAGE;
	}
	ret = parse_add(&a, r, argc - 1, argv + 1);
	if (ret >= 0)
		return ret;
	ret = rcli_setup(r);
	if (ret == CLI_OK)
		ret = check_add(&a, r);
	if (ret != CLI_OK)
		return ret;
	if (a.k->kind == REG_CORRECTION) {
		ret = check_refers(&a, r);
	} else {
		ret = rcli_load(r, &log, 1);
		if (ret != CLI_OK)
			return ret;
		ret = check_against(&a, &log);
		reg_log_release(&log);
	}
	if (ret != CLI_OK)
		return ret;
	if (build_body(&a, &body) != 0) {
		cli_err("a field is too long (over %d bytes) or not UTF-8",
			REG_FIELD_MAX);
		return CLI_USAGE;
	}
	ret = append_body(r, a.k->kind, body);
	json_object_put(body);
	return ret;
}
