/*
 * cmd_register.c - `wipecert register verify|list|show|export` and the
 * options and set-up every register subcommand shares; `add` is in
 * cmd_register_add.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd_register.h"

#define JSON_OUT (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)

static void
register_usage(FILE *f)
{
	fputs("usage: wipecert register verify [--ca ROOT.pem] "
	      "[--expect-head SEQ:HASH] [--json]\n"
	      "       wipecert register list [--json] [--contract ID] "
	      "[--kind K] [--since DATE]\n"
	      "                [--until DATE] [--asset-tag TAG]\n"
	      "       wipecert register show SEQ [--json]\n"
	      "       wipecert register add received|takeout|return|"
	      "correction [FIELDS...]\n"
	      "       wipecert register export [--csv FILE] [--pdf FILE] "
	      "[--contract ID]\n"
	      "common options: [--register FILE] [--config FILE] "
	      "[--timezone ZONE]\n"
	      "                [--key KEY] [--cert CERT] [--chain CHAIN] "
	      "[--passphrase-file FILE]\n"
	      "See wipecert-register(8) and wipecert-register(5).\n",
	      f);
}

/* ---- shared set-up ----------------------------------------------------- */

int
rcli_common(struct rcli *r, int c, const char *arg)
{
	switch (c) {
	case ROPT_REGISTER: r->register_opt = arg; break;
	case ROPT_CONFIG: r->config_opt = arg; break;
	case ROPT_KEY: r->key = arg; break;
	case ROPT_CERT: r->cert = arg; break;
	case ROPT_CHAIN: r->chain = arg; break;
	case ROPT_PASSFILE: r->passfile = arg; break;
	case ROPT_TZ: r->tz = arg; break;
	default: return -1;
	}
	return 0;
}

int
rcli_setup(struct rcli *r)
{
	const char *tz;
	unsigned line;
	int ret;

	ret = wc_config_load(&r->cfg, r->config_opt, &line);
	if (ret == -EINVAL) {
		cli_err("configuration '%s', line %u: not valid",
			r->config_opt ? r->config_opt : "(default)", line);
		return CLI_KEYCONF;
	}
	if (ret != 0) {
		cli_err("cannot read configuration '%s': %s",
			r->config_opt ? r->config_opt : WC_CONFIG_DEFAULT,
			strerror(-ret));
		return CLI_KEYCONF;
	}
	tz = r->tz ? r->tz : r->cfg.timezone ? r->cfg.timezone : WC_DEFAULT_TZ;
	if (wc_tz_set(tz) != 0) {
		cli_err("unknown time zone '%s'", tz);
		return CLI_KEYCONF;
	}
	r->path = r->register_opt ? r->register_opt : r->cfg.register_path;
	if (r->path == NULL || *r->path == '\0') {
		cli_err("no register: give --register FILE or set 'register' "
			"in wipecert.conf");
		return CLI_KEYCONF;
	}
	return CLI_OK;
}

void
rcli_release(struct rcli *r)
{
	wc_config_release(&r->cfg);
}

static const char *
key_error(int err)
{
	switch (err) {
	case -EACCES: return "wrong passphrase";
	case -EKEYEXPIRED: return "certificate expired or not yet valid";
	case -EKEYREJECTED: return "key does not match the certificate";
	case -EPERM: return "key file readable by others (chmod 600)";
	case -ENOTTY: return "no passphrase: give --passphrase-file";
	default: return strerror(-err);
	}
}

int
rcli_signer(struct rcli *r, struct cert_signer **cs, struct reg_signer *s)
{
	const char *key = r->key ? r->key : r->cfg.key;
	const char *cert = r->cert ? r->cert : r->cfg.certificate;
	const char *chain = r->chain ? r->chain : r->cfg.chain;
	const char *pass = r->passfile ? r->passfile : r->cfg.passphrase_file;
	int ret;

	*cs = NULL;
	memset(s, 0, sizeof(*s));
	if (key == NULL || cert == NULL) {
		cli_err("no signing key: give --key and --cert or set 'key' "
			"and 'certificate' in wipecert.conf");
		return CLI_KEYCONF;
	}
	ret = cert_signer_load(key, cert, chain, pass, time(NULL), cs);
	if (ret != 0) {
		cli_err("cannot use signing key '%s': %s", key, key_error(ret));
		return CLI_KEYCONF;
	}
	ret = reg_signer_init(s, cert_signer_pkey(*cs), cert_signer_x509(*cs));
	if (ret != 0) {
		cli_err("cannot use signing key '%s': %s", key, key_error(ret));
		cert_signer_free(*cs);
		*cs = NULL;
		return CLI_KEYCONF;
	}
	return CLI_OK;
}

