/*
 * cmd_destroy.c - `wipecert destroy`: record a physical destruction
 * (shredding, crushing, drilling, degaussing, or another method) of a
 * medium identified from the device (read only: nothing is ever
 * written to it) or typed in from its label.  In DESIGN §8's order: the
 * record <id>.json, then the `destruction` entry carrying its SHA-256,
 * then the signed 物理破壊証明書 <id>.destruction.pdf printing that
 * entry, then a `certificate` entry.  See wipecert-destroy(8).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd_register.h"

enum {
	DOPT_METHOD = ROPT_FIRST_OWN, DOPT_METHOD_TEXT, DOPT_ASSET, DOPT_TYPE,
	DOPT_VENDOR, DOPT_MODEL, DOPT_SERIAL, DOPT_CAPACITY, DOPT_OPERATOR,
	DOPT_WITNESS, DOPT_PLACE, DOPT_TIME, DOPT_CONTRACT, DOPT_NOTE,
	DOPT_PHOTO, DOPT_OUTDIR, DOPT_FONT, DOPT_JSON,
};

struct dopts {
	struct rcli r;
	struct cert_destruction d;
	const char *device;
	const char *time_arg;
	const char *outdir;
	const char *font;
	int typed;			/* an identity field was typed in */
	int json;
	struct wipe_ident id;
	char sha[65];			/* of the record */
	char record_path[4096];
	struct reg_appended entry;	/* the destruction entry */
	char pdf_name[96];
	char pdf_sha[65];
	uint64_t cert_seq;
	char prior_id[64];		/* the failed erasure's record */
	char *text;			/* the record's bytes */
	size_t len;
	struct cert_signer *cs;
	struct reg_signer rs;
	int have_rs;
};

static void
destroy_usage(FILE *f)
{
	fputs("usage: wipecert destroy [DEVICE] --method "
	      "shred|crush|drill|degauss|other\n"
	      "         [--method-text TEXT] [--asset-tag TAG] [--type T] "
	      "[--vendor V]\n"
	      "         [--model M] [--serial S] [--capacity C] "
	      "[--operator NAME]\n"
	      "         [--witness NAME] [--place TEXT] [--time TIME] "
	      "[--contract ID]\n"
	      "         [--note TEXT] [--photo FILE]... [--output-dir DIR] "
	      "[--font FILE]\n"
	      "         [--register FILE] [--config FILE] [--key KEY] "
	      "[--cert CERT]\n"
	      "         [--chain CHAIN] [--passphrase-file FILE] "
	      "[--timezone ZONE] [--json]\n"
	      "DEVICE is only read (its identity); without it, type "
	      "--serial or --asset-tag.\n"
	      "See wipecert-destroy(8).\n",
	      f);
}

static const struct option destroy_longopts[] = {
	ROPT_COMMON_LONGOPTS,
	{ "method", required_argument, NULL, DOPT_METHOD },
	{ "method-text", required_argument, NULL, DOPT_METHOD_TEXT },
	{ "asset-tag", required_argument, NULL, DOPT_ASSET },
	{ "type", required_argument, NULL, DOPT_TYPE },
	{ "vendor", required_argument, NULL, DOPT_VENDOR },
	{ "model", required_argument, NULL, DOPT_MODEL },
	{ "serial", required_argument, NULL, DOPT_SERIAL },
	{ "capacity", required_argument, NULL, DOPT_CAPACITY },
	{ "operator", required_argument, NULL, DOPT_OPERATOR },
	{ "witness", required_argument, NULL, DOPT_WITNESS },
	{ "place", required_argument, NULL, DOPT_PLACE },
	{ "time", required_argument, NULL, DOPT_TIME },
	{ "contract", required_argument, NULL, DOPT_CONTRACT },
	{ "note", required_argument, NULL, DOPT_NOTE },
	{ "photo", required_argument, NULL, DOPT_PHOTO },
	{ "output-dir", required_argument, NULL, DOPT_OUTDIR },
	{ "font", required_argument, NULL, DOPT_FONT },
	{ "json", no_argument, NULL, DOPT_JSON },
	{ NULL, 0, NULL, 0 },
};

