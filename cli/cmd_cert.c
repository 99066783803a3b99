/*
 * cmd_cert.c - `wipecert cert verify|show|issue`: check a signed
 * certificate without poppler, print the record it carries, and issue
 * (or re-issue) one from an unchanged record.  See wipecert-cert(8).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/keycli.h"
#include "register/register.h"

#define PDF_MAX (64 * 1024 * 1024)

struct copts {
	const char *verb;
	const char *config, *ca, *output, *key, *cert, *chain, *pass;
	const char *font, *reg;
	int json, no_register;
	struct wc_config cfg;
};

static void
cert_usage(FILE *f)
{
	fputs("usage: wipecert cert verify FILE.pdf [--ca ROOT.pem] [--json]\n"
	      "       wipecert cert show FILE.pdf [--ca ROOT.pem] [--json]\n"
	      "       wipecert cert issue RECORD.json [--output FILE]\n"
	      "         [--key FILE] [--cert FILE] [--chain FILE]\n"
	      "         [--passphrase-file FILE] [--font FILE]\n"
	      "         [--register FILE | --no-register]\n"
	      "Every subcommand also takes --config FILE.  "
	      "See wipecert-cert(8).\n",
	      f);
}

static int
parse_opts(struct copts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "ca", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'x' },
		{ "chain", required_argument, NULL, 'c' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "font", required_argument, NULL, 'f' },
		{ "register", required_argument, NULL, 'r' },
		{ "no-register", no_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': o->config = optarg; break;
		case 'a': o->ca = optarg; break;
		case 'o': o->output = optarg; break;
		case 'k': o->key = optarg; break;
		case 'x': o->cert = optarg; break;
		case 'c': o->chain = optarg; break;
		case 'p': o->pass = optarg; break;
		case 'f': o->font = optarg; break;
		case 'r': o->reg = optarg; break;
		case 'R': o->no_register = 1; break;
		case 'j': o->json = 1; break;
		case 'h':
			cert_usage(stdout);
			return CLI_OK;
		default:
			cert_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_err("cert %s takes one file", o->verb);
		cert_usage(stderr);
		return CLI_USAGE;
	}
	return -1;
}

/* Options override the configuration. */
static int
apply_options(struct copts *o)
{
	static const struct { size_t off; const char *key; } map[] = {
		{ offsetof(struct copts, key), "key" },
		{ offsetof(struct copts, cert), "certificate" },
		{ offsetof(struct copts, chain), "chain" },
		{ offsetof(struct copts, pass), "passphrase_file" },
		{ offsetof(struct copts, font), "font" },
		{ offsetof(struct copts, ca), "root_ca" },
		{ offsetof(struct copts, reg), "register" },
	};
	const char *v;
	size_t i;

	for (i = 0; i < WC_ARRAY_SIZE(map); i++) {
		v = *(const char *const *)((const char *)o + map[i].off);
		if (v != NULL && wc_config_set(&o->cfg, map[i].key, v) != 0) {
			cli_err("out of memory");
			return CLI_IO;
		}
	}
	if (o->no_register) {
		free(o->cfg.register_path);
		o->cfg.register_path = NULL;
	}
	return CLI_OK;
}

static int
read_pdf(const char *path, char **buf, size_t *len)
{
	int ret = wc_read_file(path, PDF_MAX, buf, len);

	if (ret == 0)
		return CLI_OK;
	cli_err("cannot read '%s': %s", path,
		ret == -EFBIG ? "larger than 64 MiB" : strerror(-ret));
	return CLI_IO;
}

/* ---- the register entry a document names -------------------------------- */

/*
 * What a document says about the register: certificates print the entry
 * their record was logged as (erasure or destruction, carrying the
 * record's SHA-256); a report or 管理簿 carries in its JSON the head it
 * was made from.
 */
static const char *jpath(struct json_object *rec, const char *a,
			 const char *b);

struct named {
	int has;			/* names an entry at all */
	int report;			/* 第22条 report: has a report entry */
	int kind_known;			/* kind must match */
	enum reg_kind kind;
	uint64_t seq;			/* reports: the head's seq */
	char hash[65];
};