int
rcli_load(struct rcli *r, struct reg_log *log, int missing_ok)
{
	int ret = reg_log_load(r->path, log);

	if (ret == -ENOENT && missing_ok) {
		memset(log, 0, sizeof(*log));
		return CLI_OK;
	}
	if (ret == -EBADMSG) {
		cli_err("register '%s', line %zu: %s; run 'wipecert register "
			"verify'", r->path, log->bad_line,
			log->bad_why ? log->bad_why : "not an entry");
		return CLI_TAMPERED;
	}
	if (ret != 0) {
		cli_err("cannot read register '%s': %s", r->path,
			strerror(-ret));
		return CLI_IO;
	}
	return CLI_OK;
}

int
rcli_append_error(const struct rcli *r, int err)
{
	switch (err) {
	case -EBADMSG:
		cli_err("register '%s' ends in a line that is not an entry; "
			"nothing appended (run 'wipecert register verify')",
			r->path);
		return CLI_TAMPERED;
	case -EFBIG:
		cli_err("register '%s': torn last line or file too large; "
			"nothing appended", r->path);
		return CLI_IO;
	case -E2BIG:
		cli_err("entry too long (at most %d bytes); nothing appended",
			REG_ENTRY_MAX);
		return CLI_USAGE;
	case -ENOSPC:
	case -EDQUOT:
		cli_err("no space left for register '%s'; nothing appended, "
			"the register is unchanged", r->path);
		return CLI_IO;
	default:
		cli_err("cannot append to register '%s': %s", r->path,
			strerror(-err));
		return CLI_IO;
	}
}

/* ---- verify --------------------------------------------------------- */

struct sub_opts {
	struct rcli r;
	struct reg_verify_opts vo;
	struct reg_filter f;
	int json;
	const char *csv;
	const char *pdf;
	const char *contract;
	char **args;
	int nargs;
};

enum {
	SOPT_CA = ROPT_FIRST_OWN, SOPT_HEAD, SOPT_JSON, SOPT_CONTRACT,
	SOPT_KIND, SOPT_SINCE, SOPT_UNTIL, SOPT_ASSET, SOPT_CSV, SOPT_PDF,
};

static const struct option sub_longopts[] = {
	ROPT_COMMON_LONGOPTS,
	{ "ca", required_argument, NULL, SOPT_CA },
	{ "expect-head", required_argument, NULL, SOPT_HEAD },
	{ "json", no_argument, NULL, SOPT_JSON },
	{ "contract", required_argument, NULL, SOPT_CONTRACT },
	{ "kind", required_argument, NULL, SOPT_KIND },
	{ "since", required_argument, NULL, SOPT_SINCE },
	{ "until", required_argument, NULL, SOPT_UNTIL },
	{ "asset-tag", required_argument, NULL, SOPT_ASSET },
	{ "csv", required_argument, NULL, SOPT_CSV },
	{ "pdf", required_argument, NULL, SOPT_PDF },
	{ NULL, 0, NULL, 0 },
};

static int
parse_date_opt(const char *arg, int until, time_t *out)
{
	int date_only;

	if (reg_time_parse(arg, out, &date_only) != 0) {
		cli_err("'%s' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
			arg);
		return -1;
	}
	if (until && date_only)
		*out += 86400 - 1;	/* the whole day */
	return 0;
}

static int
set_sub_option(struct sub_opts *o, int c, const char *arg)
{
	enum reg_kind k;

	switch (c) {
	case SOPT_CA: o->vo.ca_path = arg; break;
	case SOPT_HEAD:
		if (reg_head_parse(arg, &o->vo.head_seq, o->vo.head_hash)) {
			cli_err("--expect-head takes SEQ:HASH (64 hex digits)");
			return -1;
		}
		o->vo.have_head = 1;
		break;
	case SOPT_JSON: o->json = 1; break;
	case SOPT_CONTRACT: o->f.contract = o->contract = arg; break;
	case SOPT_KIND:
		if (reg_kind_parse(arg, &k) != 0) {
			cli_err("unknown kind '%s'", arg);
			return -1;
		}
		o->f.kind = (int)k;
		break;
	case SOPT_SINCE:
		o->f.has_since = 1;
		return parse_date_opt(arg, 0, &o->f.since);
	case SOPT_UNTIL:
		o->f.has_until = 1;
		return parse_date_opt(arg, 1, &o->f.until);
	case SOPT_ASSET: o->f.asset_tag = arg; break;
	case SOPT_CSV: o->csv = arg; break;
	case SOPT_PDF: o->pdf = arg; break;
	default: return rcli_common(&o->r, c, arg);
	}
	return 0;
}