static int
set_option(struct dopts *o, int c, const char *arg)
{
	struct cert_destruction *d = &o->d;

	o->typed |= c == DOPT_TYPE || c == DOPT_VENDOR || c == DOPT_MODEL ||
		    c == DOPT_SERIAL || c == DOPT_CAPACITY;
	switch (c) {
	case DOPT_METHOD: d->method = arg; break;
	case DOPT_METHOD_TEXT: d->method_text = arg; break;
	case DOPT_ASSET: d->asset_tag = arg; break;
	case DOPT_TYPE: d->media_type = arg; break;
	case DOPT_VENDOR: d->vendor = arg; break;
	case DOPT_MODEL: d->model = arg; break;
	case DOPT_SERIAL: d->serial = arg; break;
	case DOPT_CAPACITY: d->capacity = arg; break;
	case DOPT_OPERATOR: d->people.operator_name = arg; break;
	case DOPT_WITNESS: d->people.witness = arg; break;
	case DOPT_PLACE: d->place = arg; break;
	case DOPT_TIME: o->time_arg = arg; break;
	case DOPT_CONTRACT: d->contract.number = arg; break;
	case DOPT_NOTE: d->note = arg; break;
	case DOPT_OUTDIR: o->outdir = arg; break;
	case DOPT_FONT: o->font = arg; break;
	case DOPT_JSON: o->json = 1; break;
	case DOPT_PHOTO:
		if (d->nphotos >= CERT_MAX_PHOTOS) {
			cli_err("at most %d photos", CERT_MAX_PHOTOS);
			return -1;
		}
		d->photos[d->nphotos++] = arg;
		break;
	default: return rcli_common(&o->r, c, arg);
	}
	return 0;
}