static void
named_entry(const struct cert_verify_result *res, struct named *n)
{
	struct json_object *j = json_tokener_parse(res->record_text), *x;
	const char *schema = jpath(j, "schema", NULL);

	memset(n, 0, sizeof(*n));
	if (schema != NULL && (strcmp(schema, CERT_RECORD_SCHEMA) == 0 ||
			       strcmp(schema, CERT_DESTRUCTION_SCHEMA) == 0)) {
		n->has = res->register_hash[0] != '\0';
		n->kind_known = 1;
		n->kind = strcmp(schema, CERT_RECORD_SCHEMA) == 0
				  ? REG_ERASURE : REG_DESTRUCTION;
		memcpy(n->hash, res->register_hash, sizeof(n->hash));
	} else if (schema != NULL &&
		   json_object_object_get_ex(j, "register", &x) &&
		   json_object_object_get_ex(x, "head", &x) &&
		   jpath(x, "hash", NULL) != NULL && jpath(x, "seq", NULL)) {
		n->report = strcmp(schema, CERT_REPORT_SCHEMA) == 0;
		n->seq = strtoull(jpath(x, "seq", NULL), NULL, 10);
		n->has = n->seq > 0 &&
			 wc_fmt(n->hash, sizeof(n->hash), "%s",
				jpath(x, "hash", NULL)) == 0;
	}
	json_object_put(j);
}

static const char *
entry_problem(const struct named *n, const struct reg_entry *e,
	      const struct cert_verify_result *res)
{
	const char *sha;

	if (e == NULL)
		return "the register entry it names is not in the register";
	if (!n->kind_known)
		return e->seq == n->seq ? NULL : "the register head it names "
						 "has another number";
	sha = reg_body_str(e, "record_sha256");
	if (e->kind == n->kind && sha != NULL &&
	    strcmp(sha, res->record_sha256) == 0)
		return NULL;
	return n->kind == REG_ERASURE
		? "the register entry it names is not this record's erasure "
		  "entry"
		: "the register entry it names is not this record's "
		  "destruction entry";
}

/* The register must verify from its first entry up to e. */
static int
verify_up_to(const char *path, const char *ca, const struct reg_entry *e,
	     struct cert_verify_result *res)
{
	struct reg_verify_opts vo = { .ca_path = ca, .have_head = 1,
				      .head_seq = e->seq };
	struct reg_verify_result r;
	int ret;

	memcpy(vo.head_hash, e->hash, sizeof(vo.head_hash));
	ret = reg_verify(path, &vo, &r);
	if (ret != 0) {
		cli_err("cannot verify register '%s': %s", path,
			ret == -EKEYREJECTED ? "root CA unreadable"
					     : strerror(-ret));
		return ret == -EKEYREJECTED ? CLI_KEYCONF : CLI_IO;
	}
	if (r.problem == REG_OK)
		return CLI_OK;
	if (r.problem == REG_UNTRUSTED) {
		if (res->verdict == CERT_VALID) {
			res->verdict = CERT_UNTRUSTED;
			wc_fmt(res->reason, sizeof(res->reason), "register: "
			       "%.200s", r.reason);
		}
		return CLI_UNTRUSTED;
	}
	if (r.seq > e->seq || (r.seq == 0 && r.line > e->line)) {
		cli_warn("register '%s' is damaged after entry %llu (%s); the "
			 "entries up to it verify", path,
			 (unsigned long long)e->seq, r.reason);
		return CLI_OK;
	}
	res->verdict = CERT_INVALID;
	wc_fmt(res->reason, sizeof(res->reason), "the register does not "
	       "verify up to entry %llu: %.180s", (unsigned long long)e->seq,
	       r.reason);
	return CLI_TAMPERED;
}

static int
report_logged(const struct reg_log *log, const char *pdf_sha)
{
	const char *s;
	size_t i;

	for (i = 0; i < log->n; i++) {
		s = reg_body_str(&log->v[i], "sha256");
		if (log->v[i].kind == REG_REPORT && s != NULL &&
		    strcmp(s, pdf_sha) == 0)
			return 1;
	}
	return 0;
}

/*
 * The register's `certificate` entries for a record: 1 when one holds
 * this file's SHA-256, 0 when the record has none (e.g. re-issued with
 * --no-register), -1 when it has some and none is this file.
 */