static const char *
opt_name(int c)
{
	size_t i;

	for (i = 0; sub_longopts[i].name != NULL; i++)
		if (sub_longopts[i].val == c)
			return sub_longopts[i].name;
	return "?";
}

/*
 * Parse a subcommand's options; `allowed` lists the SOPT_ values it
 * takes (0-terminated).  Returns -1 to go on, else an exit status.
 */
static int
parse_sub(struct sub_opts *o, int argc, char **argv, const int *allowed)
{
	int c, i, ok, ret;

	reg_filter_init(&o->f);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", sub_longopts, NULL)) != -1) {
		if (c == 'h') {
			register_usage(stdout);
			return CLI_OK;
		}
		for (ok = c < ROPT_FIRST_OWN, i = 0; allowed[i] != 0; i++)
			ok |= allowed[i] == c;
		if (!ok) {
			cli_err("--%s is not an option of 'register %s'",
				opt_name(c), argv[0]);
			return CLI_USAGE;
		}
		if (c == '?' || set_sub_option(o, c, optarg) != 0) {
			register_usage(stderr);
			return CLI_USAGE;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	ret = rcli_setup(&o->r);
	return ret == CLI_OK ? -1 : ret;
}

static void
verify_json(const struct sub_opts *o, const struct reg_verify_result *res)
{
	struct json_object *j = json_object_new_object(), *h;

	json_object_object_add(j, "register", json_object_new_string(o->r.path));
	json_object_object_add(j, "ok", json_object_new_boolean(
						res->problem == REG_OK));
	json_object_object_add(j, "problem", res->problem == REG_OK ? NULL :
			       json_object_new_string(
				       reg_problem_name(res->problem)));
	json_object_object_add(j, "seq", res->seq ? json_object_new_int64(
						  (int64_t)res->seq) : NULL);
	json_object_object_add(j, "line", res->line ? json_object_new_int64(
						   (int64_t)res->line) : NULL);
	json_object_object_add(j, "reason", json_object_new_string(res->reason));
	json_object_object_add(j, "entries",
			       json_object_new_int64((int64_t)res->entries));
	h = json_object_new_object();
	json_object_object_add(h, "seq",
			       json_object_new_int64((int64_t)res->head.seq));
	json_object_object_add(h, "hash", json_object_new_string(res->head.hash));
	json_object_object_add(j, "head", h);
	json_object_object_add(j, "torn_bytes",
			       json_object_new_int64((int64_t)res->torn_len));
	json_object_object_add(j, "recovered",
			       json_object_new_int64((int64_t)res->recovered));
	json_object_object_add(j, "signers",
			       json_object_new_int64((int64_t)res->signers));
	json_object_object_add(j, "ca_checked",
			       json_object_new_boolean(res->ca_checked));
	puts(json_object_to_json_string_ext(j, JSON_OUT));
	json_object_put(j);
}

static void
verify_text(const struct sub_opts *o, const struct reg_verify_result *res)
{
	if (res->problem != REG_OK && res->problem != REG_UNTRUSTED) {
		cli_err("register '%s' failed verification: %s", o->r.path,
			res->reason);
		return;
	}
	printf("register %s: %llu entries, chain and signatures intact\n",
	       o->r.path, (unsigned long long)res->entries);
	printf("  head entry %llu hash %s\n",
	       (unsigned long long)res->head.seq, res->head.hash);
	if (res->problem == REG_UNTRUSTED)
		cli_err("register '%s': %s", o->r.path, res->reason);
	else if (res->ca_checked)
		printf("  %zu signer(s), issued by %s\n", res->signers,
		       o->vo.ca_path);
	else
		printf("  %zu signer(s), not checked against a root CA "
		       "(use --ca)\n", res->signers);
	if (o->vo.have_head)
		printf("  expected head entry %llu is present and matches\n",
		       (unsigned long long)o->vo.head_seq);
	if (res->recovered > 0)
		printf("  %zu recovered entr%s: torn lines kept by a later "
		       "append\n", res->recovered,
		       res->recovered == 1 ? "y" : "ies");
	if (res->torn_len > 0)
		printf("  torn last line (%zu bytes), will be recovered on "
		       "next append\n", res->torn_len);
}

static int
reg_cmd_verify(struct sub_opts *o)
{
	struct reg_verify_result res;
	int ret;

	if (o->vo.ca_path == NULL)
		o->vo.ca_path = o->r.cfg.root_ca;
	ret = reg_verify(o->r.path, &o->vo, &res);
	if (ret == -EKEYREJECTED) {
		cli_err("cannot read root CA '%s'", o->vo.ca_path);
		return CLI_KEYCONF;
	}
	if (ret != 0) {
		cli_err("cannot read register '%s': %s", o->r.path,
			strerror(-ret));
		return CLI_IO;
	}
	if (o->json)
		verify_json(o, &res);
	else
		verify_text(o, &res);
	/* Intact but checked against no root CA: anyone could have
	 * re-signed it (DESIGN §3: 7, valid but not trusted). */
	if (res.problem == REG_OK)
		return o->vo.ca_path != NULL ? CLI_OK : CLI_UNTRUSTED;
	return res.problem == REG_UNTRUSTED ? CLI_UNTRUSTED : CLI_TAMPERED;
}

/* ---- list and show -------------------------------------------------- */

static void
field(const char *label, const char *v)
{
	if (v != NULL)
		printf(" %s%s", label, v);
}

static void
summary(const struct reg_entry *e)
{
	const char *b = NULL;

	switch (e->kind) {
	case REG_RECEIVED:
		field("", reg_body_str(e, "description"));
		field("", reg_body_str(e, "model"));
		field("S/N ", reg_body_str(e, "serial"));
		field("from ", reg_body_str(e, "from"));
		break;
	case REG_TAKEOUT:
		field("to ", reg_body_str(e, "destination"));
		field("by ", reg_body_str(e, "taken_by"));
		field("approved by ", reg_body_str(e, "approver"));
		field("for ", reg_body_str(e, "purpose"));
		break;
	case REG_RETURN:
		field("returned ", reg_body_str(e, "time_returned"));
		field("confirmed by ", reg_body_str(e, "confirmed_by"));
		break;
	case REG_STARTED:
	case REG_ERASURE:
		field("record ", reg_body_str(e, "record_id"));
		field("", reg_body_str(e, "result"));
		field("", reg_body_str(e, "nist_category"));
		field("", reg_body_str(e, "method"));
		field("S/N ", reg_body_str(e, "serial"));
		if (e->flags & REG_F_INTERRUPTED)
			b = " [interrupted: no erasure entry]";
		break;
	case REG_CERTIFICATE:
	case REG_REPORT:
		field("", reg_body_str(e, "doc"));
		field("", reg_body_str(e, "file"));
		field("sha256 ", reg_body_str(e, "sha256"));
		break;
	case REG_DESTRUCTION:
		field("", reg_body_str(e, "method"));
		field("S/N ", reg_body_str(e, "serial"));
		field("by ", reg_body_str(e, "operator"));
		break;
	case REG_CORRECTION:
		printf(" corrects entry %lld:", (long long)reg_body_int(e, "refers"));
		field("", reg_body_str(e, "text"));
		break;
	case REG_RECOVERED:
		printf(" %lld bytes of a torn line after entry %lld",
		       (long long)reg_body_int(e, "length"),
		       (long long)reg_body_int(e, "after"));
		break;
	default:
		break;
	}
	if (b != NULL)
		fputs(b, stdout);
}

static struct json_object *
entry_json(const struct reg_log *log, const struct reg_entry *e)
{
	struct json_object *j = json_object_new_object();
	const char *tag = reg_entry_asset_tag(log, e);
	const char *contract = reg_entry_contract(log, e);

	json_object_object_add(j, "seq", json_object_new_int64((int64_t)e->seq));
	json_object_object_add(j, "time", json_object_new_string(e->time));
	json_object_object_add(j, "kind",
			       json_object_new_string(reg_kind_name(e->kind)));
	json_object_object_add(j, "asset_tag",
			       tag ? json_object_new_string(tag) : NULL);
	json_object_object_add(j, "contract",
			       contract ? json_object_new_string(contract) : NULL);
	json_object_object_add(j, "interrupted", json_object_new_boolean(
					 e->flags & REG_F_INTERRUPTED));
	json_object_object_add(j, "body", json_object_get(e->body));
	json_object_object_add(j, "prev", json_object_new_string(e->prev));
	json_object_object_add(j, "signer", json_object_new_string(e->signer));
	json_object_object_add(j, "hash", json_object_new_string(e->hash));
	json_object_object_add(j, "line", json_object_new_int64((int64_t)e->line));
	return j;
}

/* The failed erasure a destruction followed (物理破壊へ切替), or NULL. */
static const char *
switched_from(const struct reg_media *m, const struct reg_entry *e)
{
	size_t i;

	for (i = 0; e->kind == REG_DESTRUCTION && i < m->n; i++)
		if (m->v[i].destruction == e &&
		    m->v[i].outcome == REG_OUT_SWITCHED)
			return reg_body_str(m->v[i].erasure, "record_id");
	return NULL;
}

static void
list_entry(const struct reg_log *log, const struct reg_media *m,
	   const struct reg_entry *e, struct json_object *arr)
{
	const char *tag, *sw = switched_from(m, e);
	struct json_object *j;

	if (arr != NULL) {
		j = entry_json(log, e);
		if (e->kind == REG_DESTRUCTION)
			json_object_object_add(j, "switched_from", sw ?
				json_object_new_string(sw) : NULL);
		json_object_array_add(arr, j);
		return;
	}
	tag = reg_entry_asset_tag(log, e);
	printf("%6llu  %s  %-11s %-12s", (unsigned long long)e->seq, e->time,
	       reg_kind_name(e->kind), tag ? tag : "-");
	summary(e);
	if (sw != NULL)
		printf(" [物理破壊へ切替: erasure %s failed]", sw);
	putchar('\n');
}

static int
reg_cmd_list(struct sub_opts *o)
{
	struct json_object *arr = NULL;
	struct reg_media m;
	struct reg_log log;
	size_t i;
	int ret;

	if (o->nargs != 0) {
		register_usage(stderr);
		return CLI_USAGE;
	}
	ret = rcli_load(&o->r, &log, 0);
	if (ret != CLI_OK)
		return ret;
	if (reg_media_build(&log, NULL, &m) != 0) {
		cli_err("out of memory");
		reg_log_release(&log);
		return CLI_IO;
	}
	if (o->json)
		arr = json_object_new_array();
	for (i = 0; i < log.n; i++)
		if (reg_filter_match(&log, &log.v[i], &o->f))
			list_entry(&log, &m, &log.v[i], arr);
	reg_media_release(&m);
	if (arr != NULL) {
		puts(json_object_to_json_string_ext(arr, JSON_OUT));
		json_object_put(arr);
	}
	if (log.torn_len > 0)
		cli_warn("torn last line (%zu bytes), will be recovered on "
			 "next append", log.torn_len);
	reg_log_release(&log);
	return CLI_OK;
}

static void
show_text(const struct reg_log *log, const struct reg_entry *e)
{
	const char *tag = reg_entry_asset_tag(log, e);

	printf("entry %llu (line %zu)\n", (unsigned long long)e->seq, e->line);
	printf("  time     %s\n  kind     %s\n", e->time, reg_kind_name(e->kind));
	if (tag != NULL)
		printf("  管理番号 %s\n", tag);
	printf("  hash     %s\n  prev     %s\n  signer   %s%s\n", e->hash,
	       e->prev, e->signer,
	       e->cert_b64 ? " (certificate embedded)" : "");
	if (e->flags & REG_F_INTERRUPTED)
		printf("  status   interrupted: no erasure entry follows\n");
	json_object_object_foreach(e->body, key, val) {
		printf("  %-15s %s\n", key,
		       val == NULL ? "-" :
		       json_object_is_type(val, json_type_string) ?
		       json_object_get_string(val) :
		       json_object_to_json_string_ext(val, JSON_OUT));
	}
}

static int
reg_cmd_show(struct sub_opts *o)
{
	const struct reg_entry *e;
	struct json_object *j;
	struct reg_log log;
	char *end;
	unsigned long long seq;
	int ret;

	errno = 0;
	seq = o->nargs == 1 ? strtoull(o->args[0], &end, 10) : 0;
	if (o->nargs != 1 || errno != 0 || *end != '\0' || seq == 0) {
		cli_err("register show takes one entry number");
		return CLI_USAGE;
	}
	ret = rcli_load(&o->r, &log, 0);
	if (ret != CLI_OK)
		return ret;
	e = reg_log_find(&log, seq);
	if (e == NULL) {
		cli_err("register '%s' has no entry %llu", o->r.path, seq);
		reg_log_release(&log);
		return CLI_USAGE;
	}
	if (o->json) {
		j = entry_json(&log, e);
		puts(json_object_to_json_string_ext(j, JSON_OUT));
		json_object_put(j);
	} else {
		show_text(&log, e);
	}
	reg_log_release(&log);
	return CLI_OK;
}

/* ---- export ------------------------------------------------------------ */

int
rcli_write_replace(const char *path, const char *data, size_t len)
{
	char tmp[4096], *dircopy;
	ssize_t n;
	size_t off = 0;
	int fd, ret = 0;

	if (wc_fmt(tmp, sizeof(tmp), "%s.XXXXXX", path) != 0)
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	while (ret == 0 && off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno != EINTR)
			ret = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (ret == 0 && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
		ret = -errno;
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) != 0)
		ret = -errno;
	if (ret != 0) {
		unlink(tmp);
		return ret;
	}
	dircopy = strdup(path);
	if (dircopy != NULL) {
		fd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
		free(dircopy);
	}
	return 0;
}