static int
parse_opts(struct dopts *o, int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", destroy_longopts, NULL)) !=
	       -1) {
		if (c == 'h') {
			destroy_usage(stdout);
			return CLI_OK;
		}
		if (c == '?' || set_option(o, c, optarg) != 0) {
			destroy_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (argc - optind > 1) {
		cli_err("destroy takes at most one device");
		return CLI_USAGE;
	}
	o->device = argc - optind == 1 ? argv[optind] : NULL;
	return -1;
}

/* ---- checks, before anything is written ---------------------------------- */

static int
check_medium(struct dopts *o)
{
	const struct cert_destruction *d = &o->d;

	if (d->method == NULL || !cert_destroy_method_valid(d->method)) {
		cli_err("--method takes shred, crush, drill, degauss or other");
		return CLI_USAGE;
	}
	if (strcmp(d->method, "other") == 0 &&
	    (d->method_text == NULL || *d->method_text == '\0')) {
		cli_err("--method other needs --method-text saying what was "
			"done");
		return CLI_USAGE;
	}
	if (o->device != NULL && o->typed) {
		cli_err("give a DEVICE (its identity is read from it) or "
			"--type/--vendor/--model/--serial/--capacity, not "
			"both");
		return CLI_USAGE;
	}
	if (o->device == NULL && (d->serial == NULL || !*d->serial) &&
	    (d->asset_tag == NULL || !*d->asset_tag)) {
		cli_err("which medium? give a DEVICE, or --serial (and "
			"--vendor, --model, --capacity) from its label, or "
			"--asset-tag");
		return CLI_USAGE;
	}
	return CLI_OK;
}

static const char *
first_set(const char *a, const char *b)
{
	return a != NULL ? a : b;
}

/* The time, people and contract: options, then the configuration. */
static int
check_defaults(struct dopts *o)
{
	struct cert_destruction *d = &o->d;
	const struct wc_config *cfg = &o->r.cfg;
	time_t now = time(NULL), t = now;

	if (o->time_arg != NULL && reg_time_parse(o->time_arg, &t, NULL)) {
		cli_err("--time: '%s' is not a time (YYYY-MM-DDTHH:MM"
			"[+09:00])", o->time_arg);
		return CLI_USAGE;
	}
	if (t > now + 600) {
		cli_err("--time %s is in the future", o->time_arg);
		return CLI_USAGE;
	}
	d->when = t;
	d->people.operator_name = first_set(d->people.operator_name,
					    cfg->operator_name);
	d->people.witness = first_set(d->people.witness, cfg->witness);
	d->contract.number = first_set(d->contract.number, cfg->contract);
	d->place = first_set(d->place, cfg->location);
	o->outdir = first_set(first_set(o->outdir, cfg->output_dir), ".");
	d->contract.department = cfg->department;
	d->contract.contractor = cfg->contractor;
	d->contract.manager = cfg->manager;
	if (d->people.operator_name == NULL || !*d->people.operator_name) {
		cli_err("configuration incomplete: no operator (--operator, or "
			"'operator' in wipecert.conf); the certificate needs "
			"one");
		return CLI_KEYCONF;
	}
	if (o->font != NULL && wc_config_set(&o->r.cfg, "font", o->font)) {
		cli_err("out of memory");
		return CLI_IO;
	}
	return CLI_OK;
}

/* The identity from the device: sysfs and stat only, never a write. */
static int
identify(struct dopts *o)
{
	int ret;

	if (o->device == NULL)
		return CLI_OK;
	wipe_ident_init(&o->id);
	ret = wipe_identify_path(o->device, &o->id);
	if (ret != 0) {
		cli_err("cannot read the identity of '%s': %s; when the medium "
			"cannot be read, type --vendor, --model, --serial and "
			"--capacity from its label instead", o->device,
			strerror(-ret));
		return CLI_IO;
	}
	o->d.ident = &o->id;
	return CLI_OK;
}

static const char *
medium_serial(const struct dopts *o)
{
	const char *s = o->d.ident ? o->d.ident->serial : o->d.serial;

	return s != NULL && *s != '\0' ? s : NULL;
}

/* This medium's row in the register, by 管理番号 or else by serial. */
static const struct reg_medium *
find_medium(const struct dopts *o, const struct reg_media *m)
{
	const char *tag = o->d.asset_tag, *serial = medium_serial(o);
	const struct reg_medium *x;
	size_t i;

	for (i = 0; i < m->n; i++) {
		x = &m->v[i];
		if (tag != NULL && *tag != '\0') {
			if (x->asset_tag != NULL &&
			    strcmp(x->asset_tag, tag) == 0)
				return x;
		} else if (reg_serial_equal(reg_body_str(x->erasure, "serial"),
					    serial) ||
			   reg_serial_equal(reg_body_str(x->received, "serial"),
					    serial)) {
			return x;
		}
	}
	return NULL;
}

/* A failed erasure before: this destruction is 物理破壊へ切替. */
static int
find_prior(struct dopts *o, const struct reg_log *log)
{
	const struct reg_medium *x;
	const char *id, *res;
	struct reg_media m;

	if (reg_media_build(log, NULL, &m) != 0) {
		cli_err("out of memory");
		return CLI_IO;
	}
	x = find_medium(o, &m);
	if (x != NULL && x->destruction != NULL)
		cli_warn("this medium was recorded as destroyed before (entry "
			 "%llu)", (unsigned long long)x->destruction->seq);
	res = x != NULL ? reg_body_str(x->erasure, "result") : NULL;
	id = x != NULL ? reg_body_str(x->erasure, "record_id") : NULL;
	if (res != NULL && id != NULL && strcmp(res, "fail") == 0 &&
	    wc_fmt(o->prior_id, sizeof(o->prior_id), "%s", id) == 0) {
		o->d.prior_record_id = o->prior_id;
		o->d.prior_entry = x->erasure->seq;
	}
	reg_media_release(&m);
	return CLI_OK;
}

static int
check_register(struct dopts *o)
{
	struct reg_custody_result c;
	struct reg_log log;
	int ret;

	ret = rcli_load(&o->r, &log, 1);
	if (ret != CLI_OK)
		return ret;
	reg_custody_check(&log, o->d.asset_tag, medium_serial(o), &c);
	if (c.status == REG_CUSTODY_SERIAL_MISMATCH) {
		cli_err("refusing: 管理番号 %s was received with serial '%s' "
			"(entry %llu), but this medium's serial is '%s'",
			o->d.asset_tag, c.label_serial,
			(unsigned long long)c.received_seq, medium_serial(o));
		ret = CLI_REFUSED;
	} else if (c.status == REG_CUSTODY_NOT_RECEIVED) {
		cli_warn("管理番号 %s has no 'received' entry in the register",
			 o->d.asset_tag);
	}
	if (ret == CLI_OK && log.n > 0 && time(NULL) < log.v[log.n - 1].when) {
		cli_err("the clock is before the register's last entry (%s); "
			"set the clock first", log.v[log.n - 1].time);
		ret = CLI_KEYCONF;
	}
	if (ret == CLI_OK)
		ret = find_prior(o, &log);
	reg_log_release(&log);
	return ret;
}

/* ---- the record, the entries and the certificate ------------------------- */

static int
make_record(struct dopts *o)
{
	struct cert_destruction *d = &o->d;
	struct json_object *rec;
	int ret;

	if (wc_uuid4(d->id) != 0) {
		cli_err("cannot make a record id");
		return CLI_IO;
	}
	d->issued = time(NULL);
	d->timezone = o->r.tz ? o->r.tz : o->r.cfg.timezone ? o->r.cfg.timezone
							   : WC_DEFAULT_TZ;
	(void)cert_tool_fill(&d->tool);	/* without the hash: null */
	ret = cert_destruction_build(d, &rec);
	if (ret != 0) {
		cli_err("cannot use the photos: %s",
			ret == -EINVAL ? "a photo is not a JPEG or PNG file, "
					 "or is larger than 16 MiB"
				       : strerror(-ret));
		return ret == -EINVAL ? CLI_USAGE : CLI_IO;
	}
	ret = cert_record_serialise(rec, &o->text, &o->len);
	json_object_put(rec);
	if (ret != 0) {
		cli_err("out of memory");
		return CLI_IO;
	}
	rcli_sha256_hex(o->text, o->len, o->sha);
	return CLI_OK;
}

/* "500.1 GB", as labels print capacities. */
static void
capacity(char *buf, size_t len, uint64_t b)
{
	if (b >= 1000000000ULL)
		wc_fmt(buf, len, "%llu.%llu GB",
		       (unsigned long long)(b / 1000000000ULL),
		       (unsigned long long)(b / 100000000ULL % 10));
	else
		wc_fmt(buf, len, "%llu MB",
		       (unsigned long long)(b / 1000000ULL));
}

static int
destruction_body(const struct dopts *o, struct json_object **body)
{
	const struct cert_destruction *d = &o->d;
	const struct wipe_ident *id = d->ident;
	char when[WC_RFC3339_LEN], cap[48] = "";

	if (id != NULL && id->size_bytes > 0)
		capacity(cap, sizeof(cap), id->size_bytes);
	if (wc_rfc3339(when, sizeof(when), d->when) != 0)
		return -EINVAL;
	return reg_body_destruction(&(struct reg_destruction){
		.record_id = d->id, .record_sha256 = o->sha,
		.contract = d->contract.number, .asset_tag = d->asset_tag,
		.media_type = id ? cert_media_type(id) : d->media_type,
		.vendor = id ? id->vendor : d->vendor,
		.model = id ? id->model : d->model,
		.serial = id ? id->serial : d->serial,
		.capacity = id ? cap : d->capacity, .method = d->method,
		.method_text = d->method_text,
		.operator_name = d->people.operator_name,
		.witness = d->people.witness, .place = d->place, .time = when,
		.note = d->note,
	}, body);
}

static void
render_in(const struct dopts *o, struct cert_render_in *in, int64_t seq,
	  const char *hash)
{
	memset(in, 0, sizeof(*in));
	in->kind = CERT_DOC_DESTRUCTION;
	in->record_text = o->text;
	in->record_len = o->len;
	in->record_sha256 = o->sha;
	in->cfg = &o->r.cfg;
	in->signer_name = cert_signer_name(o->cs);
	in->signer_fingerprint = cert_signer_fingerprint(o->cs);
	in->register_seq = seq;
	in->register_hash = hash;
	in->font_path = o->r.cfg.font;
	in->issued = o->d.issued;
	in->photos = o->d.photos;
	in->nphotos = o->d.nphotos;
}

/*
 * Render once before anything is written, so that a photo libharu
 * cannot read is refused with no record or entry left behind.
 */
static int
trial_render(struct dopts *o)
{
	struct cert_render_in in;
	uint8_t *pdf = NULL;
	size_t len;
	int ret;

	render_in(o, &in, -1, NULL);
	ret = rcli_pdf(&in, o->cs, "destruction certificate", &pdf, &len);
	free(pdf);
	return ret;
}

static int
append_certificate(struct dopts *o)
{
	struct reg_appended out;
	struct json_object *body;
	int ret;

	ret = reg_body_certificate(&(struct reg_certificate){
		.record_id = o->d.id, .doc = "destruction",
		.file = o->pdf_name, .sha256 = o->pdf_sha,
		.entry_seq = o->entry.seq, .entry_hash = o->entry.hash,
	}, &body);
	if (ret != 0) {
		cli_err("cannot make the certificate entry: %s",
			strerror(-ret));
		return CLI_IO;
	}
	ret = rcli_append(&o->r, &o->rs, REG_CERTIFICATE, body, &out);
	json_object_put(body);
	if (ret == CLI_OK)
		o->cert_seq = out.seq;
	return ret;
}

static int
issue_certificate(struct dopts *o)
{
	struct cert_render_in in;
	uint8_t *pdf = NULL;
	size_t len = 0;
	int ret;

	render_in(o, &in, (int64_t)o->entry.seq, o->entry.hash);
	ret = rcli_pdf(&in, o->cs, "destruction certificate", &pdf, &len);
	if (ret == CLI_OK &&
	    wc_fmt(o->pdf_name, sizeof(o->pdf_name), "%s.destruction.pdf",
		   o->d.id) == 0)
		ret = rcli_write_new(o->outdir, o->pdf_name, pdf, len);
	if (ret == CLI_OK) {
		rcli_sha256_hex(pdf, len, o->pdf_sha);
		ret = append_certificate(o);
	}
	free(pdf);
	return ret;
}

static void
print_result(const struct dopts *o)
{
	struct json_object *j, *r;

	if (!o->json) {
		printf("destruction %s\n  record      %s\n  sha256      %s\n"
		       "  certificate %s/%s\n  sha256      %s\n"
		       "  register    entry %llu hash %s\n"
		       "              certificate entry %llu\n",
		       o->d.id, o->record_path, o->sha, o->outdir, o->pdf_name,
		       o->pdf_sha, (unsigned long long)o->entry.seq,
		       o->entry.hash, (unsigned long long)o->cert_seq);
		if (o->d.prior_record_id != NULL)
			printf("  物理破壊へ切替: the erasure %s (entry %llu) "
			       "had failed\n", o->d.prior_record_id,
			       (unsigned long long)o->d.prior_entry);
		return;
	}
	j = json_object_new_object();
	json_object_object_add(j, "id", json_object_new_string(o->d.id));
	json_object_object_add(j, "record",
			       json_object_new_string(o->record_path));
	json_object_object_add(j, "record_sha256",
			       json_object_new_string(o->sha));
	json_object_object_add(j, "certificate",
			       json_object_new_string(o->pdf_name));
	json_object_object_add(j, "certificate_sha256",
			       json_object_new_string(o->pdf_sha));
	r = json_object_new_object();
	json_object_object_add(r, "entry",
			       json_object_new_int64((int64_t)o->entry.seq));
	json_object_object_add(r, "hash",
			       json_object_new_string(o->entry.hash));
	json_object_object_add(r, "certificate_entry",
			       json_object_new_int64((int64_t)o->cert_seq));
	json_object_object_add(j, "register", r);
	json_object_object_add(j, "switched_from", o->d.prior_record_id ?
			       json_object_new_string(o->d.prior_record_id)
			       : NULL);
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

/* Everything is checked and prepared; now write, in DESIGN §8's order. */
static int
write_all(struct dopts *o, struct json_object *body)
{
	char name[64];
	int ret;

	ret = wc_fmt(name, sizeof(name), "%s.json", o->d.id);
	if (ret == 0)
		ret = wc_fmt(o->record_path, sizeof(o->record_path), "%s/%s",
			     o->outdir, name);
	if (ret != 0) {
		cli_err("output path too long");
		return CLI_USAGE;
	}
	ret = rcli_write_new(o->outdir, name, o->text, o->len);
	if (ret == CLI_OK)
		ret = rcli_append(&o->r, &o->rs, REG_DESTRUCTION, body,
				  &o->entry);
	if (ret == CLI_OK)
		ret = issue_certificate(o);
	return ret;
}

static int
run(struct dopts *o)
{
	struct json_object *body = NULL;
	int ret;

	ret = check_medium(o);
	if (ret == CLI_OK)
		ret = check_defaults(o);
	if (ret == CLI_OK)
		ret = identify(o);
	if (ret == CLI_OK)
		ret = check_register(o);
	if (ret == CLI_OK)
		ret = make_record(o);
	if (ret == CLI_OK && destruction_body(o, &body) != 0) {
		cli_err("a field is too long (over %d bytes) or not UTF-8",
			REG_FIELD_MAX);
		ret = CLI_USAGE;
	}
	if (ret == CLI_OK) {
		ret = rcli_signer(&o->r, &o->cs, &o->rs);
		o->have_rs = ret == CLI_OK;
	}
	if (ret == CLI_OK)
		ret = trial_render(o);
	if (ret == CLI_OK)
		ret = write_all(o, body);
	if (ret == CLI_OK)
		print_result(o);
	json_object_put(body);
	return ret;
}

int
cmd_destroy(int argc, char **argv)
{
	struct dopts o;
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
	if (o.have_rs)
		reg_signer_release(&o.rs);
	cert_signer_free(o.cs);
	free(o.text);
	rcli_release(&o.r);
	return ret;
}
