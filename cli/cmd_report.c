/*
 * cmd_report.c - `wipecert report --contract ID`: the signed 返還・処分
 * 完了報告書 of 第22条, made from a register that verifies.  It lists
 * every medium of the contract, the ones still needing attention first,
 * and prints the register head it was made from; then a `report` entry
 * carries the PDF's SHA-256.  See wipecert-report(8).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd_register.h"

#define NAME_MAX_BYTES 100	/* of the contract part of a file name */

enum {
	POPT_CONTRACT = ROPT_FIRST_OWN, POPT_OUTPUT, POPT_OUTDIR, POPT_FONT,
	POPT_CA, POPT_JSON,
};

struct popts {
	struct rcli r;
	const char *contract;
	const char *output;
	const char *outdir;
	const char *font;
	const char *ca;
	int json;
	struct reg_log log;
	struct reg_media media;
	struct reg_head head;
	char *text;			/* the report's JSON */
	size_t len;
	char sha[65];			/* of the JSON */
	char id[37];
	time_t issued;
	char dir[4096], name[256];
	char pdf_sha[65];
	uint64_t report_seq;
	struct json_object *counts;	/* borrowed from the parsed JSON */
};

static void
report_usage(FILE *f)
{
	fputs("usage: wipecert report --contract ID [--output FILE | "
	      "--output-dir DIR]\n"
	      "         [--ca ROOT.pem] [--font FILE] [--register FILE] "
	      "[--config FILE]\n"
	      "         [--key KEY] [--cert CERT] [--chain CHAIN] "
	      "[--passphrase-file FILE]\n"
	      "         [--timezone ZONE] [--json]\n"
	      "See wipecert-report(8).\n",
	      f);
}

static const struct option report_longopts[] = {
	ROPT_COMMON_LONGOPTS,
	{ "contract", required_argument, NULL, POPT_CONTRACT },
	{ "output", required_argument, NULL, POPT_OUTPUT },
	{ "output-dir", required_argument, NULL, POPT_OUTDIR },
	{ "font", required_argument, NULL, POPT_FONT },
	{ "ca", required_argument, NULL, POPT_CA },
	{ "json", no_argument, NULL, POPT_JSON },
	{ NULL, 0, NULL, 0 },
};

static int
parse_opts(struct popts *o, int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", report_longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'h': report_usage(stdout); return CLI_OK;
		case POPT_CONTRACT: o->contract = optarg; break;
		case POPT_OUTPUT: o->output = optarg; break;
		case POPT_OUTDIR: o->outdir = optarg; break;
		case POPT_FONT: o->font = optarg; break;
		case POPT_CA: o->ca = optarg; break;
		case POPT_JSON: o->json = 1; break;
		default:
			if (c != '?' && rcli_common(&o->r, c, optarg) == 0)
				break;
			report_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_err("unexpected argument '%s'", argv[optind]);
		return CLI_USAGE;
	}
	if (o->output != NULL && o->outdir != NULL) {
		cli_err("give --output or --output-dir, not both");
		return CLI_USAGE;
	}
	return -1;
}

static int
check_opts(struct popts *o)
{
	const struct wc_config *cfg = &o->r.cfg;

	if (o->contract == NULL)
		o->contract = cfg->contract;
	if (o->contract == NULL || *o->contract == '\0') {
		cli_err("which contract? give --contract ID (or set 'contract' "
			"in wipecert.conf)");
		return CLI_USAGE;
	}
	if (o->ca == NULL)
		o->ca = cfg->root_ca;
	if (o->outdir == NULL)
		o->outdir = cfg->output_dir ? cfg->output_dir : ".";
	if (o->font != NULL && wc_config_set(&o->r.cfg, "font", o->font)) {
		cli_err("out of memory");
		return CLI_IO;
	}
	return CLI_OK;
}

/* ---- the register: loaded, verified up to the head read ------------------ */

static int
verify_register(struct popts *o)
{
	struct reg_verify_opts vo = { .ca_path = o->ca, .have_head = 1 };
	struct reg_verify_result res;
	int ret;

	vo.head_seq = o->head.seq;
	memcpy(vo.head_hash, o->head.hash, sizeof(vo.head_hash));
	ret = reg_verify(o->r.path, &vo, &res);
	if (ret == -EKEYREJECTED) {
		cli_err("cannot read root CA '%s'", o->ca);
		return CLI_KEYCONF;
	}
	if (ret != 0) {
		cli_err("cannot read register '%s': %s", o->r.path,
			strerror(-ret));
		return CLI_IO;
	}
	if (res.problem == REG_OK)
		return CLI_OK;
	cli_err("no report: register '%s' failed verification: %s",
		o->r.path, res.reason);
	return res.problem == REG_UNTRUSTED ? CLI_UNTRUSTED : CLI_TAMPERED;
}