static int
certificate_logged(const struct reg_log *log, const char *record_id,
		   const char *pdf_sha)
{
	const char *id, *s;
	int seen = 0;
	size_t i;

	for (i = 0; i < log->n; i++) {
		if (log->v[i].kind != REG_CERTIFICATE)
			continue;
		id = reg_body_str(&log->v[i], "record_id");
		s = reg_body_str(&log->v[i], "sha256");
		if (id == NULL || strcmp(id, record_id) != 0)
			continue;
		if (s != NULL && strcmp(s, pdf_sha) == 0)
			return 1;
		seen = 1;
	}
	return seen ? -1 : 0;
}

/*
 * Find the register entry the document names, check that it is the one
 * its JSON was logged by (a report: also that a report entry holds this
 * file's SHA-256), and that the register verifies up to it.  Returns
 * CLI_OK (res updated), or another status with res->reason set.
 * *checked says whether the register could be consulted at all; a
 * register named with --register must be readable.
 */
static int
check_register(const struct copts *o, const char *pdf_sha,
	       struct cert_verify_result *res, int *checked)
{
	const char *path = o->cfg.register_path, *why;
	const struct reg_entry *e = NULL;
	struct reg_log log;
	struct named n;
	size_t i;
	int ret;

	*checked = 0;
	named_entry(res, &n);
	if (path == NULL || !n.has)
		return CLI_OK;
	memset(&log, 0, sizeof(log));
	ret = reg_log_load(path, &log);
	if (ret != 0) {
		reg_log_release(&log);
		if (o->reg == NULL) {
			cli_warn("register '%s' not read (%s): its entry was "
				 "not checked", path, strerror(-ret));
			return CLI_OK;
		}
		cli_err("cannot read register '%s': %s", path, strerror(-ret));
		return ret == -EBADMSG ? CLI_TAMPERED : CLI_IO;
	}
	*checked = 1;
	for (i = 0; i < log.n && e == NULL; i++)
		if (strcmp(log.v[i].hash, n.hash) == 0)
			e = &log.v[i];
	why = entry_problem(&n, e, res);
	if (why == NULL && n.report && !report_logged(&log, pdf_sha))
		why = "the register has no report entry with this file's "
		      "SHA-256";
	/* A certificate logged for this record must be this very file. */
	if (why == NULL && !n.report &&
	    certificate_logged(&log, res->record_id, pdf_sha) < 0)
		why = "the register logs a different certificate file for "
		      "this record: this one was altered or replaced";
	ret = why != NULL ? CLI_TAMPERED
			  : verify_up_to(path, o->cfg.root_ca, e, res);
	if (why != NULL) {
		res->verdict = CERT_INVALID;
		wc_fmt(res->reason, sizeof(res->reason), "%s", why);
	} else {
		res->register_seq = (int64_t)e->seq;
		memcpy(res->register_hash, e->hash, sizeof(res->register_hash));
	}
	reg_log_release(&log);
	return ret;
}

/* The register entry whose record_sha256 is sha (the last one). */
static int
find_erasure(const char *path, const char *sha, int64_t *seq,
	     char hash[65])
{
	struct reg_log log;
	const char *s;
	size_t i;
	int ret;

	*seq = -1;
	memset(&log, 0, sizeof(log));
	ret = reg_log_load(path, &log);
	for (i = log.n; ret == 0 && i > 0; i--) {
		s = reg_body_str(&log.v[i - 1], "record_sha256");
		if (log.v[i - 1].kind == REG_ERASURE && s != NULL &&
		    strcmp(s, sha) == 0) {
			*seq = (int64_t)log.v[i - 1].seq;
			memcpy(hash, log.v[i - 1].hash, 65);
			break;
		}
	}
	reg_log_release(&log);
	return ret;
}

/* ---- verify ------------------------------------------------------------- */

static const char *
verdict_name(enum cert_verdict v)
{
	return v == CERT_VALID ? "valid" : v == CERT_UNTRUSTED ? "untrusted"
								: "invalid";
}

static int
verdict_status(enum cert_verdict v)
{
	return v == CERT_VALID ? CLI_OK : v == CERT_UNTRUSTED ? CLI_UNTRUSTED
								  : CLI_TAMPERED;
}