static int
reg_cmd_export(struct sub_opts *o)
{
	struct reg_media m;
	struct reg_log log;
	char *csv = NULL;
	size_t len;
	int ret;

	if ((o->csv == NULL && o->pdf == NULL) || o->nargs != 0) {
		cli_err("register export takes --csv FILE and/or --pdf FILE");
		return CLI_USAGE;
	}
	ret = rcli_load(&o->r, &log, 0);
	if (ret != CLI_OK)
		return ret;
	ret = reg_media_build(&log, o->contract, &m);
	if (ret == 0 && o->pdf != NULL) {
		ret = rcli_export_pdf(&o->r, &log, &m, o->contract, o->pdf);
		if (ret != CLI_OK || o->csv == NULL) {
			reg_media_release(&m);
			reg_log_release(&log);
			return ret;
		}
	}
	if (ret == 0)
		ret = reg_csv_export(&log, &m, &csv, &len);
	if (ret == 0)
		ret = strcmp(o->csv, "-") == 0 ?
			(fwrite(csv, 1, len, stdout) == len ? 0 : -EIO) :
			rcli_write_replace(o->csv, csv, len);
	if (ret != 0)
		cli_err("cannot write '%s': %s", o->csv, strerror(-ret));
	else if (strcmp(o->csv, "-") != 0)
		printf("wrote %s: %zu media\n", o->csv, m.n);
	free(csv);
	reg_media_release(&m);
	reg_log_release(&log);
	return ret == 0 ? CLI_OK : CLI_IO;
}