static int
load_register(struct popts *o)
{
	const struct reg_entry *last;
	int ret;

	ret = rcli_load(&o->r, &o->log, 0);
	if (ret != CLI_OK)
		return ret;
	if (o->log.n == 0) {
		cli_err("register '%s' is empty", o->r.path);
		return CLI_USAGE;
	}
	last = &o->log.v[o->log.n - 1];
	o->head.seq = last->seq;
	memcpy(o->head.hash, last->hash, sizeof(o->head.hash));
	ret = verify_register(o);
	if (ret != CLI_OK)
		return ret;
	if (reg_media_build(&o->log, o->contract, &o->media) != 0) {
		cli_err("out of memory");
		return CLI_IO;
	}
	if (o->media.n == 0) {
		cli_err("register '%s' has no media of contract '%s'",
			o->r.path, o->contract);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* ---- the report -------------------------------------------------------- */

static int
make_json(struct popts *o)
{
	const struct wc_config *cfg = &o->r.cfg;
	char issued[WC_RFC3339_LEN], path[4096];
	struct json_object *j = NULL;
	int ret;

	o->issued = time(NULL);
	if (wc_uuid4(o->id) != 0 ||
	    wc_rfc3339(issued, sizeof(issued), o->issued) != 0 ||
	    wc_fmt(path, sizeof(path), "%s", o->r.path) != 0)
		return CLI_IO;
	ret = reg_report_json(&o->log, &o->media, &(struct reg_report_in){
		.id = o->id, .issued = issued, .contract = o->contract,
		.time_zone = o->r.tz ? o->r.tz : cfg->timezone ? cfg->timezone
							      : WC_DEFAULT_TZ,
		.department = cfg->department, .contractor = cfg->contractor,
		.manager = cfg->manager, .register_file = basename(path),
		.tool_version = WIPECERT_VERSION,
	}, &j);
	if (ret == 0)
		ret = cert_record_serialise(j, &o->text, &o->len);
	if (ret == 0 && json_object_object_get_ex(j, "counts", &o->counts))
		json_object_get(o->counts);
	json_object_put(j);
	if (ret != 0) {
		cli_err("cannot build the report: %s", strerror(-ret));
		return CLI_IO;
	}
	rcli_sha256_hex(o->text, o->len, o->sha);
	return CLI_OK;
}

/* A contract number as part of a file name: no '/', blanks or controls. */
static void
safe_name(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s), i;

	n = WC_MIN(n, WC_MIN((size_t)NAME_MAX_BYTES, cap - 1));
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;	/* not in the middle of a UTF-8 character */
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)s[i] <= ' ' || s[i] == '/' ||
				 s[i] == '\\' || s[i] == 0x7f ? '_' : s[i];
	out[n] = '\0';
	if (out[0] == '.')
		out[0] = '_';
}

/* --output FILE, else DIR/<contract>-report-<date>[-N].pdf, unused. */
static int
target(struct popts *o)
{
	char tmp[4096], base[128], date[16], path[4400];
	struct tm tm;
	int i;

	if (o->output != NULL) {
		if (wc_fmt(tmp, sizeof(tmp), "%s", o->output) ||
		    wc_fmt(o->dir, sizeof(o->dir), "%s", dirname(tmp)) ||
		    wc_fmt(tmp, sizeof(tmp), "%s", o->output) ||
		    wc_fmt(o->name, sizeof(o->name), "%s", basename(tmp)))
			goto long_name;
		return CLI_OK;
	}
	localtime_r(&o->issued, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	safe_name(base, sizeof(base), o->contract);
	if (wc_fmt(o->dir, sizeof(o->dir), "%s", o->outdir) != 0)
		goto long_name;
	for (i = 1; i < 100; i++) {
		if (wc_fmt(o->name, sizeof(o->name), i == 1 ? "%s-report-%s.pdf"
			   : "%s-report-%s-%d.pdf", base, date, i) ||
		    wc_fmt(path, sizeof(path), "%s/%s", o->dir, o->name))
			goto long_name;
		if (access(path, F_OK) != 0)
			return CLI_OK;
	}
	cli_err("too many reports today in '%s': give --output FILE", o->dir);
	return CLI_REFUSED;
long_name:
	cli_err("output path too long");
	return CLI_USAGE;
}

static int
make_pdf(struct popts *o, const struct cert_signer *cs, uint8_t **pdf,
	 size_t *len)
{
	return rcli_pdf(&(struct cert_render_in){
		.kind = CERT_DOC_REPORT, .record_text = o->text,
		.record_len = o->len, .record_sha256 = o->sha,
		.cfg = &o->r.cfg, .signer_name = cert_signer_name(cs),
		.signer_fingerprint = cert_signer_fingerprint(cs),
		.register_seq = -1, .font_path = o->r.cfg.font,
		.issued = o->issued,
	}, cs, "report", pdf, len);
}

static int
append_report(struct popts *o, const struct reg_signer *s)
{
	struct reg_appended out;
	struct json_object *body;
	int ret;

	ret = reg_body_report(&(struct reg_report){
		.contract = o->contract, .file = o->name, .sha256 = o->pdf_sha,
		.head_seq = o->head.seq, .head_hash = o->head.hash,
		.media = o->media.n,
	}, &body);
	if (ret != 0) {
		cli_err("cannot make the report entry: %s", strerror(-ret));
		return CLI_USAGE;
	}
	ret = rcli_append(&o->r, s, REG_REPORT, body, &out);
	json_object_put(body);
	if (ret == CLI_OK)
		o->report_seq = out.seq;
	return ret;
}

static int64_t
counted(const struct popts *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o->counts, key, &v) ?
		json_object_get_int64(v) : 0;
}

