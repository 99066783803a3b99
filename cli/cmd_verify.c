/*
 * cmd_verify.c - `wipecert verify`: verification alone, against a
 * pattern or a record.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct verify_opts {
	const char *target;
	const char *expect;
	int full;
	int json;
	const char *config;
	int have_seed;
	uint64_t seed;
};

static void
verify_usage(FILE *f)
{
	fputs("usage: wipecert verify TARGET --expect "
	      "zero|one|random:SEED|RECORD.json\n"
	      "         [--full] [--plan-seed HEX16] [--json] [--config FILE]\n"
	      "See wipecert-verify(8).\n",
	      f);
}

static int
parse_seed(const char *s, uint64_t *out)
{
	uint8_t b[8];
	int i;

	if (wc_unhex(b, sizeof(b), s) != 0)
		return -EINVAL;
	*out = 0;
	for (i = 0; i < 8; i++)
		*out = *out << 8 | b[i];
	return 0;
}

static int
parse_args(struct verify_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "full", no_argument, NULL, 'f' },
		{ "plan-seed", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "e:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': o->expect = optarg; break;
		case 'f': o->full = 1; break;
		case 'j': o->json = 1; break;
		case 'C': o->config = optarg; break;
		case 's':
			if (parse_seed(optarg, &o->seed) != 0) {
				cli_err("--plan-seed takes 16 hex digits");
				return CLI_USAGE;
			}
			o->have_seed = 1;
			break;
		case 'h':
			verify_usage(stdout);
			return CLI_OK;
		default:
			verify_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1 || o->expect == NULL) {
		cli_err(o->expect ? "verify takes one target"
				  : "--expect is required");
		verify_usage(stderr);
		return CLI_USAGE;
	}
	o->target = argv[optind];
	return cli_config_check(o->config) == CLI_OK ? -1 : CLI_KEYCONF;
}

/* Resolve --expect into a pattern (and what a record says). */
static int
expectation(const struct verify_opts *o, struct wipe_pattern *p,
	    struct cert_expect *rec, int *from_record)
{
	int ret;

	*from_record = 0;
	if (strcmp(o->expect, "zero") == 0 || strcmp(o->expect, "one") == 0)
		return wipe_pattern_parse(o->expect, NULL, p) ? CLI_USAGE : 0;
	if (strncmp(o->expect, "random:", 7) == 0) {
		if (wipe_pattern_parse("random", o->expect + 7, p) != 0) {
			cli_err("random:SEED needs 32 hex digits");
			return CLI_USAGE;
		}
		return 0;
	}
	ret = cert_record_expect(o->expect, rec);
	if (ret == -ENOENT) {
		cli_err("--expect '%s': neither zero, one, random:SEED nor a "
			"record file", o->expect);
		return CLI_USAGE;
	}
	if (ret != 0) {
		cli_err("cannot use record '%s': %s", o->expect,
			ret == -EINVAL ? "not a wipecert record"
				       : strerror(-ret));
		return ret == -EINVAL ? CLI_TAMPERED : CLI_IO;
	}
	*p = rec->pattern;
	*from_record = 1;
	return 0;
}

static int
open_checked(const char *path, struct wipe_dev **d)
{
	struct wipe_ident id;
	char why[512];
	int ret;

	ret = wipe_identify_path(path, &id);
	if (ret != 0) {
		cli_err("cannot open '%s': %s", path,
			ret == -ENOENT ? "no such device or file"
				       : strerror(-ret));
		return ret == -ENOTBLK ? CLI_REFUSED : CLI_IO;
	}
	ret = wipe_check_safety(&id, why, sizeof(why));
	if (ret != 0) {
		cli_err("refusing '%s': %s", path,
			ret > 0 ? why : strerror(-ret));
		return CLI_REFUSED;
	}
	ret = wipe_dev_open(path, WIPE_OPEN_EXCL, d);
	if (ret != 0) {
		cli_err("cannot open '%s': %s", path, strerror(-ret));
		return ret == -EBUSY ? CLI_REFUSED : CLI_IO;
	}
	return CLI_OK;
}