static void
print_json(const char *file, const struct cert_verify_result *r,
	   const char *root, int reg_checked)
{
	struct json_object *o = json_object_new_object(), *x;

	json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "verdict",
			       json_object_new_string(verdict_name(r->verdict)));
	json_object_object_add(o, "reason", json_object_new_string(r->reason));
	x = json_object_new_object();
	json_object_object_add(x, "subject",
			       json_object_new_string(r->signer_subject));
	json_object_object_add(x, "sha256",
			       json_object_new_string(r->signer_fingerprint));
	json_object_object_add(o, "signer", x);
	x = json_object_new_object();
	json_object_object_add(x, "id", json_object_new_string(r->record_id));
	json_object_object_add(x, "sha256",
			       json_object_new_string(r->record_sha256));
	json_object_object_add(o, "record", x);
	x = NULL;
	if (r->register_hash[0]) {
		x = json_object_new_object();
		json_object_object_add(x, "seq", r->register_seq >= 0
			? json_object_new_int64(r->register_seq) : NULL);
		json_object_object_add(x, "hash",
				       json_object_new_string(r->register_hash));
		json_object_object_add(x, "checked",
				       json_object_new_boolean(reg_checked));
	}
	json_object_object_add(o, "register", x);
	json_object_object_add(o, "root_ca",
			       root ? json_object_new_string(root) : NULL);
	printf("%s\n", json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void
print_text(const char *file, const struct cert_verify_result *r,
	   const char *root, int reg_checked)
{
	if (r->verdict == CERT_INVALID) {
		printf("%s: INVALID: %s\n", file, r->reason);
		return;
	}
	if (r->verdict == CERT_UNTRUSTED)
		printf("%s: intact, but UNTRUSTED: %s\n", file, r->reason);
	else
		printf("%s: valid\n", file);
	printf("  signer     %s\n             certificate sha256 %s\n"
	       "  record     %s\n             sha256 %s\n", r->signer_subject,
	       r->signer_fingerprint, r->record_id, r->record_sha256);
	if (r->register_hash[0] && r->register_seq >= 0)
		printf("  register   entry %lld, hash %s\n",
		       (long long)r->register_seq, r->register_hash);
	else if (r->register_hash[0])
		printf("  register   entry hash %s (%s)\n", r->register_hash,
		       reg_checked ? "checked" : "register not checked");
	printf("  checked    the signature covers the whole file; /Contents "
	       "is exactly the\n             DER signature; the record's "
	       "SHA-256 is the printed one and the QR's%s%s%s\n",
	       root ? "; chain to " : "", root ? root : "",
	       reg_checked ? "; the register entry" : "");
}

static int
cert_verify_run(struct copts *o, const char *file,
		struct cert_verify_result *res, int *reg_checked)
{
	const char *root = o->cfg.root_ca;
	char *pdf = NULL, sha[65];
	uint8_t md[32];
	size_t len = 0;
	int ret;

	*reg_checked = 0;
	if (root != NULL && kcli_need(root, "root CA"))
		return CLI_KEYCONF;
	if ((ret = read_pdf(file, &pdf, &len)) != CLI_OK)
		return ret;
	ret = cert_pdf_verify((const uint8_t *)pdf, len, root, res);
	wc_sha256(pdf, len, md);
	wc_hex(sha, md, sizeof(md));
	free(pdf);
	if (ret != 0) {
		cli_err("cannot verify '%s': %s", file,
			ret == -EINVAL || ret == -ENOENT
				? "the root CA file holds no certificate"
				: strerror(-ret));
		return ret == -ENOMEM ? CLI_IO : CLI_KEYCONF;
	}
	if (res->verdict != CERT_INVALID)
		ret = check_register(o, sha, res, reg_checked);
	/* Not the document's fault: the register could not be read. */
	if (ret == CLI_IO || ret == CLI_KEYCONF) {
		cert_verify_result_release(res);
		return ret;
	}
	return -1;
}

static int
cert_verify_cmd(struct copts *o, const char *file)
{
	struct cert_verify_result res;
	int ret, reg_checked;

	ret = cert_verify_run(o, file, &res, &reg_checked);
	if (ret >= 0)
		return ret;
	if (o->json)
		print_json(file, &res, o->cfg.root_ca, reg_checked);
	else
		print_text(file, &res, o->cfg.root_ca, reg_checked);
	if (res.verdict == CERT_UNTRUSTED && o->cfg.root_ca == NULL && !o->json)
		fprintf(stderr, "wipecert: give --ca ROOT.pem or set root_ca "
				"in the configuration to check the chain\n");
	ret = verdict_status(res.verdict);
	cert_verify_result_release(&res);
	return ret;
}

/* ---- show --------------------------------------------------------------- */

static const char *
jpath(struct json_object *rec, const char *a, const char *b)
{
	struct json_object *x = rec;

	if (a && !json_object_object_get_ex(x, a, &x))
		return NULL;
	if (b && !json_object_object_get_ex(x, b, &x))
		return NULL;
	if (x == NULL || json_object_is_type(x, json_type_object) ||
	    json_object_is_type(x, json_type_array))
		return NULL;
	return json_object_get_string(x);
}

static void
show_summary(const struct cert_verify_result *r)
{
	static const struct { const char *label, *a, *b; } rows[] = {
		{ "id", "id", NULL },
		{ "result", "result", NULL },
		{ "issued", "issued", "time" },
		{ "contract", "contract", "number" },
		{ "department", "contract", "department" },
		{ "operator", "people", "operator" },
		{ "witness", "people", "witness" },
		{ "vendor", "media", "vendor" },
		{ "model", "media", "model" },
		{ "serial", "media", "serial" },
		{ "size_bytes", "media", "size_bytes" },
		{ "asset_tag", "media", "asset_tag" },
		{ "category", "technique", "nist_category" },
		{ "method", "technique", "method" },
		{ "verification", "verification", "mode" },
		{ "coverage_ppm", "verification", "coverage_ppm" },
	};
	struct json_object *rec;
	const char *v;
	size_t i;

	rec = json_tokener_parse(r->record_text);
	for (i = 0; rec != NULL && i < WC_ARRAY_SIZE(rows); i++) {
		v = jpath(rec, rows[i].a, rows[i].b);
		if (v != NULL)
			printf("  %-13s %s\n", rows[i].label, v);
	}
	printf("  %-13s %s\n", "record_sha256", r->record_sha256);
	json_object_put(rec);
}

static int
cert_show_cmd(struct copts *o, const char *file)
{
	struct cert_verify_result res;
	int ret, reg_checked;

	ret = cert_verify_run(o, file, &res, &reg_checked);
	if (ret >= 0)
		return ret;
	ret = verdict_status(res.verdict);
	if (res.record_text == NULL) {
		cli_err("'%s': %s", file, res.reason);
		cert_verify_result_release(&res);
		return CLI_TAMPERED;
	}
	if (o->json) {
		fwrite(res.record_text, 1, res.record_len, stdout);
	} else {
		printf("%s: record %s\n", file, res.record_id);
		show_summary(&res);
		printf("  %-13s %s%s%s\n", "signature", verdict_name(res.verdict),
		       res.reason[0] ? ": " : "", res.reason);
	}
	if (res.verdict == CERT_INVALID)
		cli_err("'%s' does not verify (%s): do not rely on this record",
			file, res.reason);
	cert_verify_result_release(&res);
	return ret;
}

/* ---- issue -------------------------------------------------------------- */

struct issue {
	char *text;			/* the record, exact bytes */
	size_t len;
	char sha[65];
	char id[37];
	enum cert_doc kind;
	int64_t seq;
	char hash[65];
	uint8_t *pdf;			/* signed */
	size_t pdf_len;
	char dir[4096], name[128];
};

/* The record: read, identified, and its result allowing a document. */
static int
issue_record(const char *path, struct issue *is)
{
	struct json_object *rec;
	const char *id, *result;
	uint8_t md[32];
	int ret;

	ret = wc_read_file(path, CERT_RECORD_MAX, &is->text, &is->len);
	if (ret != 0) {
		cli_err("cannot read record '%s': %s", path, strerror(-ret));
		return CLI_IO;
	}
	wc_sha256(is->text, is->len, md);
	wc_hex(is->sha, md, sizeof(md));
	rec = json_tokener_parse(is->text);
	id = jpath(rec, "id", NULL);
	result = jpath(rec, "result", NULL);
	ret = CLI_OK;
	if (id == NULL || strlen(id) != 36 || result == NULL) {
		cli_err("'%s' is not a wipecert record", path);
		ret = CLI_TAMPERED;
	} else if (strcmp(result, "destroyed") == 0) {
		cli_err("'%s' is a destruction record: its certificate is "
			"issued by 'wipecert destroy', with its photos", path);
		ret = CLI_USAGE;
	} else if (strcmp(result, "pass") != 0 && strcmp(result, "fail")) {
		cli_err("record %s: result '%s': no certificate is issued for "
			"an interrupted erase; erase the medium again", id,
			result);
		ret = CLI_FAILED;
	} else {
		memcpy(is->id, id, 37);
		is->kind = strcmp(result, "pass") == 0 ? CERT_DOC_ERASURE
						      : CERT_DOC_FAILURE;
	}
	json_object_put(rec);
	return ret;
}

/* Where the PDF goes: --output, else output_dir, else beside the record. */
static int
issue_target(const struct copts *o, const char *record, struct issue *is)
{
	char tmp[4096];
	const char *dir;

	if (o->output != NULL) {
		if (wc_fmt(tmp, sizeof(tmp), "%s", o->output) != 0 ||
		    wc_fmt(is->dir, sizeof(is->dir), "%s", dirname(tmp)) ||
		    wc_fmt(tmp, sizeof(tmp), "%s", o->output) != 0 ||
		    wc_fmt(is->name, sizeof(is->name), "%s", basename(tmp)))
			goto long_name;
		return CLI_OK;
	}
	if (wc_fmt(tmp, sizeof(tmp), "%s", record) != 0)
		goto long_name;
	dir = o->cfg.output_dir ? o->cfg.output_dir : dirname(tmp);
	if (wc_fmt(is->dir, sizeof(is->dir), "%s", dir) != 0 ||
	    wc_fmt(is->name, sizeof(is->name), "%s%s", is->id,
		   is->kind == CERT_DOC_ERASURE ? ".pdf" : ".failure.pdf"))
		goto long_name;
	return CLI_OK;
long_name:
	cli_err("output path too long");
	return CLI_USAGE;
}

/*
 * The erasure entry that logged this record's exact bytes.  A record
 * the register does not know (edited after the fact, or never logged) is
 * refused: only --no-register issues a certificate naming no entry.
 */
static int
issue_register_lookup(const struct copts *o, struct issue *is)
{
	int ret;

	is->seq = -1;
	if (o->cfg.register_path == NULL)
		return CLI_OK;
	ret = find_erasure(o->cfg.register_path, is->sha, &is->seq, is->hash);
	if (ret != 0) {
		cli_err("cannot read register '%s': %s", o->cfg.register_path,
			strerror(-ret));
		return ret == -EBADMSG ? CLI_TAMPERED : CLI_IO;
	}
	if (is->seq < 0) {
		cli_err("refusing record %s: no erasure entry in '%s' has its "
			"SHA-256 (edited, or never logged; --no-register "
			"issues it anyway)", is->id, o->cfg.register_path);
		return CLI_TAMPERED;
	}
	return CLI_OK;
}

static int
issue_make(const struct copts *o, struct issue *is,
	   const struct cert_signer *s)
{
	struct cert_render_in in = {
		.kind = is->kind, .record_text = is->text,
		.record_len = is->len, .record_sha256 = is->sha,
		.cfg = &o->cfg, .signer_name = cert_signer_name(s),
		.signer_fingerprint = cert_signer_fingerprint(s),
		.register_seq = is->seq,
		.register_hash = is->seq >= 0 ? is->hash : NULL,
		.font_path = o->cfg.font, .issued = time(NULL),
	};
	uint8_t *pdf = NULL;
	size_t len = 0;
	int ret;

	ret = cert_pdf_render(&in, &pdf, &len);
	if (ret != 0) {
		cli_err("cannot render the certificate of %s: %s", is->id,
			ret == -ENOENT ? "font not found"
			: ret == -EINVAL ? "not a record this version can "
					   "certify"
					 : strerror(-ret));
		return ret == -ENOENT ? CLI_KEYCONF
		       : ret == -EINVAL ? CLI_TAMPERED : CLI_IO;
	}
	ret = cert_pdf_sign(pdf, len, s, &is->pdf, &is->pdf_len);
	free(pdf);
	if (ret != 0) {
		cli_err("cannot sign the certificate of %s: %s", is->id,
			ret == -ENOSPC ? "signature larger than the space "
					 "reserved for it"
				       : strerror(-ret));
		return CLI_IO;
	}
	return CLI_OK;
}

/* The issued file's `certificate` entry in the register. */
static int
issue_register_append(const struct copts *o, const struct issue *is,
		      const struct cert_signer *s, const char *sha)
{
	struct reg_certificate c = {
		.record_id = is->id,
		.doc = is->kind == CERT_DOC_ERASURE ? "erasure" : "failure",
		.file = is->name, .sha256 = sha,
		.entry_seq = is->seq >= 0 ? (uint64_t)is->seq : 0,
		.entry_hash = is->seq >= 0 ? is->hash : NULL,
	};
	struct reg_appended out;
	struct reg_signer rs;
	int ret;

	if (o->cfg.register_path == NULL || is->seq < 0)
		return CLI_OK;
	ret = reg_signer_init(&rs, cert_signer_pkey(s), cert_signer_x509(s));
	if (ret == 0)
		ret = reg_append_certificate(o->cfg.register_path, &rs, &c,
					     time(NULL), &out);
	reg_signer_release(&rs);
	if (ret != 0) {
		cli_err("certificate written, but the register '%s' could not "
			"record it: %s", o->cfg.register_path, strerror(-ret));
		return CLI_IO;
	}
	printf("  register   entry %llu\n", (unsigned long long)out.seq);
	return CLI_OK;
}

static int
cert_issue_cmd(struct copts *o, const char *record)
{
	struct cert_signer *s = NULL;
	struct issue is;
	uint8_t md[32];
	char sha[65];
	int ret;

	memset(&is, 0, sizeof(is));
	ret = issue_record(record, &is);
	if (ret == CLI_OK)
		ret = issue_target(o, record, &is);
	if (ret == CLI_OK)
		ret = kcli_signer(&o->cfg, &s);
	if (ret != CLI_OK)
		goto out;
	ret = issue_register_lookup(o, &is);
	if (ret != CLI_OK)
		goto out;
	ret = issue_make(o, &is, s);
	if (ret != CLI_OK)
		goto out;
	ret = wc_write_file_new(is.dir, is.name, is.pdf, is.pdf_len, 0644);
	if (ret != 0) {
		cli_err("cannot write '%s/%s': %s", is.dir, is.name,
			ret == -EEXIST ? "it exists: refusing to overwrite it"
				       : strerror(-ret));
		ret = ret == -EEXIST ? CLI_REFUSED : CLI_IO;
		goto out;
	}
	wc_sha256(is.pdf, is.pdf_len, md);
	wc_hex(sha, md, sizeof(md));
	printf("%s %s/%s\n  sha256     %s\n  record     %s\n  signer     %s\n",
	       is.kind == CERT_DOC_ERASURE ? "certificate" : "failure report",
	       is.dir, is.name, sha, is.id, cert_signer_name(s));
	ret = issue_register_append(o, &is, s, sha);
out:
	cert_signer_free(s);
	free(is.text);
	free(is.pdf);
	return ret;
}

int
cmd_cert(int argc, char **argv)
{
	struct copts o;
	int ret;

	memset(&o, 0, sizeof(o));
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		cert_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	o.verb = argv[1];
	if (strcmp(o.verb, "verify") && strcmp(o.verb, "show") &&
	    strcmp(o.verb, "issue")) {
		cli_err("cert: unknown subcommand '%s'", o.verb);
		cert_usage(stderr);
		return CLI_USAGE;
	}
	ret = parse_opts(&o, argc - 1, argv + 1);
	if (ret >= 0)
		return ret;
	ret = kcli_config(o.config, &o.cfg);
	if (ret == CLI_OK)
		ret = apply_options(&o);
	if (ret == CLI_OK && strcmp(o.verb, "verify") == 0)
		ret = cert_verify_cmd(&o, argv[1 + optind]);
	else if (ret == CLI_OK && strcmp(o.verb, "show") == 0)
		ret = cert_show_cmd(&o, argv[1 + optind]);
	else if (ret == CLI_OK) {
		cli_signals_install();
		ret = cert_issue_cmd(&o, argv[1 + optind]);
	}
	wc_config_release(&o.cfg);
	return ret;
}