/* ---- dispatch ---------------------------------------------------------- */

static const int verify_opts_[] = { SOPT_CA, SOPT_HEAD, SOPT_JSON, 0 };
static const int list_opts_[] = { SOPT_JSON, SOPT_CONTRACT, SOPT_KIND,
				  SOPT_SINCE, SOPT_UNTIL, SOPT_ASSET, 0 };
static const int show_opts_[] = { SOPT_JSON, 0 };
static const int export_opts_[] = { SOPT_CSV, SOPT_PDF, SOPT_CONTRACT, 0 };

static int
run_sub(const char *sub, int argc, char **argv)
{
	struct sub_opts o;
	const int *allowed;
	int (*fn)(struct sub_opts *);
	int ret;

	if (strcmp(sub, "verify") == 0)
		allowed = verify_opts_, fn = reg_cmd_verify;
	else if (strcmp(sub, "list") == 0)
		allowed = list_opts_, fn = reg_cmd_list;
	else if (strcmp(sub, "show") == 0)
		allowed = show_opts_, fn = reg_cmd_show;
	else if (strcmp(sub, "export") == 0)
		allowed = export_opts_, fn = reg_cmd_export;
	else
		return -1;
	memset(&o, 0, sizeof(o));
	wc_config_init(&o.r.cfg);
	ret = parse_sub(&o, argc, argv, allowed);
	if (ret < 0)
		ret = fn(&o);
	rcli_release(&o.r);
	return ret;
}

int
cmd_register(int argc, char **argv)
{
	struct rcli r;
	int ret;

	if (argc < 2) {
		register_usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		register_usage(stdout);
		return CLI_OK;
	}
	ret = run_sub(argv[1], argc - 1, argv + 1);
	if (ret >= 0)
		return ret;
	if (strcmp(argv[1], "add") == 0) {
		memset(&r, 0, sizeof(r));
		wc_config_init(&r.cfg);
		ret = cmd_register_add(&r, argc - 1, argv + 1);
		rcli_release(&r);
		return ret;
	}
	cli_err("unknown register command '%s'", argv[1]);
	register_usage(stderr);
	return CLI_USAGE;
}