static void
print_result(const struct popts *o)
{
	struct json_object *j;

	if (o->json) {
		j = json_object_new_object();
		json_object_object_add(j, "report", json_object_new_string(
					       o->name));
		json_object_object_add(j, "dir",
				       json_object_new_string(o->dir));
		json_object_object_add(j, "sha256",
				       json_object_new_string(o->pdf_sha));
		json_object_object_add(j, "id", json_object_new_string(o->id));
		json_object_object_add(j, "counts", json_object_get(o->counts));
		json_object_object_add(j, "head_seq", json_object_new_int64(
					       (int64_t)o->head.seq));
		json_object_object_add(j, "head_hash",
				       json_object_new_string(o->head.hash));
		json_object_object_add(j, "entry", json_object_new_int64(
					       (int64_t)o->report_seq));
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		printf("report %s/%s\n  sha256   %s\n  media    %lld: erased "
		       "%lld, destroyed %lld (物理破壊へ切替 %lld), needing "
		       "attention %lld\n  register head entry %llu hash %s\n"
		       "  report   entry %llu\n", o->dir, o->name, o->pdf_sha,
		       (long long)counted(o, "media"),
		       (long long)counted(o, "erased"),
		       (long long)counted(o, "destroyed"),
		       (long long)counted(o, "switched"),
		       (long long)counted(o, "attention"),
		       (unsigned long long)o->head.seq, o->head.hash,
		       (unsigned long long)o->report_seq);
	}
	if (counted(o, "attention") > 0)
		cli_warn("%lld media of contract '%s' are not yet returned or "
			 "disposed of (failed, interrupted, not disposed of, "
			 "or taken out): the report lists them first",
			 (long long)counted(o, "attention"), o->contract);
}

static int
run(struct popts *o)
{
	struct cert_signer *cs = NULL;
	struct reg_signer s;
	uint8_t *pdf = NULL;
	size_t len = 0;
	int ret, have_s = 0;

	ret = check_opts(o);
	if (ret == CLI_OK)
		ret = load_register(o);
	if (ret == CLI_OK)
		ret = make_json(o);
	if (ret == CLI_OK)
		ret = target(o);
	if (ret == CLI_OK) {
		ret = rcli_signer(&o->r, &cs, &s);
		have_s = ret == CLI_OK;
	}
	if (ret == CLI_OK)
		ret = make_pdf(o, cs, &pdf, &len);
	if (ret == CLI_OK)
		ret = rcli_write_new(o->dir, o->name, pdf, len);
	if (ret == CLI_OK) {
		rcli_sha256_hex(pdf, len, o->pdf_sha);
		ret = append_report(o, &s);
	}
	if (ret == CLI_OK)
		print_result(o);
	free(pdf);
	if (have_s)
		reg_signer_release(&s);
	cert_signer_free(cs);
	return ret;
}

int
cmd_report(int argc, char **argv)
{
	struct popts o;
	int ret;

	memset(&o, 0, sizeof(o));
	wc_config_init(&o.r.cfg);
	ret = parse_opts(&o, argc, argv);
	if (ret >= 0)
		goto out;	/* --help, or a usage error */
	ret = rcli_setup(&o.r);
	if (ret == CLI_OK)
		ret = run(&o);
out:
	json_object_put(o.counts);
	free(o.text);
	reg_media_release(&o.media);
	reg_log_release(&o.log);
	rcli_release(&o.r);
	return ret;
}