static void
print_result(const struct verify_opts *o, const struct vfy_plan *plan,
	     const struct vfy_result *r, const struct wipe_contents *after,
	     const struct wipe_pattern *p)
{
	struct json_object *j;
	char seed[17], pattern[64];

	snprintf(seed, sizeof(seed), "%016llx", (unsigned long long)plan->seed);
	wipe_pattern_describe(p, pattern, sizeof(pattern));
	if (o->json) {
		j = cert_verification_json(plan, r, p, after);
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
		return;
	}
	printf("%s: %s verification against %s (plan seed %s)\n"
	       "  read %llu bytes (%u.%04u%% of the device)\n"
	       "  mismatching sectors %llu, unreadable sectors %llu\n"
	       "  signatures: %s\n",
	       o->target, vfy_mode_name(plan->mode), pattern, seed,
	       (unsigned long long)r->bytes_read,
	       wc_ppm(r->bytes_read, plan->size) / 10000,
	       wc_ppm(r->bytes_read, plan->size) % 10000,
	       (unsigned long long)r->mismatch.sectors,
	       (unsigned long long)r->unreadable.sectors,
	       wipe_contents_found(after) ? "FOUND" : "none");
	if (r->mismatch.n > 0)
		printf("  first mismatch at LBA %llu\n",
		       (unsigned long long)r->mismatch.v[0].start);
}

static int
run(const struct verify_opts *o, struct wipe_dev *d,
    const struct wipe_pattern *p)
{
	struct wipe_engine_opts eo;
	struct wipe_contents after = { 0 };
	struct vfy_plan plan;
	struct vfy_result r;
	uint64_t seed = o->seed;
	int ret, st;

	wipe_engine_opts_default(&eo);
	eo.stop = &cli_stop;
	if (!o->have_seed && wc_random(&seed, sizeof(seed)) != 0)
		return CLI_IO;
	ret = o->full ? vfy_plan_full(d->id.size_bytes, d->id.logical_sector,
				      &plan)
		      : vfy_plan_sample(d->id.size_bytes, d->id.logical_sector,
					seed, &plan);
	if (ret != 0) {
		cli_err("cannot plan verification of '%s': %s", o->target,
			strerror(-ret));
		return CLI_IO;
	}
	plan.seed = seed;
	vfy_result_init(&r);
	cli_signals_install();
	ret = vfy_readback(d, &plan, p, &eo, NULL, &r);
	if (ret == 0)
		ret = vfy_probe_after(d, &after);
	if (ret == -EINTR) {
		cli_err("interrupted");
		st = CLI_INTERRUPTED;
	} else if (ret != 0) {
		cli_err("cannot verify '%s': %s", o->target, strerror(-ret));
		st = CLI_IO;
	} else {
		print_result(o, &plan, &r, &after, p);
		st = vfy_result_ok(&r) && !wipe_contents_found(&after)
			     ? CLI_OK : CLI_FAILED;
		if (st != CLI_OK)
			cli_err("'%s': verification FAILED", o->target);
	}
	wipe_contents_release(&after);
	vfy_result_release(&r);
	vfy_plan_release(&plan);
	return st;
}

int
cmd_verify(int argc, char **argv)
{
	struct verify_opts o = { 0 };
	struct wipe_pattern p;
	struct cert_expect rec;
	struct wipe_dev *d = NULL;
	int st, from_record;

	st = parse_args(&o, argc, argv);
	if (st >= 0)
		return st;
	st = expectation(&o, &p, &rec, &from_record);
	if (st != 0)
		return st;
	st = open_checked(o.target, &d);
	if (st != CLI_OK)
		return st;
	if (from_record && (rec.size_bytes != d->id.size_bytes ||
			    strcmp(rec.serial, d->id.serial) != 0)) {
		cli_err("record '%s' is for another medium (serial '%s', "
			"%llu bytes); '%s' has serial '%s', %llu bytes",
			o.expect, rec.serial,
			(unsigned long long)rec.size_bytes, o.target,
			d->id.serial, (unsigned long long)d->id.size_bytes);
		wipe_dev_close(d);
		return CLI_FAILED;
	}
	st = run(&o, d, &p);
	wipe_dev_close(d);
	return st;
}
